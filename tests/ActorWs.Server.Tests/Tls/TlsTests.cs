using System.Net;
using System.Net.Http;
using System.Net.Security;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ActorWs.Server.Tests.Infrastructure;
using ActorWs.Server.Tests.Integration;
using Xunit;

namespace ActorWs.Server.Tests.Tls;

/// <summary>wss:// and https:// on one port, with a self-signed certificate made in the test.</summary>
public sealed class TlsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("actorws-tls-").FullName;
    private readonly X509Certificate2 _certificate;

    public TlsTests()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=actorws-test", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        var now = DateTimeOffset.UtcNow;
        _certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
        File.WriteAllText(CertPath, _certificate.ExportCertificatePem());
        File.WriteAllText(KeyPath, key.ExportPkcs8PrivateKeyPem());
        File.WriteAllBytes(PfxPath, _certificate.Export(X509ContentType.Pfx, "secret"));
    }

    private string CertPath => Path.Combine(_directory, "cert.pem");
    private string KeyPath => Path.Combine(_directory, "key.pem");
    private string PfxPath => Path.Combine(_directory, "cert.pfx");

    /// <summary>Trusts exactly the test's certificate, nothing else.</summary>
    private bool TrustOnlyOurs(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) =>
        certificate is not null && certificate.GetCertHashString() == _certificate.GetCertHashString();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task WssAndHttps_ShareThePort(bool pfx)
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.Tls.CertificatePath = pfx ? PfxPath : CertPath;
            o.Tls.KeyPath = pfx ? null : KeyPath;
            o.Tls.Password = pfx ? "secret" : null;
        });
        using var client = new ClientWebSocket();
        client.Options.RemoteCertificateValidationCallback = TrustOnlyOurs;
        using var cts = new CancellationTokenSource(TestServer.Wait);
        await client.ConnectAsync(new Uri($"wss://127.0.0.1:{server.EndPoint.Port}/echo"), cts.Token);
        await EchoTests.SendTextAsync(client, "over TLS");
        Assert.Equal("over TLS", await EchoTests.ReceiveTextAsync(client));

        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (m, c, ch, e) => TrustOnlyOurs(m, c, ch, e) };
        using var http = new HttpClient(handler) { Timeout = TestServer.Wait };
        var health = await http.GetAsync($"https://127.0.0.1:{server.EndPoint.Port}/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task AClientThatDoesNotTrustTheCertificate_FailsTheHandshake_AndPlainWsIsRefused_WhileOthersWork()
    {
        await using var server = await TestServer.StartAsync(o => { o.Tls.CertificatePath = CertPath; o.Tls.KeyPath = KeyPath; });
        using var trusted = new ClientWebSocket();
        trusted.Options.RemoteCertificateValidationCallback = TrustOnlyOurs;
        await trusted.ConnectAsync(new Uri($"wss://127.0.0.1:{server.EndPoint.Port}/echo"), new CancellationTokenSource(TestServer.Wait).Token);

        using var untrusting = new ClientWebSocket();
        await Assert.ThrowsAnyAsync<WebSocketException>(() => untrusting.ConnectAsync(new Uri($"wss://127.0.0.1:{server.EndPoint.Port}/echo"), new CancellationTokenSource(TestServer.Wait).Token));

        using var plain = new ClientWebSocket();
        await Assert.ThrowsAnyAsync<WebSocketException>(() => plain.ConnectAsync(new Uri($"ws://127.0.0.1:{server.EndPoint.Port}/echo"), new CancellationTokenSource(TestServer.Wait).Token));

        await EchoTests.SendTextAsync(trusted, "still fine");
        Assert.Equal("still fine", await EchoTests.ReceiveTextAsync(trusted));
    }

    [Fact]
    public void AMissingOrKeylessCertificate_IsReportedWithItsFile()
    {
        var missing = new Options.TlsOptions { CertificatePath = Path.Combine(_directory, "nope.pem") };
        var ex = Assert.Throws<InvalidOperationException>(() => missing.LoadCertificate());
        Assert.Contains("nope.pem", ex.Message);

        var noKey = new Options.TlsOptions { CertificatePath = CertPath }; // the key is in another file
        Assert.Throws<InvalidOperationException>(() => noKey.LoadCertificate());
    }

    public void Dispose()
    {
        _certificate.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
