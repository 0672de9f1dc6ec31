using System.Net.WebSockets;
using ActorWs.Protocol.Frames;
using ActorWs.Server.Messaging;

using ActorWs.Server.Tests.Infrastructure;
using Xunit;

namespace ActorWs.Server.Tests.Integration;

/// <summary>A fault in one connection, session or room touches nothing else: 99 other clients keep going.</summary>
public sealed class FaultIsolationTests
{
    /// <summary>Echoes, but throws on "boom".</summary>
    private sealed class ThrowingHandler : ActorWs.Server.Sessions.WebSocketHandler
    {
        public override void OnMessage(ActorWs.Server.Sessions.IWebSocketSession session, WebSocketMessage message)
        {
            if (message.GetText() == "boom") throw new InvalidOperationException("handler bug");
            session.Send(message.Span, message.Type);
        }
    }

    private static async Task<List<ClientWebSocket>> ConnectMany(TestServer server, string path, int count)
    {
        var clients = new List<ClientWebSocket>();
        for (int i = 0; i < count; i++) clients.Add(await server.ConnectAsync(path));
        return clients;
    }

    private static async Task AllEcho(IEnumerable<ClientWebSocket> clients, string text)
    {
        await Task.WhenAll(clients.Select(async (c, i) =>
        {
            await EchoTests.SendTextAsync(c, $"{text} {i}");
            Assert.Equal($"{text} {i}", await EchoTests.ReceiveTextAsync(c));
        }));
    }

    [Fact]
    public async Task ASessionThatThrows_ClosesOnlyItsOwnConnection_With1011()
    {
        await using var server = await TestServer.StartAsync(configure: s => s.MapRoute<ThrowingHandler>("/fragile"));
        var others = await ConnectMany(server, "/fragile", 99);
        using var victim = await server.ConnectAsync("/fragile");
        try
        {
            var traffic = AllEcho(others, "before");
            await EchoTests.SendTextAsync(victim, "boom");
            var (type, _) = await EchoTests.ReceiveWholeAsync(victim);
            Assert.Equal(WebSocketMessageType.Close, type);
            Assert.Equal((WebSocketCloseStatus)WebSocketCloseCode.InternalServerError, victim.CloseStatus);
            await traffic;
            await AllEcho(others, "after");
            Assert.NotNull(server.Logs.WaitFor(e => e.Exception is InvalidOperationException { Message: "handler bug" } && e.Level == Microsoft.Extensions.Logging.LogLevel.Error, TestServer.Wait));
        }
        finally
        {
            foreach (var c in others) c.Dispose();
        }
    }

    [Fact]
    public async Task OneConnectionSendingGarbage_LeavesTheOther99Working()
    {
        await using var server = await TestServer.StartAsync();
        var others = await ConnectMany(server, "/echo", 99);
        try
        {
            var traffic = Task.Run(async () =>
            {
                for (int round = 0; round < 5; round++) await AllEcho(others, $"round {round}");
            });
            for (int i = 0; i < 10; i++)
            {
                using var raw = RawClient.Connect(server.EndPoint);
                raw.Upgrade("/echo");
                raw.Send(new byte[] { 0x81, 0x05, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF }); // unmasked: 1002
                Assert.Equal(WebSocketCloseCode.ProtocolError, raw.ReadUntilClose()!.CloseCode);
            }
            await traffic.WaitAsync(TestServer.Wait);
        }
        finally
        {
            foreach (var c in others) c.Dispose();
        }
    }

    /// <summary>A relay room that throws on "boom".</summary>
    private sealed class FragileRelayRoom : ActorWs.Server.Rooms.Room
    {
        protected internal override void OnMessage(ActorWs.Server.Rooms.RoomMember member, WebSocketMessage message)
        {
            if (message.Span.SequenceEqual("boom"u8)) throw new InvalidOperationException("room bug");
            Broadcast(message.Span, message.Type);
        }
    }

    [Fact]
    public async Task ARoomThatThrowsOnOneMessage_LeavesThe99OtherMembersOfAnotherRoomExchanging_AndDropsNoConnection()
    {
        await using var server = await TestServer.StartAsync(
            o => { o.Rooms.RestartBackoffMin = TimeSpan.FromMilliseconds(5); o.Rooms.RestartBackoffMax = TimeSpan.FromMilliseconds(5); },
            s =>
            {
                s.DefineRoom<FragileRelayRoom>("fragile-relay");
                s.MapRoute<ActorWs.Server.BuiltIn.RelayRoomHandler>("/fragile/{name}").RoomType = "fragile-relay";
            });
        var others = await ConnectMany(server, "/fragile/y", 99);
        using var victim = await server.ConnectAsync("/fragile/x");
        try
        {
            // Everyone is in once their own sync message comes back.
            foreach (var (c, i) in others.Select((c, i) => (c, i)))
            {
                await EchoTests.SendTextAsync(c, $"sync {i}");
                while (await EchoTests.ReceiveTextAsync(c) != $"sync {i}") { }
            }
            await EchoTests.SendTextAsync(victim, "boom");
            await EchoTests.SendTextAsync(others[0], "after the failure");
            foreach (var c in others)
                while (await EchoTests.ReceiveTextAsync(c) != "after the failure") { }
            // The failed room came back with its member still in it; only "boom" itself was lost.
            await EchoTests.SendTextAsync(victim, "still here");
            Assert.Equal("still here", await EchoTests.ReceiveTextAsync(victim));
            Assert.Equal(WebSocketState.Open, victim.State);
        }
        finally
        {
            foreach (var c in others) c.Dispose();
        }
    }
}
