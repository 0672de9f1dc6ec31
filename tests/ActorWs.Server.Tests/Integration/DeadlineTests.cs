using ActorWs.Protocol.Frames;
using ActorWs.Server.Tests.Infrastructure;
using Xunit;

namespace ActorWs.Server.Tests.Integration;

/// <summary>Handshake, ping, idle and close timeouts, on fake time (no test waits for real seconds).</summary>
public sealed class DeadlineTests
{
    [Fact]
    public async Task Slowloris_ThatNeverFinishesItsRequestHead_IsDisconnected_AfterTheHandshakeTimeout()
    {
        await using var server = await TestServer.StartAsync(fakeTime: true);
        using var healthy = await server.ConnectAsync("/echo");
        using var slow = RawClient.Connect(server.EndPoint);
        slow.Send("GET /echo HTTP/1.1\r\nHost: a\r\nX-Slow: ");
        await server.AdvanceAsync(TimeSpan.FromSeconds(9));
        slow.Send("still typing");
        Assert.True(slow.Socket.Poll(0, System.Net.Sockets.SelectMode.SelectRead) == false, "closed too early");
        await server.AdvanceAsync(TimeSpan.FromSeconds(2));
        Assert.True(slow.WaitForEndOfStream());
        await EchoTests.SendTextAsync(healthy, "unaffected");
        Assert.Equal("unaffected", await EchoTests.ReceiveTextAsync(healthy));
    }

    [Fact]
    public async Task AQuietPeer_IsPinged_AndOneThatAnswersStaysOpen()
    {
        await using var server = await TestServer.StartAsync(fakeTime: true);
        using var raw = RawClient.Connect(server.EndPoint);
        raw.Upgrade("/echo");
        for (int round = 0; round < 3; round++)
        {
            await server.AdvanceAsync(TimeSpan.FromSeconds(31));
            var ping = raw.ReadFrame()!;
            Assert.Equal(WebSocketOpcode.Ping, ping.Opcode);
            raw.SendFrame(WebSocketOpcode.Pong, ping.Payload);
            await Task.Delay(50); // let the pong land before time moves on
        }
        raw.SendText("alive");
        Assert.Equal("alive", raw.ReadFrame()!.Text);
    }

    [Fact]
    public async Task APeerThatAnswersNothing_IsClosedWith1001_AfterTheIdleTimeout_AndDroppedAfterTheCloseTimeout()
    {
        await using var server = await TestServer.StartAsync(fakeTime: true);
        using var raw = RawClient.Connect(server.EndPoint);
        raw.Upgrade("/echo");
        await server.AdvanceAsync(TimeSpan.FromSeconds(61));
        Assert.Equal(WebSocketOpcode.Ping, raw.ReadFrame()!.Opcode);
        var close = raw.ReadFrame()!;
        Assert.Equal(WebSocketOpcode.Close, close.Opcode);
        Assert.Equal(WebSocketCloseCode.GoingAway, close.CloseCode);
        Assert.Equal("idle timeout", close.CloseReason);
        // We never answer the close: after the close timeout the server drops the connection.
        await server.AdvanceAsync(TimeSpan.FromSeconds(6));
        Assert.True(raw.WaitForEndOfStream());
    }

    [Fact]
    public async Task ShutdownDrain_AbortsConnectionsThatNeverAnswerTheClose_AfterTheDrainTimeout()
    {
        var server = await TestServer.StartAsync(o => o.DrainTimeout = TimeSpan.FromSeconds(3), fakeTime: true);
        using var raw = RawClient.Connect(server.EndPoint);
        raw.Upgrade("/echo");
        var stopping = server.Server.StopAsync();
        var close = raw.ReadFrame()!;
        Assert.Equal(WebSocketCloseCode.GoingAway, close.CloseCode);
        Assert.False(stopping.IsCompleted);
        await server.AdvanceAsync(TimeSpan.FromSeconds(4));
        await stopping.WaitAsync(TestServer.Wait);
        Assert.True(raw.WaitForEndOfStream());
        await server.DisposeAsync();
    }
}
