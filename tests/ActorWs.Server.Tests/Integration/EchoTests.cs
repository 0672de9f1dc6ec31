using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using ActorWs.Protocol.Frames;
using ActorWs.Server.Tests.Infrastructure;
using Xunit;

namespace ActorWs.Server.Tests.Integration;

public sealed class EchoTests
{
    internal static async Task<(WebSocketMessageType Type, byte[] Payload)> ReceiveWholeAsync(ClientWebSocket client, int max = 32 * 1024 * 1024)
    {
        using var cts = new CancellationTokenSource(TestServer.Wait);
        var buffer = new byte[64 * 1024];
        using var all = new MemoryStream();
        while (true)
        {
            var result = await client.ReceiveAsync(buffer, cts.Token);
            if (result.MessageType == WebSocketMessageType.Close) return (result.MessageType, []);
            all.Write(buffer, 0, result.Count);
            if (all.Length > max) throw new InvalidOperationException("message too large");
            if (result.EndOfMessage) return (result.MessageType, all.ToArray());
        }
    }

    internal static async Task SendAsync(ClientWebSocket client, byte[] payload, WebSocketMessageType type = WebSocketMessageType.Binary)
    {
        using var cts = new CancellationTokenSource(TestServer.Wait);
        await client.SendAsync(payload, type, true, cts.Token);
    }

    internal static Task SendTextAsync(ClientWebSocket client, string text) => SendAsync(client, Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text);

    /// <summary>The next <paramref name="count"/> messages, each a whole text message, in order.</summary>
    internal static async Task<List<string>> ReceiveTextsAsync(ClientWebSocket client, int count)
    {
        var texts = new List<string>(count);
        for (int i = 0; i < count; i++) texts.Add(await ReceiveTextAsync(client));
        return texts;
    }

    internal static async Task<string> ReceiveTextAsync(ClientWebSocket client)
    {
        var (type, payload) = await ReceiveWholeAsync(client);
        Assert.Equal(WebSocketMessageType.Text, type);
        return Encoding.UTF8.GetString(payload);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(125)]
    [InlineData(126)]
    [InlineData(65535)]
    [InlineData(65536)]
    [InlineData(1024 * 1024)]
    public async Task Echo_ReturnsBinaryMessagesOfEverySizeClass(int size)
    {
        await using var server = await TestServer.StartAsync();
        using var client = await server.ConnectAsync("/echo");
        var payload = RandomNumberGenerator.GetBytes(size);
        await SendAsync(client, payload);
        var (type, echoed) = await ReceiveWholeAsync(client);
        Assert.Equal(WebSocketMessageType.Binary, type);
        Assert.Equal(payload, echoed);
    }

    [Fact]
    public async Task Echo_ReturnsA16MiBMessage_TheDefaultLimit()
    {
        await using var server = await TestServer.StartAsync();
        using var client = await server.ConnectAsync("/echo");
        var payload = RandomNumberGenerator.GetBytes(16 * 1024 * 1024);
        var sending = SendAsync(client, payload);
        var (_, echoed) = await ReceiveWholeAsync(client);
        await sending;
        Assert.True(payload.AsSpan().SequenceEqual(echoed));
    }

    [Fact]
    public async Task Echo_ReturnsTextAsText_InOrder()
    {
        await using var server = await TestServer.StartAsync();
        using var client = await server.ConnectAsync("/echo");
        for (int i = 0; i < 100; i++) await SendTextAsync(client, $"hello {i} ✓");
        for (int i = 0; i < 100; i++) Assert.Equal($"hello {i} ✓", await ReceiveTextAsync(client));
    }

    [Fact]
    public async Task Echo_ReassemblesFragmentedMessages()
    {
        await using var server = await TestServer.StartAsync();
        using var client = await server.ConnectAsync("/echo");
        using var cts = new CancellationTokenSource(TestServer.Wait);
        await client.SendAsync(Encoding.UTF8.GetBytes("frag"), WebSocketMessageType.Text, false, cts.Token);
        await client.SendAsync(Encoding.UTF8.GetBytes("men"), WebSocketMessageType.Text, false, cts.Token);
        await client.SendAsync(Encoding.UTF8.GetBytes("ted"), WebSocketMessageType.Text, true, cts.Token);
        Assert.Equal("fragmented", await ReceiveTextAsync(client));
    }

    [Fact]
    public async Task ControlFrames_BetweenFragments_AreAnswered_AndTheMessageStillArrives()
    {
        await using var server = await TestServer.StartAsync();
        using var raw = RawClient.Connect(server.EndPoint);
        raw.Upgrade("/echo");
        raw.SendFrame(WebSocketOpcode.Text, "Hel"u8, fin: false);
        raw.SendFrame(WebSocketOpcode.Ping, "are you there"u8);
        raw.SendFrame(WebSocketOpcode.Continuation, "lo"u8, fin: true);
        var pong = raw.ReadFrame()!;
        Assert.Equal(WebSocketOpcode.Pong, pong.Opcode);
        Assert.Equal("are you there", pong.Text);
        var echo = raw.ReadFrame()!;
        Assert.Equal(WebSocketOpcode.Text, echo.Opcode);
        Assert.Equal("Hello", echo.Text);
    }

    [Fact]
    public async Task ClientClose_IsEchoed_WithItsCode_AndTheTcpConnectionEnds()
    {
        await using var server = await TestServer.StartAsync();
        using var client = await server.ConnectAsync("/echo");
        using var cts = new CancellationTokenSource(TestServer.Wait);
        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", cts.Token);
        Assert.Equal(WebSocketState.Closed, client.State);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, client.CloseStatus);

        using var raw = RawClient.Connect(server.EndPoint);
        raw.Upgrade("/echo");
        raw.SendClose(4000, "custom");
        var echoed = raw.ReadUntilClose()!;
        Assert.Equal(4000, echoed.CloseCode);
        Assert.True(raw.WaitForEndOfStream());
    }

    [Fact]
    public async Task ServerShutdown_ClosesOpenWebSocketsWith1001()
    {
        var server = await TestServer.StartAsync();
        using var client = await server.ConnectAsync("/echo");
        await SendTextAsync(client, "before");
        Assert.Equal("before", await ReceiveTextAsync(client));
        var stopping = server.Server.StopAsync();
        var (type, _) = await ReceiveWholeAsync(client);
        Assert.Equal(WebSocketMessageType.Close, type);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, client.CloseStatus); // 1001
        using var cts = new CancellationTokenSource(TestServer.Wait);
        await client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", cts.Token);
        await stopping.WaitAsync(TestServer.Wait);
        await server.DisposeAsync();
    }
}
