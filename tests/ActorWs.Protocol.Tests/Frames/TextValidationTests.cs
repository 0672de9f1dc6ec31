using System.Text;
using ActorWs.Protocol.Frames;
using ActorWs.Protocol.Tests.Support;
using Xunit;

namespace ActorWs.Protocol.Tests.Frames;

/// <summary>RFC 6455 §8.1: text messages must be valid UTF-8, checked incrementally and failing fast (1007).</summary>
public class TextValidationTests
{
    [Fact]
    public void Rfc6455_8_1_ValidUtf8Text_IsAccepted()
    {
        DecodedEvent message = Assert.Single(FrameDecoding.Decode(RawFrame.Text("κόσμε – 世界 – 😀")));
        Assert.Equal("κόσμε – 世界 – 😀", message.PayloadText);
    }

    [Fact]
    public void Rfc6455_8_1_InvalidUtf8InSingleFrame_Is1007()
    {
        DecodedEvent error = FrameDecoding.DecodeExpectingError(RawFrame.Build((int)WebSocketOpcode.Text, [0x61, 0xC0, 0x80]));
        Assert.Equal(WebSocketProtocolViolation.InvalidUtf8, error.Violation);
        Assert.Equal(1007, error.CloseCode);
    }

    [Fact]
    public void Rfc6455_8_1_CodePointSplitAcrossFragments_IsAccepted()
    {
        byte[] euro = Encoding.UTF8.GetBytes("€"); // E2 82 AC
        byte[] wire = RawFrame.Concat(
            RawFrame.Build((int)WebSocketOpcode.Text, [0x41, euro[0]], fin: false),
            RawFrame.Continuation([euro[1]], fin: false),
            RawFrame.Continuation([euro[2], 0x42]));
        Assert.Equal("A€B", Assert.Single(FrameDecoding.Decode(wire)).PayloadText);
    }

    [Fact]
    public void Rfc6455_8_1_MessageEndingInsideACodePoint_Is1007()
    {
        byte[] wire = RawFrame.Concat(
            RawFrame.Build((int)WebSocketOpcode.Text, [0x41, 0xE2], fin: false),
            RawFrame.Continuation([0x82]));
        Assert.Equal(WebSocketProtocolViolation.InvalidUtf8, FrameDecoding.DecodeExpectingError(wire).Violation);
    }

    [Fact]
    public void Rfc6455_8_1_InvalidSequenceMidFragment_FailsBeforeTheFrameEnds()
    {
        using var reader = new WebSocketFrameReader();
        byte[] payload = [.. "valid text "u8.ToArray(), 0xED, 0xA0, .. Enumerable.Repeat((byte)'x', 100)];
        byte[] frame = RawFrame.Build((int)WebSocketOpcode.Text, payload, fin: false);
        int headerLength = 6;
        int surrogateEnd = headerLength + 13; // "valid text " is 11 bytes, then ED A0
        WebSocketFrameEvent ev = reader.Read(frame.AsSpan(0, surrogateEnd), out _);
        Assert.Equal(WebSocketFrameEventKind.ProtocolError, ev.Kind);
        Assert.Equal(WebSocketProtocolViolation.InvalidUtf8, ev.Violation);
        Assert.Equal(1007, ev.ErrorCloseCode);
    }

    [Fact]
    public void Rfc6455_8_1_InvalidSequenceSplitAcrossFrames_FailsOnItsFirstByteInTheNextFrame()
    {
        using var reader = new WebSocketFrameReader();
        byte[] first = RawFrame.Build((int)WebSocketOpcode.Text, [0x41, 0xF0], fin: false);
        byte[] second = RawFrame.Continuation([0x80, 0x80, 0x80, 0x41, 0x41]); // F0 80 is an overlong prefix
        Assert.Equal(WebSocketFrameEventKind.NeedMoreData, reader.Read(first, out _).Kind);
        WebSocketFrameEvent ev = reader.Read(second.AsSpan(0, 7), out _); // header (6) + the first payload byte
        Assert.Equal(WebSocketProtocolViolation.InvalidUtf8, ev.Violation);
    }

    [Fact]
    public void Rfc6455_8_1_BinaryMessages_AreNotUtf8Checked()
    {
        DecodedEvent message = Assert.Single(FrameDecoding.Decode(RawFrame.Build((int)WebSocketOpcode.Binary, [0xFF, 0xC0])));
        Assert.Equal(new byte[] { 0xFF, 0xC0 }, message.Payload);
    }

    [Fact]
    public void Rfc6455_8_1_PieceDelivery_StillValidatesAcrossPieces()
    {
        var options = new WebSocketFrameReaderOptions { ReassembleMessages = false };
        byte[] wire = RawFrame.Concat(
            RawFrame.Build((int)WebSocketOpcode.Text, [0x41, 0xED], fin: false),
            RawFrame.Continuation([0xBF, 0x80]));
        Assert.Equal(WebSocketProtocolViolation.InvalidUtf8, FrameDecoding.DecodeExpectingError(wire, options).Violation);
    }
}
