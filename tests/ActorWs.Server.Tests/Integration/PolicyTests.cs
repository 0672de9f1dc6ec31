using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using Akka.Actor;
using ActorWs.Protocol.Frames;
using ActorWs.Server.BuiltIn;
using ActorWs.Server.Messaging;
using ActorWs.Server.Options;
using ActorWs.Server.Routing;
using ActorWs.Server.Sessions;
using ActorWs.Server.Tests.Infrastructure;
using Xunit;

namespace ActorWs.Server.Tests.Integration;

/// <summary>Limits, admission and negotiation.</summary>
public sealed class PolicyTests
{
    /// <summary>
    /// On "flood N", pushes N messages of 16 KiB from a later turn of its own (server sends outside a reply, as a game
    /// tick or a notification would be: what the slow-consumer policy is for); on "stream N" the same, 16 messages a
    /// turn, so that the connection writes between turns; echoes anything else.
    /// </summary>
    private sealed class FloodHandler : WebSocketHandler
    {
        private const int StreamedPerTurn = 16;

        private sealed record Flood(int Count, int PerTurn);

        public override void OnMessage(IWebSocketSession session, WebSocketMessage message)
        {
            string text = message.GetText();
            if (text.StartsWith("flood ", StringComparison.Ordinal))
                session.Self.Tell(new Flood(int.Parse(text[6..]), int.MaxValue), session.Self);
            else if (text.StartsWith("stream ", StringComparison.Ordinal))
                session.Self.Tell(new Flood(int.Parse(text[7..]), StreamedPerTurn), session.Self);
            else
                session.Send(message.Span, message.Type);
        }

        public override bool OnActorMessage(IWebSocketSession session, object message)
        {
            if (message is not Flood flood) return false;
            var chunk = new byte[16 * 1024];
            int now = Math.Min(flood.Count, flood.PerTurn);
            for (int i = now; i > 0; i--) session.Send(chunk, WebSocketMessageType.Binary);
            if (flood.Count > now) session.Self.Tell(flood with { Count = flood.Count - now }, session.Self);
            return true;
        }
    }

    [Fact]
    public async Task ASlowConsumer_OverTheOutboundLimit_IsClosedWith1008_AndOthersAreUnaffected()
    {
        await using var server = await TestServer.StartAsync(o => o.WebSocket.OutboundQueueLimit = 256 * 1024, s => s.MapRoute<FloodHandler>("/flood"));
        using var healthy = await server.ConnectAsync("/flood");
        using var slow = RawClient.Connect(server.EndPoint, receiveBufferSize: 16 * 1024);
        slow.Upgrade("/flood");
        // 64 MiB asked for; the client reads nothing meanwhile, so the kernel buffers fill and the queue passes 256 KiB.
        slow.SendText("flood 4096");
        await Task.Delay(500);
        var close = slow.ReadUntilClose();
        Assert.NotNull(close);
        Assert.Equal(WebSocketCloseCode.PolicyViolation, close!.CloseCode);
        await EchoTests.SendTextAsync(healthy, "fine");
        Assert.Equal("fine", await EchoTests.ReceiveTextAsync(healthy));
        Assert.NotNull(server.Logs.WaitFor(e => e.Message.Contains("reads too slowly"), TestServer.Wait));
    }

    [Fact]
    public async Task TheDropPolicy_DropsMessagesOverTheLimit_ButKeepsTheConnection()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.WebSocket.OutboundQueueLimit = 256 * 1024;
            o.WebSocket.SlowConsumerPolicy = SlowConsumerPolicy.Drop;
        }, s => s.MapRoute<FloodHandler>("/flood"));
        using var slow = RawClient.Connect(server.EndPoint, receiveBufferSize: 16 * 1024);
        slow.Upgrade("/flood");
        slow.SendText("flood 4096");
        await Task.Delay(500);
        slow.SendText("marker");
        int binary = 0;
        ReceivedFrame? frame;
        while ((frame = slow.ReadFrame()) is not null && frame.Opcode == WebSocketOpcode.Binary) binary++;
        Assert.NotNull(frame);
        Assert.Equal("marker", frame!.Text);
        Assert.InRange(binary, 1, 4095); // some got through, the rest were dropped
    }

    [Fact]
    public async Task ASlowConsumerOfRoomBroadcasts_WhileSomeoneElseFloods_IsStillClosedWith1008()
    {
        const int Chunk = 16 * 1024;
        const int Flood = 1024; // 16 MiB: more than the limit and every kernel buffer on the way
        await using var server = await TestServer.StartAsync(o => o.WebSocket.OutboundQueueLimit = 256 * 1024);
        using var flooder = await server.ConnectAsync("/rooms/flooded");
        using var slow = RawClient.Connect(server.EndPoint, receiveBufferSize: 16 * 1024);
        slow.Upgrade("/rooms/flooded");
        slow.SendText("slow is here");
        // Relayed once the slow client's join is confirmed: when the flooder hears it, the slow client is a member.
        Assert.Equal("slow is here", await EchoTests.ReceiveTextAsync(flooder));
        // The room sends the flooder its own copy of each message too: it waits for that copy before sending the next, so
        // it never has more than one message queued and is no slow consumer itself.
        var chunk = new byte[Chunk];
        for (int i = 0; i < Flood; i++)
        {
            await EchoTests.SendAsync(flooder, chunk);
            Assert.Equal(Chunk, (await EchoTests.ReceiveWholeAsync(flooder)).Payload.Length);
        }
        var close = slow.ReadUntilClose();
        Assert.NotNull(close);
        Assert.Equal(WebSocketCloseCode.PolicyViolation, close!.CloseCode);
        Assert.NotNull(server.Logs.WaitFor(e => e.Message.Contains("reads too slowly"), TestServer.Wait));
    }

    [Fact]
    public async Task WhenTheSlowConsumerPolicyFires_ItsCloseGoesOutAheadOfTheQueuedMessagesItDiscards()
    {
        const long Limit = 16 * 1024 * 1024;
        await using var server = await TestServer.StartAsync(o => o.WebSocket.OutboundQueueLimit = Limit, s => s.MapRoute<FloodHandler>("/flood"));
        using var slow = RawClient.Connect(server.EndPoint, receiveBufferSize: 16 * 1024);
        slow.Upgrade("/flood");
        slow.SendText("stream 2048"); // 32 MiB pushed while the client reads nothing, written out between turns
        Assert.NotNull(server.Logs.WaitFor(e => e.Message.Contains("reads too slowly"), TestServer.Wait));
        // Now the client reads: only what was already on its way (kernel buffers, the write buffer) may come before the close.
        long dataBytes = 0;
        ReceivedFrame? frame;
        while ((frame = slow.ReadFrame()) is { Opcode: WebSocketOpcode.Binary }) dataBytes += frame.Payload.Length;
        Assert.True(frame is not null, "the connection was reset without a close frame");
        Assert.Equal(WebSocketOpcode.Close, frame!.Opcode);
        Assert.Equal(WebSocketCloseCode.PolicyViolation, frame.CloseCode);
        Assert.True(dataBytes < Limit / 2, $"{dataBytes} bytes of messages came before the close: the queue was sent ahead of it");
        slow.SendClose(WebSocketCloseCode.PolicyViolation);
        Assert.True(slow.WaitForEndOfStream());
    }

    /// <summary>Message <paramref name="index"/> of the fast client's stream: its number, then a pattern that shifts with it.</summary>
    private static byte[] Numbered(int index, int size)
    {
        var payload = new byte[size];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(payload, index);
        for (int i = 4; i < size; i++) payload[i] = (byte)(i * 31 + index);
        return payload;
    }

    /// <summary>
    /// On /echo the session runs in the connection actor; on a resumable echo route a session actor answers, and its
    /// replies reach the connection as messages of their own.
    /// </summary>
    [Theory]
    [InlineData("/echo")]
    [InlineData("/resumable-echo")]
    public async Task AFastEchoClient_ThatReadsALittleSlower_IsNoSlowConsumer_EveryEchoArrives_AndTheConnectionStaysOpen(string route)
    {
        const int Messages = 300;
        const int Size = 128 * 1024;
        await using var server = await TestServer.StartAsync(configure: s => s.MapRoute("/resumable-echo", static () => EchoHandler.Shared).Resumable = true);
        using var raw = RawClient.Connect(server.EndPoint);
        raw.Upgrade(route);
        raw.ReadPause = TimeSpan.FromMilliseconds(2); // per read of at most 64 KiB (the client's buffer)
        var sending = Task.Run(() =>
        {
            for (int i = 0; i < Messages; i++) raw.SendFrame(WebSocketOpcode.Binary, Numbered(i, Size));
        });
        for (int i = 0; i < Messages; i++)
        {
            var echo = raw.ReadFrame();
            Assert.NotNull(echo);
            Assert.True(echo!.Opcode == WebSocketOpcode.Binary, $"echo {i}: got {echo.Opcode} {echo.CloseCode} {echo.CloseReason}");
            Assert.Equal(Numbered(i, Size), echo.Payload);
        }
        await sending.WaitAsync(TestServer.Wait);
        raw.ReadPause = TimeSpan.Zero;
        raw.SendText("still open");
        Assert.Equal("still open", raw.ReadFrame()!.Text);
        Assert.DoesNotContain(server.Logs.GetSnapshot(), e => e.Message.Contains("reads too slowly"));
    }

    /// <summary>Handles each message slowly, so the connection must stop reading rather than queue without bound.</summary>
    private sealed class SlowHandler : WebSocketHandler
    {
        public override void OnMessage(IWebSocketSession session, WebSocketMessage message)
        {
            Thread.Sleep(1);
            session.Send(message.Span, message.Type);
        }
    }

    [Fact]
    public async Task ASlowSession_PausesReading_AndStillEchoesEverythingInOrder()
    {
        await using var server = await TestServer.StartAsync(o => o.WebSocket.MaxInflightMessages = 4, s => s.MapRoute<SlowHandler>("/slow"));
        using var client = await server.ConnectAsync("/slow");
        var sending = Task.Run(async () =>
        {
            for (int i = 0; i < 500; i++) await EchoTests.SendTextAsync(client, $"n{i}");
        });
        for (int i = 0; i < 500; i++) Assert.Equal($"n{i}", await EchoTests.ReceiveTextAsync(client));
        await sending;
    }

    [Fact]
    public async Task AThousandClients_EchoConcurrently()
    {
        await using var server = await TestServer.StartAsync();
        var clients = new ClientWebSocket[1000];
        try
        {
            for (int i = 0; i < clients.Length; i += 100)
            {
                var batch = Enumerable.Range(i, 100).Select(async j => clients[j] = await server.ConnectAsync("/echo"));
                await Task.WhenAll(batch);
            }
            await Task.WhenAll(clients.Select(async (c, i) =>
            {
                for (int round = 0; round < 5; round++)
                {
                    await EchoTests.SendTextAsync(c, $"{i}:{round}");
                    Assert.Equal($"{i}:{round}", await EchoTests.ReceiveTextAsync(c));
                }
            }));
        }
        finally
        {
            foreach (var c in clients) c?.Dispose();
        }
    }

    [Fact]
    public async Task OverMaxConnections_NewSocketsGet503()
    {
        await using var server = await TestServer.StartAsync(o => o.MaxConnections = 2);
        using var a = await server.ConnectAsync("/echo");
        using var b = await server.ConnectAsync("/echo");
        using var raw = RawClient.Connect(server.EndPoint);
        var refused = raw.ReadHttpResponse();
        Assert.Equal(503, refused.Status);
        Assert.True(raw.WaitForEndOfStream());
        await EchoTests.SendTextAsync(a, "a ok");
        Assert.Equal("a ok", await EchoTests.ReceiveTextAsync(a));
    }

    [Fact]
    public async Task BindingAPortInUse_FailsWithAClearMessage()
    {
        using var blocker = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        blocker.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        blocker.Listen();
        int port = ((IPEndPoint)blocker.LocalEndPoint!).Port;
        var ex = await Assert.ThrowsAsync<ServerBindException>(() => TestServer.StartAsync(o => o.Port = port));
        Assert.Equal($"port {port} in use on 127.0.0.1", ex.Message);
    }

    private sealed class WhoAmIHandler : WebSocketHandler
    {
        public override void OnOpen(IWebSocketSession session) =>
            session.SendText($"{session.Identity}|{session.Subprotocol}|{session.RouteValues.GetValueOrDefault("id")}");

        public override void OnMessage(IWebSocketSession session, WebSocketMessage message)
        {
        }
    }

    private static void MapWhoAmI(ActorWsServer server)
    {
        var route = server.MapRoute<WhoAmIHandler>("/users/{id}");
        route.Subprotocols.Add("chat.v2");
        route.Subprotocols.Add("chat.v1");
        route.AllowedOrigins = ["https://good.example"];
        route.Accept = async request =>
        {
            await Task.Yield(); // an asynchronous check, like a token lookup
            string? token = request.GetQueryValue("token");
            return token switch
            {
                null => AcceptDecision.Unauthorized("missing token"),
                "banned" => AcceptDecision.Forbidden("user is banned"),
                _ => AcceptDecision.Accept(identity: "user:" + token),
            };
        };
    }

    [Fact]
    public async Task TheAcceptHook_AttachesAnIdentity_AndTheServerPicksItsPreferredSubprotocol()
    {
        await using var server = await TestServer.StartAsync(configure: MapWhoAmI);
        using var client = await server.ConnectAsync("/users/42?token=alice", o =>
        {
            o.SetRequestHeader("Origin", "https://good.example");
            o.AddSubProtocol("chat.v1");
            o.AddSubProtocol("chat.v2");
        });
        Assert.Equal("chat.v2", client.SubProtocol);
        Assert.Equal("user:alice|chat.v2|42", await EchoTests.ReceiveTextAsync(client));
    }

    [Theory]
    [InlineData("/users/1", "https://good.example", 401, "missing token")]
    [InlineData("/users/1?token=banned", "https://good.example", 403, "user is banned")]
    [InlineData("/users/1?token=alice", "https://evil.example", 403, "origin not allowed")]
    public async Task TheAcceptHookAndOriginList_RefuseWithTheirStatusAndReason(string path, string origin, int status, string reason)
    {
        await using var server = await TestServer.StartAsync(configure: MapWhoAmI);
        using var raw = RawClient.Connect(server.EndPoint);
        raw.Send(RawClient.UpgradeRequest(path, $"Origin: {origin}\r\n"));
        var response = raw.ReadHttpResponse();
        Assert.Equal(status, response.Status);
        Assert.Contains(reason, response.Body);
    }
}
