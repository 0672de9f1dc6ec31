using System.Net.WebSockets;
using System.Text;
using Akka;
using Akka.Streams.Dsl;
using ActorWs.Server.Messaging;
using ActorWs.Server.Tests.Infrastructure;
using ActorWs.Server.Tests.Integration;
using Xunit;

namespace ActorWs.Server.Tests.Embedding;

/// <summary>A route handled by an Akka.Streams flow, materialized per connection (<see cref="ActorWsServer.MapFlowRoute"/>).</summary>
public sealed class FlowRouteTests
{
    private static Flow<WebSocketMessage, WebSocketMessage, NotUsed> Shout() =>
        Flow.Create<WebSocketMessage>().Select(m => WebSocketMessage.FromText(m.GetText().ToUpperInvariant()));

    private static Sink<WebSocketMessage, NotUsed> IgnoreInput() => Sink.Ignore<WebSocketMessage>().MapMaterializedValue(_ => NotUsed.Instance);

    private static WebSocketMessage FailOnBoom(WebSocketMessage message) =>
        message.GetText() == "boom" ? throw new InvalidOperationException("flow bug") : message;

    private static async Task<string> CloseStatusAsync(ClientWebSocket client)
    {
        while (true)
        {
            var (type, _) = await EchoTests.ReceiveWholeAsync(client);
            if (type == WebSocketMessageType.Close) return $"{(int)client.CloseStatus!}";
        }
    }

    [Fact]
    public async Task TheFlow_AnswersEveryMessage_InOrder_OnEachConnection()
    {
        await using var server = await TestServer.StartAsync(configure: s => s.MapFlowRoute("/shout", Shout()));
        using var a = await server.ConnectAsync("/shout");
        using var b = await server.ConnectAsync("/shout");
        for (int i = 0; i < 50; i++)
        {
            await EchoTests.SendTextAsync(a, "a" + i);
            await EchoTests.SendTextAsync(b, "b" + i);
        }
        for (int i = 0; i < 50; i++)
        {
            Assert.Equal("A" + i, await EchoTests.ReceiveTextAsync(a));
            Assert.Equal("B" + i, await EchoTests.ReceiveTextAsync(b));
        }
    }

    [Fact]
    public async Task AFlowThatPushes_IsDelivered_AndItsCompletionClosesWith1000()
    {
        var push = Flow.FromSinkAndSource(IgnoreInput(),
            Source.From(Enumerable.Range(1, 3)).Select(i => WebSocketMessage.FromText("tick " + i)));
        await using var server = await TestServer.StartAsync(configure: s => s.MapFlowRoute("/push", push));
        using var client = await server.ConnectAsync("/push");
        for (int i = 1; i <= 3; i++) Assert.Equal("tick " + i, await EchoTests.ReceiveTextAsync(client));
        Assert.Equal("1000", await CloseStatusAsync(client));
    }

    [Fact]
    public async Task AFlowThatFails_ClosesWith1011()
    {
        var failing = Flow.Create<WebSocketMessage>().Select(FailOnBoom);
        await using var server = await TestServer.StartAsync(configure: s => s.MapFlowRoute("/fragile", failing));
        using var client = await server.ConnectAsync("/fragile");
        await EchoTests.SendTextAsync(client, "fine");
        Assert.Equal("fine", await EchoTests.ReceiveTextAsync(client));
        await EchoTests.SendTextAsync(client, "boom");
        Assert.Equal("1011", await CloseStatusAsync(client));
    }

    [Fact]
    public async Task AFlowThatLags_MakesTheConnectionStopReading_AndNothingIsLost()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gated = Flow.Create<WebSocketMessage>().SelectAsync(1, async m =>
        {
            await gate.Task;
            return WebSocketMessage.FromBytes(m.Memory.Span[..8], WebSocketMessageType.Binary);
        });
        await using var server = await TestServer.StartAsync(o => o.WebSocket.MaxInflightMessages = 4, s => s.MapFlowRoute("/gated", gated));
        using var client = await server.ConnectAsync("/gated");
        const int count = 300, size = 64 * 1024;
        var sending = Task.Run(async () =>
        {
            for (int i = 0; i < count; i++)
            {
                var payload = new byte[size];
                BitConverter.TryWriteBytes(payload, (long)i);
                await EchoTests.SendAsync(client, payload);
            }
        });
        // With the flow stuck, the server takes a few messages, then stops reading: the client's sends back up in TCP.
        // (19 MiB is far more than the two socket buffers hold, so a server that kept reading would let them all through.)
        await Task.WhenAny(sending, Task.Delay(TimeSpan.FromSeconds(3)));
        Assert.False(sending.IsCompleted, "the server read everything although its flow took nothing");

        gate.SetResult();
        await sending.WaitAsync(TestServer.Wait);
        for (int i = 0; i < count; i++)
        {
            var (_, payload) = await EchoTests.ReceiveWholeAsync(client);
            Assert.Equal(i, BitConverter.ToInt64(payload));
        }
    }

    [Fact]
    public async Task AFastFlow_WaitsForASlowClient_InsteadOfOverflowingItsQueue()
    {
        const int count = 400, size = 64 * 1024;
        var flood = Flow.FromSinkAndSource(IgnoreInput(),
            Source.From(Enumerable.Range(0, count)).Select(i =>
            {
                var payload = new byte[size];
                BitConverter.TryWriteBytes(payload, i);
                return WebSocketMessage.FromBytes(payload, WebSocketMessageType.Binary);
            }));
        // 25 MiB for a 1 MiB outbound queue whose overflow would close the connection with 1008.
        await using var server = await TestServer.StartAsync(o => o.WebSocket.OutboundQueueLimit = 1024 * 1024, s => s.MapFlowRoute("/flood", flood));
        using var client = await server.ConnectAsync("/flood");
        await Task.Delay(500); // the client does not read for a while; the flow must wait
        for (int i = 0; i < count; i++)
        {
            var (type, payload) = await EchoTests.ReceiveWholeAsync(client);
            Assert.Equal(WebSocketMessageType.Binary, type);
            Assert.Equal(i, BitConverter.ToInt32(payload));
        }
        Assert.Equal("1000", await CloseStatusAsync(client));
    }
}
