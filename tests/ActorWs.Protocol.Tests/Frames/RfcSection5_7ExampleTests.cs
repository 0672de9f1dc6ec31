using ActorWs.Protocol.Frames;
using ActorWs.Protocol.Tests.Support;
using Xunit;

namespace ActorWs.Protocol.Tests.Frames;

/// <summary>The example frames of RFC 6455 §5.7, byte for byte, both decoded and encoded.</summary>
public class RfcSection5_7ExampleTests
{
    private static readonly byte[] UnmaskedHello = [0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f];
    private static readonly byte[] MaskedHello = [0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58];
    private static readonly byte[] FragmentHel = [0x01, 0x03, 0x48, 0x65, 0x6c];
    private static readonly byte[] FragmentLo = [0x80, 0x02, 0x6c, 0x6f];
    private static readonly byte[] UnmaskedPing = [0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f];
    private static readonly byte[] MaskedPong = [0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58];
    private static readonly byte[] Header256 = [0x82, 0x7E, 0x01, 0x00];
    private static readonly byte[] Header64K = [0x82, 0x7F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00];
    private static readonly uint ExampleKey = WebSocketMask.ReadKey([0x37, 0xfa, 0x21, 0x3d]);

    [Fact]
    public void Rfc6455_5_7_SingleFrameUnmaskedText_DecodesToHello()
    {
        DecodedEvent message = Assert.Single(FrameDecoding.Decode(UnmaskedHello, FrameDecoding.Client));
        Assert.Equal(WebSocketFrameEventKind.Message, message.Kind);
        Assert.Equal(WebSocketOpcode.Text, message.Opcode);
        Assert.Equal("Hello", message.PayloadText);
    }

    [Fact]
    public void Rfc6455_5_7_SingleFrameMaskedText_DecodesToHello()
    {
        DecodedEvent message = Assert.Single(FrameDecoding.Decode(MaskedHello));
        Assert.Equal(WebSocketOpcode.Text, message.Opcode);
        Assert.Equal("Hello", message.PayloadText);
    }

    [Fact]
    public void Rfc6455_5_7_FragmentedUnmaskedText_ReassemblesToHello()
    {
        DecodedEvent message = Assert.Single(FrameDecoding.Decode(RawFrame.Concat(FragmentHel, FragmentLo), FrameDecoding.Client));
        Assert.Equal(WebSocketOpcode.Text, message.Opcode);
        Assert.Equal("Hello", message.PayloadText);
    }

    [Fact]
    public void Rfc6455_5_7_UnmaskedPing_DecodesToPingWithHello()
    {
        DecodedEvent ping = Assert.Single(FrameDecoding.Decode(UnmaskedPing, FrameDecoding.Client));
        Assert.Equal(WebSocketFrameEventKind.Ping, ping.Kind);
        Assert.Equal("Hello", ping.PayloadText);
    }

    [Fact]
    public void Rfc6455_5_7_MaskedPong_DecodesToPongWithHello()
    {
        DecodedEvent pong = Assert.Single(FrameDecoding.Decode(MaskedPong));
        Assert.Equal(WebSocketFrameEventKind.Pong, pong.Kind);
        Assert.Equal("Hello", pong.PayloadText);
    }

    [Fact]
    public void Rfc6455_5_7_Binary256Bytes_UsesSixteenBitLength()
    {
        byte[] payload = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        byte[] wire = [.. Header256, .. payload];
        DecodedEvent message = Assert.Single(FrameDecoding.Decode(wire, FrameDecoding.Client));
        Assert.Equal(WebSocketOpcode.Binary, message.Opcode);
        Assert.Equal(payload, message.Payload);
    }

    [Fact]
    public void Rfc6455_5_7_Binary64KiB_UsesSixtyFourBitLength()
    {
        byte[] payload = Enumerable.Range(0, 65536).Select(i => (byte)(i * 7)).ToArray();
        byte[] wire = [.. Header64K, .. payload];
        DecodedEvent message = Assert.Single(FrameDecoding.Decode(wire, FrameDecoding.Client));
        Assert.Equal(WebSocketOpcode.Binary, message.Opcode);
        Assert.Equal(payload, message.Payload);
    }

    [Fact]
    public void Rfc6455_5_7_Writer_ProducesUnmaskedHello()
    {
        var buffer = new byte[32];
        int written = WebSocketFrameWriter.WriteFrame(buffer, WebSocketOpcode.Text, fin: true, "Hello"u8);
        Assert.Equal(UnmaskedHello, buffer[..written]);
    }

    [Fact]
    public void Rfc6455_5_7_MaskingWriter_ProducesMaskedHello()
    {
        var buffer = new byte[32];
        int written = WebSocketFrameWriter.WriteMaskedFrame(buffer, WebSocketOpcode.Text, fin: true, "Hello"u8, ExampleKey);
        Assert.Equal(MaskedHello, buffer[..written]);
    }

    [Fact]
    public void Rfc6455_5_7_Writer_ProducesFragmentedHello()
    {
        var buffer = new byte[32];
        int first = WebSocketFrameWriter.WriteFrame(buffer, WebSocketOpcode.Text, fin: false, "Hel"u8);
        int second = WebSocketFrameWriter.WriteFrame(buffer.AsSpan(first), WebSocketOpcode.Continuation, fin: true, "lo"u8);
        Assert.Equal([.. FragmentHel, .. FragmentLo], buffer[..(first + second)]);
    }

    [Fact]
    public void Rfc6455_5_7_Writer_ProducesUnmaskedPingAndMaskedPong()
    {
        var buffer = new byte[32];
        int written = WebSocketFrameWriter.WriteFrame(buffer, WebSocketOpcode.Ping, fin: true, "Hello"u8);
        Assert.Equal(UnmaskedPing, buffer[..written]);
        written = WebSocketFrameWriter.WriteMaskedFrame(buffer, WebSocketOpcode.Pong, fin: true, "Hello"u8, ExampleKey);
        Assert.Equal(MaskedPong, buffer[..written]);
    }

    [Theory]
    [InlineData(256, new byte[] { 0x82, 0x7E, 0x01, 0x00 })]
    [InlineData(65536, new byte[] { 0x82, 0x7F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00 })]
    public void Rfc6455_5_7_Writer_ProducesBinaryHeaders(int payloadLength, byte[] expected)
    {
        var buffer = new byte[16];
        Assert.Equal(expected.Length, WebSocketFrameWriter.GetHeaderLength(payloadLength));
        int written = WebSocketFrameWriter.WriteHeader(buffer, WebSocketOpcode.Binary, fin: true, payloadLength);
        Assert.Equal(expected, buffer[..written]);
    }
}
