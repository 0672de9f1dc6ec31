using ActorWs.Protocol.Frames;
using ActorWs.Protocol.Tests.Support;
using Xunit;

namespace ActorWs.Protocol.Tests.Frames;

/// <summary>Every framing rule of RFC 6455 §5 that fails the connection, and the close code it fails with.</summary>
public class FrameValidationTests
{
    private static void AssertViolation(byte[] wire, WebSocketProtocolViolation violation, ushort closeCode, WebSocketFrameReaderOptions? options = null)
    {
        DecodedEvent error = FrameDecoding.DecodeExpectingError(wire, options);
        Assert.Equal(violation, error.Violation);
        Assert.Equal(closeCode, error.CloseCode);
    }

    [Fact]
    public void Rfc6455_5_1_UnmaskedClientFrame_Is1002()
    {
        AssertViolation(RawFrame.Text("hi", masked: false), WebSocketProtocolViolation.UnmaskedClientFrame, 1002);
    }

    [Fact]
    public void Rfc6455_5_1_MaskedServerFrame_Is1002ForClientReader()
    {
        AssertViolation(RawFrame.Text("hi"), WebSocketProtocolViolation.MaskedServerFrame, 1002, FrameDecoding.Client);
    }

    [Theory]
    [InlineData(true, false, false)]
    [InlineData(false, true, false)]
    [InlineData(false, false, true)]
    public void Rfc6455_5_2_NonzeroRsvWithoutExtension_Is1002(bool rsv1, bool rsv2, bool rsv3)
    {
        byte[] wire = RawFrame.Build((int)WebSocketOpcode.Binary, [1, 2, 3], rsv1: rsv1, rsv2: rsv2, rsv3: rsv3);
        AssertViolation(wire, WebSocketProtocolViolation.ReservedBitSet, 1002);
    }

    [Fact]
    public void Rfc6455_5_2_Rsv2WithDeflateNegotiated_Is1002()
    {
        byte[] wire = RawFrame.Build((int)WebSocketOpcode.Binary, [1], rsv2: true);
        AssertViolation(wire, WebSocketProtocolViolation.ReservedBitSet, 1002, new WebSocketFrameReaderOptions { AllowRsv1 = true });
    }

    [Fact]
    public void Rfc7692_6_Rsv1AllowedOnFirstFrame_IsSurfacedAndTextNotValidated()
    {
        // With RSV1 the payload is compressed, so it is not UTF-8 checked here (0xFF would fail otherwise).
        byte[] first = RawFrame.Build((int)WebSocketOpcode.Text, [0xFF, 0x01], fin: false, rsv1: true);
        byte[] last = RawFrame.Continuation([0xFE]);
        var options = new WebSocketFrameReaderOptions { AllowRsv1 = true };
        DecodedEvent message = Assert.Single(FrameDecoding.Decode(RawFrame.Concat(first, last), options));
        Assert.True(message.Compressed);
        Assert.Equal(new byte[] { 0xFF, 0x01, 0xFE }, message.Payload);
    }

    [Fact]
    public void Rfc7692_6_Rsv1OnContinuationFrame_Is1002()
    {
        byte[] first = RawFrame.Build((int)WebSocketOpcode.Binary, [1], fin: false, rsv1: true);
        byte[] last = RawFrame.Build((int)WebSocketOpcode.Continuation, [2], rsv1: true);
        AssertViolation(RawFrame.Concat(first, last), WebSocketProtocolViolation.Rsv1OnControlOrContinuationFrame, 1002, new WebSocketFrameReaderOptions { AllowRsv1 = true });
    }

    [Fact]
    public void Rfc7692_6_Rsv1OnControlFrame_Is1002()
    {
        byte[] ping = RawFrame.Build((int)WebSocketOpcode.Ping, [1], rsv1: true);
        AssertViolation(ping, WebSocketProtocolViolation.Rsv1OnControlOrContinuationFrame, 1002, new WebSocketFrameReaderOptions { AllowRsv1 = true });
    }

    [Fact]
    public void Rfc6455_5_2_ReaderAllowRsv1Property_CanBeEnabledAfterConstruction()
    {
        using var reader = new WebSocketFrameReader();
        Assert.False(reader.AllowRsv1);
        reader.AllowRsv1 = true;
        byte[] wire = RawFrame.Build((int)WebSocketOpcode.Binary, [9], rsv1: true);
        WebSocketFrameEvent ev = reader.Read(wire, out _);
        Assert.Equal(WebSocketFrameEventKind.Message, ev.Kind);
        Assert.True(ev.IsCompressed);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(14)]
    [InlineData(15)]
    public void Rfc6455_5_2_ReservedOpcode_Is1002(int opcode)
    {
        AssertViolation(RawFrame.Build(opcode, [1]), WebSocketProtocolViolation.ReservedOpcode, 1002);
    }

    [Theory]
    [InlineData(WebSocketOpcode.Ping)]
    [InlineData(WebSocketOpcode.Pong)]
    [InlineData(WebSocketOpcode.Close)]
    public void Rfc6455_5_5_ControlFrameLongerThan125_Is1002(WebSocketOpcode opcode)
    {
        byte[] payload = new byte[126];
        payload[0] = 0x03;
        payload[1] = 0xE8;
        AssertViolation(RawFrame.Build((int)opcode, payload), WebSocketProtocolViolation.ControlFrameTooLong, 1002);
    }

    [Fact]
    public void Rfc6455_5_5_ControlFrameOf125Bytes_IsAccepted()
    {
        byte[] payload = Enumerable.Repeat((byte)'p', 125).ToArray();
        DecodedEvent ping = Assert.Single(FrameDecoding.Decode(RawFrame.Build((int)WebSocketOpcode.Ping, payload)));
        Assert.Equal(payload, ping.Payload);
    }

    [Theory]
    [InlineData(WebSocketOpcode.Ping)]
    [InlineData(WebSocketOpcode.Pong)]
    [InlineData(WebSocketOpcode.Close)]
    public void Rfc6455_5_5_FragmentedControlFrame_Is1002(WebSocketOpcode opcode)
    {
        AssertViolation(RawFrame.Build((int)opcode, [], fin: false), WebSocketProtocolViolation.FragmentedControlFrame, 1002);
    }

    [Fact]
    public void Rfc6455_5_4_ContinuationWithoutMessageInProgress_Is1002()
    {
        AssertViolation(RawFrame.Continuation("x"u8), WebSocketProtocolViolation.UnexpectedContinuation, 1002);
    }

    [Fact]
    public void Rfc6455_5_4_ContinuationAfterCompletedMessage_Is1002()
    {
        byte[] wire = RawFrame.Concat(RawFrame.Text("done"), RawFrame.Continuation("x"u8));
        IReadOnlyList<DecodedEvent> events = FrameDecoding.Decode(wire);
        Assert.Equal(2, events.Count);
        Assert.Equal("done", events[0].PayloadText);
        Assert.Equal(WebSocketProtocolViolation.UnexpectedContinuation, events[1].Violation);
    }

    [Theory]
    [InlineData(WebSocketOpcode.Text)]
    [InlineData(WebSocketOpcode.Binary)]
    public void Rfc6455_5_4_NewDataFrameInsideFragmentedMessage_Is1002(WebSocketOpcode second)
    {
        byte[] wire = RawFrame.Concat(RawFrame.Text("part", fin: false), RawFrame.Build((int)second, "x"u8));
        AssertViolation(wire, WebSocketProtocolViolation.DataFrameInsideFragmentedMessage, 1002);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(125)]
    public void Rfc6455_5_2_SixteenBitLengthBelow126_Is1002(int length)
    {
        byte[] wire = RawFrame.Build((int)WebSocketOpcode.Binary, new byte[length], form: LengthForm.Sixteen);
        AssertViolation(wire, WebSocketProtocolViolation.NonMinimalPayloadLength, 1002);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(125)]
    [InlineData(65535)]
    public void Rfc6455_5_2_SixtyFourBitLengthBelow65536_Is1002(int length)
    {
        byte[] wire = RawFrame.Build((int)WebSocketOpcode.Binary, new byte[length], form: LengthForm.SixtyFour);
        AssertViolation(wire, WebSocketProtocolViolation.NonMinimalPayloadLength, 1002);
    }

    [Fact]
    public void Rfc6455_5_2_SixtyFourBitLengthWithTopBitSet_Is1002()
    {
        byte[] wire = RawFrame.Build((int)WebSocketOpcode.Binary, [], form: LengthForm.SixtyFour, declaredLength: unchecked((long)0x8000_0000_0000_0000UL));
        AssertViolation(wire, WebSocketProtocolViolation.PayloadLengthHighBitSet, 1002);
    }

    [Fact]
    public void Rfc6455_5_2_MinimalSixteenAndSixtyFourBitLengths_AreAccepted()
    {
        byte[] wire = RawFrame.Concat(
            RawFrame.Build((int)WebSocketOpcode.Binary, new byte[126]),
            RawFrame.Build((int)WebSocketOpcode.Binary, new byte[65536]));
        Assert.Equal([126, 65536], FrameDecoding.Decode(wire).Select(e => e.Payload.Length));
    }

    [Fact]
    public void Rfc6455_10_4_MessageLargerThanMaximum_Is1009AtTheHeader()
    {
        var options = new WebSocketFrameReaderOptions { MaxMessageSize = 10 };
        // Only the header is sent: the reader must not wait for (or buffer) the oversized payload.
        byte[] header = RawFrame.Build((int)WebSocketOpcode.Binary, new byte[11])[..6];
        AssertViolation(header, WebSocketProtocolViolation.MessageTooBig, 1009, options);
    }

    [Fact]
    public void Rfc6455_10_4_FragmentedMessageLargerThanMaximum_Is1009()
    {
        var options = new WebSocketFrameReaderOptions { MaxMessageSize = 10 };
        byte[] wire = RawFrame.Concat(
            RawFrame.Build((int)WebSocketOpcode.Binary, new byte[6], fin: false),
            RawFrame.Continuation(new byte[5]));
        AssertViolation(wire, WebSocketProtocolViolation.MessageTooBig, 1009, options);
    }

    [Fact]
    public void Rfc6455_10_4_MessageExactlyAtMaximum_IsAccepted()
    {
        var options = new WebSocketFrameReaderOptions { MaxMessageSize = 10 };
        byte[] wire = RawFrame.Concat(
            RawFrame.Build((int)WebSocketOpcode.Binary, new byte[6], fin: false),
            RawFrame.Continuation(new byte[4]));
        Assert.Equal(10, Assert.Single(FrameDecoding.Decode(wire, options)).Payload.Length);
    }

    [Fact]
    public void Rfc6455_10_4_DefaultMaximumIs16MiB_AndPerReaderOverride()
    {
        using var reader = new WebSocketFrameReader();
        Assert.Equal(16 * 1024 * 1024, reader.MaxMessageSize);
        reader.MaxMessageSize = 4;
        byte[] wire = RawFrame.Build((int)WebSocketOpcode.Binary, new byte[5]);
        Assert.Equal(WebSocketProtocolViolation.MessageTooBig, reader.Read(wire, out _).Violation);
        Assert.Throws<ArgumentOutOfRangeException>(() => reader.MaxMessageSize = -1);
    }

    [Fact]
    public void Rfc6455_5_5_1_FrameAfterClose_Is1002()
    {
        byte[] wire = RawFrame.Concat(RawFrame.Close(1000), RawFrame.Text("late"));
        IReadOnlyList<DecodedEvent> events = FrameDecoding.Decode(wire);
        Assert.Equal(WebSocketFrameEventKind.Close, events[0].Kind);
        Assert.Equal(WebSocketProtocolViolation.FrameAfterClose, events[1].Violation);
        Assert.Equal(1002, events[1].CloseCode);
    }

    [Fact]
    public void Rfc6455_5_2_FirstByteViolationWinsOverSecondByte_RegardlessOfSplit()
    {
        // Reserved opcode (first byte) and missing mask (second byte): the first byte decides, whole or split.
        byte[] wire = RawFrame.Build(3, [1], masked: false);
        AssertViolation(wire, WebSocketProtocolViolation.ReservedOpcode, 1002);
    }

    [Fact]
    public void ProtocolError_CarriesConstantReasonAndCode()
    {
        using var reader = new WebSocketFrameReader();
        WebSocketFrameEvent ev = reader.Read(RawFrame.Text("x", masked: false), out _);
        Assert.Equal(1002, ev.ErrorCloseCode);
        Assert.Equal("client frame not masked", ev.ErrorReason);
        Assert.Same(ev.ErrorReason, WebSocketProtocolViolation.UnmaskedClientFrame.Reason());
    }
}
