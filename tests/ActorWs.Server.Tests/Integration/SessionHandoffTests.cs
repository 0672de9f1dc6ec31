using System.Net.Sockets;
using Akka.Actor;
using ActorWs.Server.Tests.Infrastructure;
using Xunit;

namespace ActorWs.Server.Tests.Integration;

/// <summary>
/// A connection that dies while its session is being made (the client resets the socket right after its upgrade
/// request, as flaky networks do) leaves no session behind, whichever of the two gets there first: a new session, a
/// resumed one, and an actor route's actor. (Before, each such session stayed attached to the dead connection for
/// the life of the server: the soak found 182 after an hour.)
/// </summary>
public sealed class SessionHandoffTests
{
    private const int Attempts = 300;

    /// <summary>Sends the upgrade request for <paramref name="path"/> and resets the connection at once.</summary>
    private static void UpgradeAndReset(TestServer server, string path)
    {
        using var socket = new Socket(server.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        socket.Connect(server.EndPoint);
        socket.Send(System.Text.Encoding.ASCII.GetBytes(RawClient.UpgradeRequest(path)));
        socket.LingerState = new LingerOption(true, 0); // closing now sends a reset
        socket.Close();
    }

    [Fact]
    public async Task UpgradesResetBeforeTheirWelcome_LeaveNoSession()
    {
        await using var server = await TestServer.StartAsync(o => o.WebSocket.ResumeAttemptsPerSecond = 0);
        var metrics = server.Server.Metrics;
        for (int i = 0; i < Attempts; i++) UpgradeAndReset(server, "/ws");

        await Poll.UntilAsync(
            () => metrics.OpenConnections == 0 && metrics.ActiveSessions == 0,
            () => $"{metrics.OpenConnections} connections and {metrics.ActiveSessions} sessions still there");

        // The server goes on as before.
        await using var client = await JsonClient.ConnectAsync(server);
        await client.OkAsync("ping");
        Assert.Equal(1, metrics.ActiveSessions);
    }

    [Fact]
    public async Task ResumesResetBeforeTheirWelcome_LeaveTheSessionDetached()
    {
        await using var server = await TestServer.StartAsync(o => o.WebSocket.ResumeAttemptsPerSecond = 0, fakeTime: true);
        var metrics = server.Server.Metrics;
        await using var publisher = await JsonClient.ConnectAsync(server);
        await publisher.OkAsync("join", "\"room\":\"lobby\"");
        var dropped = await JsonClient.ConnectAsync(server);
        string token = dropped.Token;
        await dropped.OkAsync("join", "\"room\":\"lobby\"");
        await dropped.DisposeAsync();
        await Poll.UntilAsync(() => metrics.DetachedSessions == 1, () => "the session never detached");

        // Resumes with the right token and with a forged one, each reset before its welcome.
        for (int i = 0; i < Attempts; i++)
            UpgradeAndReset(server, i % 2 == 0 ? $"/ws?resume={token}&lastSeq=0" : "/ws?resume=AAAAAAAAAAAAAAAAAAAAAA&lastSeq=0");

        await Poll.UntilAsync(
            () => metrics.OpenConnections == 1 && metrics.ActiveSessions == 2 && metrics.DetachedSessions == 1,
            () => $"{metrics.OpenConnections} connections, {metrics.ActiveSessions} sessions ({metrics.DetachedSessions} detached)");

        // Whether an attempt took the session over before its connection died (the session then detached again) or
        // found the connection gone first (the session stayed as it was), the session is detached, not attached to a
        // dead connection; and the server goes on.
        await using var other = await JsonClient.ConnectAsync(server);
        await other.OkAsync("ping");
    }

    /// <summary>Counts its instances alive.</summary>
    private sealed class CountedRouteActor : ReceiveActor
    {
        public static int Alive;

        public CountedRouteActor() => ReceiveAny(_ => { });

        protected override void PreStart() => Interlocked.Increment(ref Alive);

        protected override void PostStop() => Interlocked.Decrement(ref Alive);
    }

    [Fact]
    public async Task ActorRouteUpgradesResetBeforeTheirWelcome_LeaveNoActor()
    {
        await using var server = await TestServer.StartAsync(configure: s => s.MapActorRoute("/counted", Props.Create(() => new CountedRouteActor())));
        var metrics = server.Server.Metrics;
        for (int i = 0; i < Attempts; i++) UpgradeAndReset(server, "/counted");

        await Poll.UntilAsync(
            () => metrics.OpenConnections == 0 && Volatile.Read(ref CountedRouteActor.Alive) == 0,
            () => $"{metrics.OpenConnections} connections and {CountedRouteActor.Alive} route actors still there");
    }
}
