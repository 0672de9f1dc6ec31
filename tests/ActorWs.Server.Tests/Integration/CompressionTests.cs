using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using ActorWs.Protocol.Compression;
using ActorWs.Protocol.Compression.Buffers;
using ActorWs.Protocol.Compression.Negotiation;
using ActorWs.Protocol.Frames;
using ActorWs.Server.Buffers;
using ActorWs.Server.Tests.Infrastructure;
using Xunit;

namespace ActorWs.Server.Tests.Integration;

/// <summary>permessage-deflate (RFC 7692) end to end.</summary>
public sealed class CompressionTests
{
    private static string Json(int repeat) =>
        "[" + string.Join(",", Enumerable.Range(0, repeat).Select(i => $"{{\"player\":{i},\"x\":{i * 3},\"y\":{i * 7},\"state\":\"running\"}}")) + "]";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ClientWebSocket_WithDeflate_EchoesLargeAndSmallMessages(bool clientContextTakeover)
    {
        await using var server = await TestServer.StartAsync();
        using var client = await server.ConnectAsync("/echo", o => o.DangerousDeflateOptions = new WebSocketDeflateOptions
        {
            ClientContextTakeover = clientContextTakeover,
            ServerContextTakeover = false,
        });
        foreach (var text in new[] { "tiny", Json(200), Json(5), Json(2000) })
        {
            await EchoTests.SendTextAsync(client, text);
            Assert.Equal(text, await EchoTests.ReceiveTextAsync(client));
        }
        var binary = new byte[100_000];
        new Random(7).NextBytes(binary.AsSpan(0, 1000)); // mostly zeros: compresses well
        await EchoTests.SendAsync(client, binary);
        Assert.Equal(binary, (await EchoTests.ReceiveWholeAsync(client)).Payload);
    }

    private static (RawClient Raw, RawHttpResponse Response) ConnectOffering(TestServer server, string path, string offer)
    {
        var raw = RawClient.Connect(server.EndPoint);
        var response = raw.Upgrade(path, $"Sec-WebSocket-Extensions: {offer}\r\n");
        return (raw, response);
    }

    private static byte[] Deflate(string text)
    {
        using var compressor = new PerMessageDeflateCompressor(15, contextTakeover: false, threshold: 0, skipWhenNoGain: false);
        var output = new ArrayBufferWriter<byte>();
        Assert.True(compressor.Compress(Encoding.UTF8.GetBytes(text), output).IsCompressed);
        return output.WrittenSpan.ToArray();
    }

    private static string Inflate(byte[] compressed)
    {
        using var decompressor = new PerMessageDeflateDecompressor(15, contextTakeover: false);
        var output = new PooledBufferWriter();
        var result = decompressor.Decompress(compressed, isEndOfMessage: true, output, isText: true);
        Assert.Equal(PerMessageDecompressionStatus.Completed, result.Status);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    [Fact]
    public async Task TheServerAnswersTheOffer_InflatesWhatItReceives_AndCompressesWhatItSends()
    {
        await using var server = await TestServer.StartAsync();
        var (raw, response) = ConnectOffering(server, "/echo", "permessage-deflate; client_max_window_bits");
        using var _ = raw;
        var agreed = response.Headers["Sec-WebSocket-Extensions"].Split(';', StringSplitOptions.TrimEntries);
        Assert.Equal("permessage-deflate", agreed[0]);
        Assert.Contains("server_no_context_takeover", agreed);
        Assert.Contains("client_no_context_takeover", agreed);

        string big = Json(300);
        raw.SendFrame(WebSocketOpcode.Text, Deflate(big), rsv1: true);
        var echoed = ReadRawFrame(raw);
        Assert.True(echoed.Rsv1, "a large message goes back compressed");
        Assert.True(echoed.Payload.Length < big.Length / 3);
        Assert.Equal(big, Inflate(echoed.Payload));

        raw.SendText("small");
        var small = ReadRawFrame(raw);
        Assert.False(small.Rsv1, "a message under the threshold goes back uncompressed");
        Assert.Equal("small", Encoding.UTF8.GetString(small.Payload));
    }

    /// <summary>Reads one unmasked server frame by hand (the frame reader would refuse RSV1 it was not told about).</summary>
    private static (bool Rsv1, byte[] Payload) ReadRawFrame(RawClient raw)
    {
        byte[] Read(int n)
        {
            var buffer = new byte[n];
            int got = 0;
            while (got < n)
            {
                int r = raw.Socket.Receive(buffer, got, n - got, System.Net.Sockets.SocketFlags.None);
                if (r == 0) throw new IOException("closed");
                got += r;
            }
            return buffer;
        }
        var head = Read(2);
        long length = head[1] & 0x7F;
        if (length == 126) { var ext = Read(2); length = (ext[0] << 8) | ext[1]; }
        else if (length == 127) { var ext = Read(8); length = 0; foreach (var b in ext) length = (length << 8) | b; }
        return ((head[0] & 0x40) != 0, Read((int)length));
    }

    [Fact]
    public async Task AZipBomb_IsClosedWith1009_WithoutInflatingPastTheLimit()
    {
        await using var server = await TestServer.StartAsync(o => o.WebSocket.MaxMessageSize = 1024 * 1024);
        using var healthy = await server.ConnectAsync("/echo");
        var (raw, _) = ConnectOffering(server, "/echo", "permessage-deflate");
        using var __ = raw;
        raw.SendFrame(WebSocketOpcode.Binary, Deflate(new string('\0', 10 * 1024 * 1024)), rsv1: true);
        var close = raw.ReadUntilClose();
        Assert.Equal(WebSocketCloseCode.MessageTooBig, close!.CloseCode);
        await EchoTests.SendTextAsync(healthy, "fine");
        Assert.Equal("fine", await EchoTests.ReceiveTextAsync(healthy));
    }

    [Fact]
    public async Task CorruptCompressedData_IsClosedWith1007()
    {
        await using var server = await TestServer.StartAsync();
        var (raw, _) = ConnectOffering(server, "/echo", "permessage-deflate");
        using var __ = raw;
        raw.SendFrame(WebSocketOpcode.Binary, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x01 }, rsv1: true);
        Assert.Equal(WebSocketCloseCode.InvalidPayloadData, raw.ReadUntilClose()!.CloseCode);
    }

    [Fact]
    public async Task ACompressedFrame_WithoutNegotiation_Is1002()
    {
        await using var server = await TestServer.StartAsync();
        using var raw = RawClient.Connect(server.EndPoint);
        raw.Upgrade("/echo");
        raw.SendFrame(WebSocketOpcode.Text, Deflate("hello hello hello"), rsv1: true);
        Assert.Equal(WebSocketCloseCode.ProtocolError, raw.ReadUntilClose()!.CloseCode);
    }

    [Fact]
    public async Task ARouteCanTurnCompressionOff()
    {
        await using var server = await TestServer.StartAsync(configure: s => s.MapRoute<ActorWs.Server.BuiltIn.EchoHandler>("/plain").Compression = PerMessageDeflateSettings.Disabled);
        var (raw, response) = ConnectOffering(server, "/plain", "permessage-deflate");
        using var _ = raw;
        Assert.False(response.Headers.ContainsKey("Sec-WebSocket-Extensions"));
    }

    [Fact]
    public void ABroadcastFrame_IsCompressedOnce_ForEveryConnectionWithTheSameSettings()
    {
        var frame = OutboundFrame.Create(WebSocketOpcode.Text, Encoding.UTF8.GetBytes(Json(100)));
        frame.AddReferences(2);
        using var compressor = new PerMessageDeflateCompressor(15, contextTakeover: false, threshold: 0);
        var first = frame.GetCompressed(compressor, settingsKey: 42, shareable: true);
        var second = frame.GetCompressed(compressor, settingsKey: 42, shareable: true);
        Assert.NotNull(first);
        Assert.Same(first, second);
        var other = frame.GetCompressed(compressor, settingsKey: 43, shareable: true);
        Assert.NotSame(first, other);
        Assert.Equal(Json(100), Inflate(first!.Payload.ToArray()));
        first.Release();
        second!.Release();
        other!.Release();
        frame.Release();
        frame.Release();
        frame.Release();
    }
}
