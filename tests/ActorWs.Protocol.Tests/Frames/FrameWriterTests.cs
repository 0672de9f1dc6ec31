using ActorWs.Protocol.Frames;
using ActorWs.Protocol.Tests.Support;
using Xunit;

namespace ActorWs.Protocol.Tests.Frames;

/// <summary>RFC 6455 §5.2 encoding: minimal lengths, header sizes, masking writer, misuse.</summary>
public class FrameWriterTests
{
    [Theory]
    [InlineData(0L, 2)]
    [InlineData(125L, 2)]
    [InlineData(126L, 4)]
    [InlineData(65535L, 4)]
    [InlineData(65536L, 10)]
    [InlineData(long.MaxValue, 10)]
    public void Rfc6455_5_2_HeaderLength_IsMinimalForm(long payloadLength, int expected)
    {
        Assert.Equal(expected, WebSocketFrameWriter.GetHeaderLength(payloadLength));
        Assert.Equal(expected + 4, WebSocketFrameWriter.GetHeaderLength(payloadLength, masked: true));
        var buffer = new byte[14];
        Assert.Equal(expected, WebSocketFrameWriter.WriteHeader(buffer, WebSocketOpcode.Binary, true, payloadLength));
    }

    [Theory]
    [InlineData(125, new byte[] { 0x82, 125 })]
    [InlineData(126, new byte[] { 0x82, 126, 0x00, 0x7E })]
    [InlineData(65535, new byte[] { 0x82, 126, 0xFF, 0xFF })]
    public void Rfc6455_5_2_LengthBoundaries_AreEncodedMinimally(int payloadLength, byte[] expected)
    {
        var buffer = new byte[14];
        int written = WebSocketFrameWriter.WriteHeader(buffer, WebSocketOpcode.Binary, true, payloadLength);
        Assert.Equal(expected, buffer[..written]);
    }

    [Fact]
    public void Rfc6455_5_2_FinAndRsv1Bits_AreSetAsAsked()
    {
        var buffer = new byte[14];
        WebSocketFrameWriter.WriteHeader(buffer, WebSocketOpcode.Text, fin: false, 1, rsv1: true);
        Assert.Equal(0x41, buffer[0]);
        WebSocketFrameWriter.WriteHeader(buffer, WebSocketOpcode.Continuation, fin: true, 1);
        Assert.Equal(0x80, buffer[0]);
    }

    [Fact]
    public void Rfc6455_5_2_HeaderReservedInFrontOfPayload_SendsWithoutCopy()
    {
        // The server pattern: reserve the header, write the payload after it, then fill the header in.
        byte[] payload = Enumerable.Range(0, 300).Select(i => (byte)i).ToArray();
        int headerLength = WebSocketFrameWriter.GetHeaderLength(payload.Length);
        var buffer = new byte[headerLength + payload.Length];
        payload.CopyTo(buffer, headerLength);
        WebSocketFrameWriter.WriteHeader(buffer, WebSocketOpcode.Binary, true, payload.Length);
        DecodedEvent message = Assert.Single(FrameDecoding.Decode(buffer, FrameDecoding.Client));
        Assert.Equal(payload, message.Payload);
    }

    [Fact]
    public void Rfc6455_5_3_MaskedWriter_IsReadByServerReader()
    {
        byte[] payload = Enumerable.Range(0, 70000).Select(i => (byte)(i % 251)).ToArray();
        var buffer = new byte[WebSocketFrameWriter.GetFrameLength(payload.Length, masked: true)];
        int written = WebSocketFrameWriter.WriteMaskedFrame(buffer, WebSocketOpcode.Binary, true, payload, 0xDEADBEEF);
        Assert.Equal(buffer.Length, written);
        Assert.Equal(0x80, buffer[1] & 0x80);
        Assert.Equal(payload, Assert.Single(FrameDecoding.Decode(buffer)).Payload);
        Assert.Equal(payload, Assert.Single(FrameDecoding.DecodeInPieces(buffer, FrameDecoding.Server, _ => 4093)).Payload);
    }

    [Fact]
    public void Rfc6455_5_5_WriterRejectsInvalidControlFrames()
    {
        var buffer = new byte[200];
        Assert.Throws<ArgumentException>(() => WebSocketFrameWriter.WriteHeader(buffer, WebSocketOpcode.Ping, true, 126));
        Assert.Throws<ArgumentException>(() => WebSocketFrameWriter.WriteHeader(buffer, WebSocketOpcode.Close, false, 0));
        Assert.Throws<ArgumentException>(() => WebSocketFrameWriter.WriteHeader(buffer, WebSocketOpcode.Pong, true, 0, rsv1: true));
    }

    [Fact]
    public void Rfc6455_5_2_WriterRejectsReservedOpcodesNegativeLengthsAndShortDestinations()
    {
        var buffer = new byte[200];
        Assert.Throws<ArgumentOutOfRangeException>(() => WebSocketFrameWriter.WriteHeader(buffer, (WebSocketOpcode)3, true, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => WebSocketFrameWriter.WriteHeader(buffer, WebSocketOpcode.Text, true, -1));
        Assert.Throws<ArgumentException>(() => WebSocketFrameWriter.WriteHeader(new byte[3], WebSocketOpcode.Text, true, 126));
        Assert.Throws<ArgumentException>(() => WebSocketFrameWriter.WriteFrame(new byte[4], WebSocketOpcode.Text, true, "Hello"u8));
    }
}
