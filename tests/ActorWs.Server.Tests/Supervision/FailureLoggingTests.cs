using System.Net.WebSockets;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using ActorWs.Server.ActorRoutes;
using ActorWs.Server.Dispatch;
using ActorWs.Server.Messaging;
using ActorWs.Server.Rooms;
using ActorWs.Server.Sessions;
using ActorWs.Server.Tests.Infrastructure;
using ActorWs.Server.Tests.Integration;
using Xunit;

namespace ActorWs.Server.Tests.Supervision;

/// <summary>
/// A failure is logged once, by the server, with what it means; Akka.NET's own supervisor log stays quiet (its
/// strategies are set up without logging). Checked with Akka.TestKit's EventFilter on the server's actor system.
/// </summary>
public sealed class FailureLoggingTests() : TestKit(ActorWsDispatch.DefaultConfig)
{
    private sealed class ThrowingHandler : WebSocketHandler
    {
        public override void OnMessage(IWebSocketSession session, WebSocketMessage message) =>
            throw new InvalidOperationException("handler bug");
    }

    private sealed class ThrowingRouteActor : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            if (message is WebSocketMessageReceived) throw new InvalidOperationException("route actor bug");
        }
    }

    /// <summary>A room whose logic throws on "boom" and otherwise relays.</summary>
    private sealed class FragileRoom : Room
    {
        protected internal override void OnMessage(RoomMember member, WebSocketMessage message)
        {
            if (message.GetText() == "boom") throw new InvalidOperationException("room bug");
            Broadcast(message.Span, message.Type);
        }
    }

    private sealed class FragileHandler : WebSocketHandler
    {
        public override void OnOpen(IWebSocketSession session) => session.JoinRoom("fragile", "f", tag: null);

        public override void OnRoomEvent(IWebSocketSession session, RoomEvent roomEvent)
        {
            if (roomEvent is RoomJoined) session.SendText("joined");
        }

        public override void OnMessage(IWebSocketSession session, WebSocketMessage message) =>
            session.SendToRoom("f", message.Span, message.Type);
    }

    private async Task<TestServer> StartAsync() =>
        await TestServer.StartAsync(configure: s =>
        {
            s.MapRoute("/throws", () => new ThrowingHandler());
            s.MapActorRoute("/actor-throws", Props.Create<ThrowingRouteActor>());
            s.DefineRoom("fragile", () => new FragileRoom());
            s.MapRoute("/fragile", () => new FragileHandler());
        }, system: Sys);

    [Theory]
    [InlineData("/throws", "handler bug")]
    [InlineData("/actor-throws", "route actor bug")]
    public async Task ASessionThatThrows_IsLoggedOnceByTheServer_AndNotByAkka(string path, string bug)
    {
        await using var server = await StartAsync();
        await EventFilter.Exception<InvalidOperationException>().ExpectAsync(0, async () =>
        {
            using var client = await server.ConnectAsync(path);
            await EchoTests.SendTextAsync(client, "go");
            var (type, _) = await EchoTests.ReceiveWholeAsync(client);
            Assert.Equal(WebSocketMessageType.Close, type);
            Assert.Equal((WebSocketCloseStatus)1011, client.CloseStatus);
        });
        Assert.NotNull(server.Logs.WaitFor(r => r.Exception?.Message == bug, TestServer.Wait));
        Assert.Single(server.Logs.GetSnapshot(), r => r.Exception?.Message == bug);
    }

    [Fact]
    public async Task ARoomThatThrows_IsRestartedWithItsMembers_AndLoggedOnce()
    {
        await using var server = await StartAsync();
        using var client = await server.ConnectAsync("/fragile");
        Assert.Equal("joined", await EchoTests.ReceiveTextAsync(client));
        await EchoTests.SendTextAsync(client, "before");
        Assert.Equal("before", await EchoTests.ReceiveTextAsync(client));
        await EventFilter.Exception<InvalidOperationException>().ExpectAsync(0, async () =>
        {
            await EchoTests.SendTextAsync(client, "boom");
            Assert.NotNull(server.Logs.WaitFor(r => r.Exception?.Message == "room bug", TestServer.Wait));
        });
        // Still a member of the restarted room: what it sends comes back through the fresh logic (after the backoff).
        await EchoTests.SendTextAsync(client, "after");
        Assert.Equal("after", await EchoTests.ReceiveTextAsync(client));
        Assert.Single(server.Logs.GetSnapshot(), r => r.Exception?.Message == "room bug");
    }
    [Theory]
    [InlineData("sessions", true)]
    [InlineData("rooms", true)]
    [InlineData("sessions", false)]
    [InlineData("rooms", false)]
    public async Task ACoreActorThatFailsOrStops_FaultsTheServer_LoggedOnceByTheServer_AndNotByAkka(string core, bool fails)
    {
        // The death pact of the core three: the server's root watches them and supervises them with Stop; whichever way
        // one ends while the server runs, the server reports itself faulted (the host then exits with 1).
        await using var server = await StartAsync();
        using var client = await server.ConnectAsync("/echo");
        Assert.False(server.Server.Faulted.IsCompleted);
        var victim = await Sys.ActorSelection(server.Server.Actor.Path / core).ResolveOne(TestServer.Wait);
        Watch(victim);
        await EventFilter.Exception<ActorKilledException>().ExpectAsync(0, async () =>
        {
            victim.Tell(fails ? Kill.Instance : PoisonPill.Instance);
            ExpectTerminated(victim, TestServer.Wait);
            var fault = await server.Server.Faulted.WaitAsync(TestServer.Wait);
            if (fails) Assert.IsType<ActorKilledException>(fault);
            else Assert.Contains($"{core} stopped unexpectedly", fault.Message);
        });
        var logged = server.Logs.GetSnapshot().Where(r => r.Message.Contains("core server actor failed", StringComparison.Ordinal)).ToList();
        if (fails) Assert.IsType<ActorKilledException>(Assert.Single(logged).Exception);
        else Assert.Empty(logged);
    }
}
