using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ActorWs.Hosting.Configuration;
using ActorWs.Hosting.Settings;
using ActorWs.Server.Options;
using Microsoft.Extensions.Configuration;
using Serilog.Events;

namespace ActorWs.Hosting.Tests.Settings;

/// <summary>The example configurations in config/ are valid and say what their comments say.</summary>
public sealed class ExampleConfigTests
{
    private static string ConfigFile(string name) =>
        Path.Combine(Path.GetDirectoryName(ServerSettingsTests.RepoHoconConf())!, "config", name);

    [Fact]
    public void Development_IsValid_Loopback_WithDebugLogs()
    {
        var config = new ConfigurationBuilder().AddHoconFile(ConfigFile("development.conf")).Build();
        var server = ServerSettings.Read(config);
        var logging = LoggingSettings.Read(config);
        Assert.Equal("127.0.0.1", server.Host);
        Assert.Equal(TimeSpan.FromSeconds(10), server.WebSocket.PingInterval);
        Assert.Equal(LogEventLevel.Debug, logging.Level);
    }

    [Fact]
    public void Production_IsValid_WithTlsAndJsonLogs_OnceItsCertificateExists()
    {
        // The example names /etc paths; point them at a real certificate to validate the rest as written.
        string dir = Directory.CreateTempSubdirectory("actorws-prod-").FullName;
        try
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            using var cert = new CertificateRequest("CN=example", key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            File.WriteAllText(Path.Combine(dir, "cert.pem"), cert.ExportCertificatePem());
            File.WriteAllText(Path.Combine(dir, "key.pem"), key.ExportPkcs8PrivateKeyPem());
            var config = new ConfigurationBuilder()
                .AddHoconFile(ConfigFile("production.conf"))
                .AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["server:tls:certificate"] = Path.Combine(dir, "cert.pem"),
                    ["server:tls:key"] = Path.Combine(dir, "key.pem"),
                })
                .Build();
            var server = ServerSettings.Read(config);
            var logging = LoggingSettings.Read(config);
            Assert.True(server.Tls.Enabled);
            Assert.Equal(443, server.Port);
            Assert.Equal(LogFormat.Json, logging.ConsoleFormat);
            Assert.NotNull(logging.FilePath);
            Assert.Equal(LogEventLevel.Warning, logging.Overrides["ActorWs.Server.Connections"]);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Production_AsShipped_ReportsTheMissingCertificate_WithItsLine()
    {
        var config = new ConfigurationBuilder().AddHoconFile(ConfigFile("production.conf")).Build();
        var ex = Assert.Throws<ConfigurationValidationException>(() => ServerSettings.Read(config));
        Assert.Contains("server.tls.certificate at ", ex.Message);
        Assert.Contains("production.conf:11", ex.Message);
        Assert.Contains("fullchain.pem", ex.Message);
    }

    [Fact]
    public void EveryKeyOfTheLoggingSection_IsRead()
    {
        var config = new ConfigurationBuilder().AddHoconFile(ServerSettingsTests.RepoHoconConf()).Build();
        var logging = LoggingSettings.Read(config);
        Assert.Equal(LogEventLevel.Information, logging.Level);
        Assert.Null(logging.FilePath);
        foreach (var key in new[] { "level", "console:format", "file:format", "file:rolling", "file:retained-files", "console:enabled", "file:enabled", "overrides:Microsoft" })
        {
            var broken = new ConfigurationBuilder().AddHoconFile(ServerSettingsTests.RepoHoconConf())
                .AddInMemoryCollection(new Dictionary<string, string?> { ["logging:" + key] = "not-valid-%" }).Build();
            Assert.Throws<ConfigurationValidationException>(() => LoggingSettings.Read(broken));
        }
    }
}
