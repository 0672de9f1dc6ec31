using System.Text;
using ActorWs.Protocol.Frames;
using ActorWs.Server.Tests.Infrastructure;
using Xunit;

namespace ActorWs.Server.Tests.Integration;

/// <summary>Every bad input gets its exact answer, and a healthy client connected meanwhile keeps working.</summary>
public sealed class BadInputTests
{
    private static async Task AssertHealthyClientWorks(TestServer server, System.Net.WebSockets.ClientWebSocket healthy, string text)
    {
        await EchoTests.SendTextAsync(healthy, text);
        Assert.Equal(text, await EchoTests.ReceiveTextAsync(healthy));
    }

    [Theory]
    [InlineData("8", 426)]
    [InlineData("12", 426)]
    public async Task WrongVersion_Is426_WithTheVersionWeSpeak(string version, int status)
    {
        await using var server = await TestServer.StartAsync();
        using var raw = RawClient.Connect(server.EndPoint);
        raw.Send(RawClient.UpgradeRequest("/echo", version: version));
        var response = raw.ReadHttpResponse();
        Assert.Equal(status, response.Status);
        Assert.Equal("13", response.Headers["Sec-WebSocket-Version"]);
        Assert.True(raw.WaitForEndOfStream());
    }

    [Theory]
    [InlineData("GET /echo HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n", 400)] // no key
    [InlineData("GET /echo HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: c2hvcnQ=\r\nSec-WebSocket-Version: 13\r\n\r\n", 400)] // key not 16 bytes
    [InlineData("GET /echo HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", 400)] // no Host
    [InlineData("POST /echo HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nContent-Length: 0\r\n\r\n", 400)]
    [InlineData("GET /echo HTTP/1.1\r\nHost: a\r\n folded: no\r\n\r\n", 400)] // obs-fold
    [InlineData("GET /nowhere HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", 404)]
    [InlineData("GARBAGE\r\n\r\n", 400)]
    public async Task MalformedRequests_GetTheirStatus_WithAReason(string request, int status)
    {
        await using var server = await TestServer.StartAsync();
        using var healthy = await server.ConnectAsync("/echo");
        using var raw = RawClient.Connect(server.EndPoint);
        raw.Send(request);
        var response = raw.ReadHttpResponse();
        Assert.Equal(status, response.Status);
        Assert.False(string.IsNullOrWhiteSpace(response.Body));
        Assert.True(raw.WaitForEndOfStream());
        await AssertHealthyClientWorks(server, healthy, "still fine");
    }

    [Fact]
    public async Task OversizedRequestHead_Is431()
    {
        await using var server = await TestServer.StartAsync();
        using var raw = RawClient.Connect(server.EndPoint);
        raw.Send("GET /echo HTTP/1.1\r\nHost: a\r\nX-Big: " + new string('x', 9000) + "\r\n\r\n");
        Assert.Equal(431, raw.ReadHttpResponse().Status);
    }

    [Fact]
    public async Task TooManyHeaderFields_Is431()
    {
        await using var server = await TestServer.StartAsync();
        using var raw = RawClient.Connect(server.EndPoint);
        var request = new StringBuilder("GET /health HTTP/1.1\r\nHost: a\r\n");
        for (int i = 0; i < 101; i++) request.Append($"X-{i}: v\r\n");
        raw.Send(request.Append("\r\n").ToString());
        Assert.Equal(431, raw.ReadHttpResponse().Status);
    }

    private static async Task<ReceivedFrame> CloseAfter(TestServer server, Action<RawClient> misbehave)
    {
        using var raw = RawClient.Connect(server.EndPoint);
        raw.Upgrade("/echo");
        misbehave(raw);
        var close = raw.ReadUntilClose();
        Assert.NotNull(close);
        Assert.True(raw.WaitForEndOfStream());
        await Task.CompletedTask;
        return close!;
    }

    [Fact]
    public async Task UnmaskedClientFrame_Is1002()
    {
        await using var server = await TestServer.StartAsync();
        using var healthy = await server.ConnectAsync("/echo");
        var close = await CloseAfter(server, raw => raw.SendFrame(WebSocketOpcode.Text, "no mask"u8, masked: false));
        Assert.Equal(WebSocketCloseCode.ProtocolError, close.CloseCode);
        await AssertHealthyClientWorks(server, healthy, "unaffected");
    }

    [Fact]
    public async Task InvalidUtf8_Is1007()
    {
        await using var server = await TestServer.StartAsync();
        using var healthy = await server.ConnectAsync("/echo");
        var close = await CloseAfter(server, raw => raw.SendFrame(WebSocketOpcode.Text, new byte[] { 0x68, 0xC3, 0x28 }));
        Assert.Equal(WebSocketCloseCode.InvalidPayloadData, close.CloseCode);
        await AssertHealthyClientWorks(server, healthy, "unaffected");
    }

    [Fact]
    public async Task InvalidUtf8_SplitAcrossFragments_Is1007_BeforeTheMessageEnds()
    {
        await using var server = await TestServer.StartAsync();
        var close = await CloseAfter(server, raw =>
        {
            raw.SendFrame(WebSocketOpcode.Text, new byte[] { 0x61, 0xE2, 0x82 }, fin: false); // valid so far
            raw.SendFrame(WebSocketOpcode.Continuation, new byte[] { 0x41 }, fin: false);     // breaks the sequence
        });
        Assert.Equal(WebSocketCloseCode.InvalidPayloadData, close.CloseCode);
    }

    [Fact]
    public async Task OversizedMessage_Is1009()
    {
        await using var server = await TestServer.StartAsync(o => o.WebSocket.MaxMessageSize = 1024);
        using var healthy = await server.ConnectAsync("/echo");
        var close = await CloseAfter(server, raw => raw.SendFrame(WebSocketOpcode.Binary, new byte[1025]));
        Assert.Equal(WebSocketCloseCode.MessageTooBig, close.CloseCode);
        await AssertHealthyClientWorks(server, healthy, "unaffected");
    }

    [Fact]
    public async Task ReservedOpcode_And_RsvBits_And_LongControlFrames_Are1002()
    {
        await using var server = await TestServer.StartAsync();
        Assert.Equal(WebSocketCloseCode.ProtocolError, (await CloseAfter(server, raw => raw.Send(new byte[] { 0x83, 0x80, 1, 2, 3, 4 }))).CloseCode);
        Assert.Equal(WebSocketCloseCode.ProtocolError, (await CloseAfter(server, raw => raw.SendFrame(WebSocketOpcode.Text, "x"u8, rsv1: true))).CloseCode);
        Assert.Equal(WebSocketCloseCode.ProtocolError, (await CloseAfter(server, raw => raw.SendFrame(WebSocketOpcode.Continuation, "x"u8))).CloseCode);
        Assert.Equal(WebSocketCloseCode.ProtocolError, (await CloseAfter(server, raw =>
        {
            // A 126-byte ping: control frames carry at most 125.
            var frame = new byte[] { 0x89, 0xFE, 0x00, 0x7E, 0, 0, 0, 0 }.Concat(new byte[126]).ToArray();
            raw.Send(frame);
        })).CloseCode);
    }

    [Fact]
    public async Task InvalidCloseCode_Is1002()
    {
        await using var server = await TestServer.StartAsync();
        // 1005 may never be sent on the wire (RFC 6455 §7.4.1); written by hand since our writer refuses it.
        var close = await CloseAfter(server, raw => raw.SendFrame(WebSocketOpcode.Close, new byte[] { 0x03, 0xED }));
        Assert.Equal(WebSocketCloseCode.ProtocolError, close.CloseCode);
    }

    [Fact]
    public async Task AClientThatDropsTheTcpConnection_DoesNotDisturbOthers()
    {
        await using var server = await TestServer.StartAsync();
        using var healthy = await server.ConnectAsync("/echo");
        for (int i = 0; i < 20; i++)
        {
            using var raw = RawClient.Connect(server.EndPoint);
            raw.Upgrade("/echo");
            raw.SendFrame(WebSocketOpcode.Text, "half"u8, fin: false);
            raw.Socket.LingerState = new System.Net.Sockets.LingerOption(true, 0); // reset on close
        }
        await AssertHealthyClientWorks(server, healthy, "after 20 resets");
    }

    [Fact]
    public async Task RandomGarbage_AfterTheHandshake_NeverCrashesTheServer()
    {
        await using var server = await TestServer.StartAsync();
        using var healthy = await server.ConnectAsync("/echo");
        var random = new Random(1234);
        for (int i = 0; i < 30; i++)
        {
            using var raw = RawClient.Connect(server.EndPoint);
            raw.Upgrade("/echo");
            var garbage = new byte[random.Next(1, 2000)];
            random.NextBytes(garbage);
            raw.Send(garbage);
            raw.WaitForEndOfStream();
        }
        await AssertHealthyClientWorks(server, healthy, "after garbage");
    }

    [Fact]
    public async Task ErrorReasonsOnWs_AreWrittenReadably_QuotesEscapedWithABackslash()
    {
        await using var server = await TestServer.StartAsync();
        using var client = await server.ConnectAsync("/ws");
        Assert.Contains("\"op\":\"welcome\"", await EchoTests.ReceiveTextAsync(client));
        await EchoTests.SendTextAsync(client, """{"op":"frob","ref":1}""");
        string raw = await EchoTests.ReceiveTextAsync(client);
        // What a browser's frame viewer shows as is: \"frob\", not \u0022frob\u0022 (the same string once parsed).
        Assert.Contains("\\\"frob\\\"", raw);
        Assert.DoesNotContain("\\u0022", raw);
        Assert.Equal("unknown op \"frob\"", System.Text.Json.JsonDocument.Parse(raw).RootElement.GetProperty("reason").GetString());
    }
}
