using System.Net.WebSockets;
using ActorWs.Server.Options;
using ActorWs.Server.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Xunit;

namespace ActorWs.Server.Tests.Integration;

/// <summary>The server's own lines, as a person reads them: where it listens, when it has stopped, how long things took.</summary>
public sealed class ServerLogTests
{
    private static FakeLogRecord Line(TestServer server, string startingWith) =>
        server.Logs.WaitFor(r => r.Message.StartsWith(startingWith, StringComparison.Ordinal), TestServer.Wait)
        ?? throw new Xunit.Sdk.XunitException($"no line starting with \"{startingWith}\" in:\n" + string.Join("\n", server.Logs.GetSnapshot().Select(r => r.Message)));

    [Fact]
    public async Task TheStartupLine_GivesThePageUrl_TheTransport_EveryWebSocketRoute_TheEndpoints_AndTheConfiguration()
    {
        await using var server = await TestServer.StartAsync(configure: s => s.ConfigurationSource = "/srv/actorws/hocon.conf");
        int port = server.EndPoint.Port;
        string transport = OperatingSystem.IsLinux() ? "epoll" : "sockets";
        var line = Line(server, "ActorWs listening on");
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.Equal(
            $"ActorWs listening on http://127.0.0.1:{port}/ ({transport}) — WebSockets: ws://127.0.0.1:{port}/echo, /rooms/{{name}}, /ws; " +
            "page /, health /health, ready /ready, metrics /metrics; configuration: /srv/actorws/hocon.conf",
            line.Message);
    }

    [Fact]
    public async Task TheStartupLine_LeavesOutTheStatusPageAndMetrics_WhenTheyAreOff()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.Http.StatusPage = false;
            o.Http.Metrics = false;
        }, transport: TransportKind.Sockets);
        int port = server.EndPoint.Port;
        Assert.Equal(
            $"ActorWs listening on http://127.0.0.1:{port}/ (sockets) — WebSockets: ws://127.0.0.1:{port}/echo, /rooms/{{name}}, /ws; health /health, ready /ready",
            Line(server, "ActorWs listening on").Message);
    }

    [Fact]
    public async Task TheStartupLine_NamesThePage_WhenTheApplicationServesOneAtTheRoot()
    {
        string web = Directory.CreateTempSubdirectory("actorws-page-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(web, "index.html"), "<!doctype html><title>game</title>");
            await using var server = await TestServer.StartAsync(o => o.Http.StatusPage = false, s => s.MapStaticFiles("/", web));
            Assert.Contains("; page /, health /health, ready /ready, metrics /metrics", Line(server, "ActorWs listening on").Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(web, recursive: true);
        }
    }

    [Fact]
    public async Task AStoppedServer_SaysSo_WithHowTheDrainWent()
    {
        var server = await TestServer.StartAsync();
        await using (server)
        {
            int port = server.EndPoint.Port;
            await server.Server.StopAsync().WaitAsync(TestServer.Wait);
            var line = Line(server, "ActorWs stopped");
            Assert.Equal(LogLevel.Information, line.Level);
            Assert.Matches($@"^ActorWs stopped after drain \(0 connections aborted, drain took \d+\.\d\d s\): http://127\.0\.0\.1:{port}/ is closed$", line.Message);
            // The last thing the server logs.
            Assert.Equal(line.Message, server.Logs.GetSnapshot().Last(r => r.Category == "ActorWs.Server").Message);
        }
    }

    [Fact]
    public async Task TheStopLine_CountsTheConnectionsTheDrainHadToAbort()
    {
        await using var server = await TestServer.StartAsync(o => o.DrainTimeout = TimeSpan.FromMilliseconds(300));
        // A client that never reads: it never sees the server's close frame, so never answers it.
        using var deaf = await server.ConnectAsync("/echo");
        await server.Server.StopAsync().WaitAsync(TestServer.Wait);
        Assert.Matches(@"^ActorWs stopped after drain \(1 connections aborted, drain took 0\.\d\d s\)", Line(server, "ActorWs stopped").Message);
        Assert.Matches(@"^Draining 1 connections \(up to 0\.3 s\)$", Line(server, "Draining").Message);
    }

    [Fact]
    public async Task AClosedWebSocket_IsLogged_WithItsDurationInSeconds()
    {
        await using var server = await TestServer.StartAsync();
        using (var client = await server.ConnectAsync("/echo"))
        {
            using var cts = new CancellationTokenSource(TestServer.Wait);
            await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", cts.Token);
        }
        var line = server.Logs.WaitFor(r => r.Message.Contains(" closed with ", StringComparison.Ordinal), TestServer.Wait);
        Assert.NotNull(line);
        Assert.Matches(@"^WebSocket \d+ on /echo closed with 1000 ""bye"" \(by peer: True\) after \d+\.\d\d s$", line.Message);
    }
}
