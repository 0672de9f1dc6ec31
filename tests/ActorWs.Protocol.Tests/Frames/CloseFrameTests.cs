using System.Text;
using ActorWs.Protocol.Frames;
using ActorWs.Protocol.Tests.Support;
using Xunit;

namespace ActorWs.Protocol.Tests.Frames;

/// <summary>RFC 6455 §5.5.1 Close frames and the §7.4 status code rules.</summary>
public class CloseFrameTests
{
    [Fact]
    public void Rfc6455_5_5_1_CloseWithCodeAndReason_IsDelivered()
    {
        byte[] wire = RawFrame.Close(1001, Encoding.UTF8.GetBytes("bye ✓"));
        DecodedEvent close = Assert.Single(FrameDecoding.Decode(wire));
        Assert.Equal(WebSocketFrameEventKind.Close, close.Kind);
        Assert.Equal(1001, close.CloseCode);
        Assert.Equal("bye ✓", Encoding.UTF8.GetString(close.Payload.AsSpan(2)));
    }

    [Fact]
    public void Rfc6455_5_5_1_CloseReasonSpan_IsTheUtf8AfterTheCode()
    {
        using var reader = new WebSocketFrameReader();
        WebSocketFrameEvent ev = reader.Read(RawFrame.Close(1000, "ok"u8.ToArray()), out _);
        Assert.Equal("ok", Encoding.UTF8.GetString(ev.CloseReason));
        Assert.True(reader.IsCloseReceived);
    }

    [Fact]
    public void Rfc6455_7_1_5_EmptyClose_ReportsNoStatusReceived1005()
    {
        DecodedEvent close = Assert.Single(FrameDecoding.Decode(RawFrame.Build((int)WebSocketOpcode.Close, [])));
        Assert.Equal(WebSocketFrameEventKind.Close, close.Kind);
        Assert.Equal(WebSocketCloseCode.NoStatusReceived, close.CloseCode);
    }

    [Fact]
    public void Rfc6455_5_5_1_ClosePayloadOfOneByte_Is1002()
    {
        DecodedEvent error = FrameDecoding.DecodeExpectingError(RawFrame.Build((int)WebSocketOpcode.Close, [0x03]));
        Assert.Equal(WebSocketProtocolViolation.CloseFrameWithOneByte, error.Violation);
        Assert.Equal(1002, error.CloseCode);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(999)]
    [InlineData(1004)]
    [InlineData(1005)]
    [InlineData(1006)]
    [InlineData(1015)]
    [InlineData(1016)]
    [InlineData(2999)]
    [InlineData(5000)]
    [InlineData(65535)]
    public void Rfc6455_7_4_ReservedOrLocalOnlyCloseCode_Is1002(int code)
    {
        DecodedEvent error = FrameDecoding.DecodeExpectingError(RawFrame.Close((ushort)code));
        Assert.Equal(WebSocketProtocolViolation.InvalidCloseCode, error.Violation);
        Assert.Equal(1002, error.CloseCode);
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(1001)]
    [InlineData(1002)]
    [InlineData(1003)]
    [InlineData(1007)]
    [InlineData(1008)]
    [InlineData(1009)]
    [InlineData(1010)]
    [InlineData(1011)]
    [InlineData(1012)]
    [InlineData(1013)]
    [InlineData(1014)]
    [InlineData(3000)]
    [InlineData(4999)]
    public void Rfc6455_7_4_SendableCloseCode_IsAccepted(int code)
    {
        DecodedEvent close = Assert.Single(FrameDecoding.Decode(RawFrame.Close((ushort)code)));
        Assert.Equal(code, close.CloseCode);
        Assert.True(WebSocketCloseCode.IsValidInCloseFrame(code));
    }

    [Fact]
    public void Rfc6455_7_4_ValidityMatchesTheRangesForEveryCode()
    {
        for (int code = 0; code <= ushort.MaxValue; code++)
        {
            bool expected = code is (>= 1000 and <= 1003) or (>= 1007 and <= 1014) or (>= 3000 and <= 4999);
            Assert.Equal(expected, WebSocketCloseCode.IsValidInCloseFrame(code));
        }
    }

    [Fact]
    public void Rfc6455_5_5_1_CloseReasonNotUtf8_Is1007()
    {
        DecodedEvent error = FrameDecoding.DecodeExpectingError(RawFrame.Close(1000, [0x68, 0xC3]));
        Assert.Equal(WebSocketProtocolViolation.InvalidCloseReasonUtf8, error.Violation);
        Assert.Equal(1007, error.CloseCode);
    }

    [Fact]
    public void Rfc6455_7_4_1_NamedConstants_HaveRfcValues()
    {
        Assert.Equal(1000, WebSocketCloseCode.NormalClosure);
        Assert.Equal(1001, WebSocketCloseCode.GoingAway);
        Assert.Equal(1002, WebSocketCloseCode.ProtocolError);
        Assert.Equal(1003, WebSocketCloseCode.UnsupportedData);
        Assert.Equal(1007, WebSocketCloseCode.InvalidPayloadData);
        Assert.Equal(1008, WebSocketCloseCode.PolicyViolation);
        Assert.Equal(1009, WebSocketCloseCode.MessageTooBig);
        Assert.Equal(1010, WebSocketCloseCode.MandatoryExtension);
        Assert.Equal(1011, WebSocketCloseCode.InternalServerError);
    }

    [Fact]
    public void Rfc6455_5_5_1_PayloadBuilder_WritesBigEndianCodeThenReason()
    {
        var buffer = new byte[125];
        int written = CloseFramePayload.Write(buffer, 1000, "done");
        Assert.Equal(new byte[] { 0x03, 0xE8, (byte)'d', (byte)'o', (byte)'n', (byte)'e' }, buffer[..written]);
    }

    [Fact]
    public void Rfc6455_5_5_PayloadBuilder_TruncatesReasonOnCharacterBoundaryWithin125Bytes()
    {
        // 'é' is 2 bytes, '😀' is 4: 61 × 'é' = 122 bytes, then the emoji no longer fits in the 123 allowed.
        string reason = new string('é', 61) + "😀" + "tail";
        var buffer = new byte[200];
        int written = CloseFramePayload.Write(buffer, 1001, reason);
        Assert.Equal(2 + 122, written);
        Assert.Equal(new string('é', 61), Encoding.UTF8.GetString(buffer, 2, written - 2));

        string ascii = new('a', 300);
        Assert.Equal(125, CloseFramePayload.Write(buffer, 1000, ascii));
    }

    [Fact]
    public void Rfc6455_5_5_PayloadBuilder_TruncatesToASmallDestinationOnCharacterBoundary()
    {
        var buffer = new byte[5];
        int written = CloseFramePayload.Write(buffer, 1000, "€€"); // 3 bytes each: only one fits in 3
        Assert.Equal(5, written);
        Assert.Equal("€", Encoding.UTF8.GetString(buffer, 2, 3));
    }

    [Fact]
    public void Rfc6455_7_4_PayloadBuilder_RejectsCodesThatMayNotBeSent()
    {
        var buffer = new byte[125];
        Assert.Throws<ArgumentOutOfRangeException>(() => CloseFramePayload.Write(buffer, 1005, ""));
        Assert.Throws<ArgumentOutOfRangeException>(() => CloseFramePayload.Write(buffer, 999, ""));
        Assert.Throws<ArgumentException>(() => CloseFramePayload.Write(new byte[1], 1000, ""));
    }

    [Fact]
    public void Rfc6455_5_5_1_PayloadParser_RoundTripsTheBuilder()
    {
        var buffer = new byte[125];
        int written = CloseFramePayload.Write(buffer, 4000, "app ✓");
        Assert.Equal(WebSocketProtocolViolation.None, CloseFramePayload.TryParse(buffer.AsSpan(0, written), out ushort code, out ReadOnlySpan<byte> reason));
        Assert.Equal(4000, code);
        Assert.Equal("app ✓", Encoding.UTF8.GetString(reason));
        Assert.Equal(WebSocketProtocolViolation.ControlFrameTooLong, CloseFramePayload.TryParse(new byte[126], out _, out _));
    }

    [Fact]
    public void Rfc6455_5_5_1_CloseFrameWriters_ProduceDecodableFrames()
    {
        var buffer = new byte[WebSocketFrameWriter.MaxCloseFrameLength + 4];
        int written = WebSocketFrameWriter.WriteMaskedCloseFrame(buffer, 1008, "policy", 0x12345678);
        DecodedEvent close = Assert.Single(FrameDecoding.Decode(buffer[..written]));
        Assert.Equal(1008, close.CloseCode);
        Assert.Equal("policy", Encoding.UTF8.GetString(close.Payload.AsSpan(2)));

        written = WebSocketFrameWriter.WriteCloseFrame(buffer, 1000, new string('x', 500));
        Assert.Equal(WebSocketFrameWriter.MaxCloseFrameLength, written);
        close = Assert.Single(FrameDecoding.Decode(buffer[..written], FrameDecoding.Client));
        Assert.Equal(1000, close.CloseCode);
    }
}
