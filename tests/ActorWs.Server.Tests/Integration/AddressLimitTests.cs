using System.Net.WebSockets;
using ActorWs.Server.Tests.Infrastructure;
using Xunit;

namespace ActorWs.Server.Tests.Integration;

/// <summary>Connections and upgrades per remote address (every test client is 127.0.0.1).</summary>
public sealed class AddressLimitTests
{
    /// <summary>Sends an upgrade request and reads the answer (101 or a refusal).</summary>
    private static RawHttpResponse TryUpgrade(RawClient raw, string? forwardedFor = null)
    {
        raw.Send(RawClient.UpgradeRequest("/echo", forwardedFor is null ? null : $"X-Forwarded-For: {forwardedFor}\r\n"));
        return raw.ReadHttpResponse();
    }

    private static void AssertRefusedUpgrade(TestServer server, string? forwardedFor = null)
    {
        using var raw = RawClient.Connect(server.EndPoint);
        var response = TryUpgrade(raw, forwardedFor);
        Assert.Equal(429, response.Status);
        Assert.Contains("too many WebSocket upgrades from your address", response.Body);
        Assert.Equal("1", response.Headers["Retry-After"]);
        Assert.True(raw.WaitForEndOfStream());
    }

    private static RawClient Upgraded(TestServer server, string? forwardedFor = null)
    {
        var raw = RawClient.Connect(server.EndPoint);
        Assert.Equal(101, TryUpgrade(raw, forwardedFor).Status);
        return raw;
    }

    [Fact]
    public async Task PastTheConnectionsPerAddress_NewSocketsGet503WithAReason_AndAClosedOneFreesItsPlace()
    {
        await using var server = await TestServer.StartAsync(o => o.Limits.ConnectionsPerAddress = 2);
        using var healthy = await server.ConnectAsync("/echo");
        var second = Upgraded(server);

        using (var refused = RawClient.Connect(server.EndPoint))
        {
            var response = refused.ReadHttpResponse();
            Assert.Equal(503, response.Status);
            Assert.Equal("too many connections from your address\n", response.Body);
            Assert.True(refused.WaitForEndOfStream());
        }
        await EchoTests.SendTextAsync(healthy, "unaffected");
        Assert.Equal("unaffected", await EchoTests.ReceiveTextAsync(healthy));

        // The second connection closes: once its actor has stopped, its place is free again. The stop follows the close
        // handshake on the server's side, so the new connection is retried (each refusal is a complete, immediate answer).
        second.SendClose(1000);
        Assert.True(second.WaitForEndOfStream());
        second.Dispose();
        var deadline = DateTime.UtcNow + TestServer.Wait;
        while (true)
        {
            using var raw = RawClient.Connect(server.EndPoint);
            var response = TryUpgrade(raw);
            if (response.Status == 101) break;
            Assert.Equal(503, response.Status);
            Assert.True(DateTime.UtcNow < deadline, "the closed connection never gave its place back");
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task PastTheUpgradeRate_UpgradesGet429_PlainHttpStillWorks_AndTheBucketRefillsWithTime()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.Limits.UpgradesPerSecond = 2;
            o.Limits.UpgradeBurst = 3;
        }, fakeTime: true);
        using var a = Upgraded(server);
        using var b = Upgraded(server);
        using var c = Upgraded(server);
        AssertRefusedUpgrade(server);

        using (var http = RawClient.Connect(server.EndPoint))
        {
            http.Send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            Assert.Equal(200, http.ReadHttpResponse().Status);
        }
        a.SendText("unaffected");
        Assert.Equal("unaffected", a.ReadFrame()!.Text);

        await server.AdvanceAsync(TimeSpan.FromSeconds(1)); // two more tokens
        using var d = Upgraded(server);
        using var e = Upgraded(server);
        AssertRefusedUpgrade(server);
    }

    [Fact]
    public async Task ATrustedProxy_IsNotLimitedPerAddress_AndItsUpgradesAreChargedToTheForwardedClient()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.Limits.ConnectionsPerAddress = 1;
            o.Limits.UpgradesPerSecond = 1;
            o.Limits.UpgradeBurst = 1;
            o.Limits.TrustedProxies = ["127.0.0.1"];
        }, fakeTime: true);
        using var alice = Upgraded(server, "203.0.113.7");
        AssertRefusedUpgrade(server, "203.0.113.7");
        using var bob = Upgraded(server, "198.51.100.1, 203.0.113.8"); // the address the proxy appended is the last one
        using var proxyItself = Upgraded(server);
        AssertRefusedUpgrade(server);
        alice.SendText("unaffected");
        Assert.Equal("unaffected", alice.ReadFrame()!.Text);
    }

    [Fact]
    public async Task XForwardedFor_FromAnUntrustedPeer_IsIgnored()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.Limits.UpgradesPerSecond = 1;
            o.Limits.UpgradeBurst = 1;
        }, fakeTime: true);
        using var first = Upgraded(server, "203.0.113.7");
        AssertRefusedUpgrade(server, "198.51.100.1");
        first.SendText("unaffected");
        Assert.Equal("unaffected", first.ReadFrame()!.Text);
    }
}
