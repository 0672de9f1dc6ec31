using System.Text;
using ActorWs.Protocol.Frames;
using ActorWs.Protocol.Tests.Support;
using Xunit;

namespace ActorWs.Protocol.Tests.Frames;

/// <summary>RFC 6455 §5.4 fragmentation: reassembly, control frames between fragments, buffer ownership.</summary>
public class MessageReassemblyTests
{
    [Fact]
    public void Rfc6455_5_4_ControlFramesBetweenFragments_AreDeliveredInOrder()
    {
        byte[] wire = RawFrame.Concat(
            RawFrame.Text("Hel", fin: false),
            RawFrame.Build((int)WebSocketOpcode.Ping, "p1"u8),
            RawFrame.Continuation("l"u8, fin: false),
            RawFrame.Build((int)WebSocketOpcode.Pong, "p2"u8),
            RawFrame.Continuation("o"u8),
            RawFrame.Close(1000));
        IReadOnlyList<DecodedEvent> events = FrameDecoding.Decode(wire);
        Assert.Equal(
            ["Ping p1", "Pong p2", "Message Hello", "Close "],
            events.Select(e => $"{e.Kind} {(e.Kind == WebSocketFrameEventKind.Close ? "" : e.PayloadText)}"));
        Assert.Equal(WebSocketOpcode.Text, events[2].Opcode);
    }

    [Fact]
    public void Rfc6455_5_4_CloseBetweenFragments_IsDeliveredAndEndsTheStream()
    {
        byte[] wire = RawFrame.Concat(RawFrame.Text("Hel", fin: false), RawFrame.Close(1001));
        DecodedEvent close = Assert.Single(FrameDecoding.Decode(wire));
        Assert.Equal(1001, close.CloseCode);
    }

    [Fact]
    public void Rfc6455_5_4_EmptyFragments_ReassembleToTheNonEmptyOnes()
    {
        byte[] wire = RawFrame.Concat(
            RawFrame.Build((int)WebSocketOpcode.Binary, [], fin: false),
            RawFrame.Continuation([], fin: false),
            RawFrame.Continuation([7, 8]),
            RawFrame.Build((int)WebSocketOpcode.Binary, []));
        IReadOnlyList<DecodedEvent> events = FrameDecoding.Decode(wire);
        Assert.Equal(2, events.Count);
        Assert.Equal(new byte[] { 7, 8 }, events[0].Payload);
        Assert.Empty(events[1].Payload);
        Assert.Equal(WebSocketOpcode.Binary, events[1].Opcode);
    }

    [Fact]
    public void Rfc6455_5_4_ManyFragments_AcrossBufferGrowth_Reassemble()
    {
        var expected = new List<byte>();
        var frames = new List<byte[]>();
        for (int i = 0; i < 40; i++)
        {
            byte[] piece = Enumerable.Range(0, 1000 + i).Select(b => (byte)(b + i)).ToArray();
            expected.AddRange(piece);
            frames.Add(RawFrame.Build(i == 0 ? (int)WebSocketOpcode.Binary : 0, piece, fin: i == 39));
        }

        byte[] wire = RawFrame.Concat([.. frames]);
        foreach (int size in new[] { wire.Length, 1, 7, 4096 })
        {
            DecodedEvent message = Assert.Single(FrameDecoding.DecodeInPieces(wire, FrameDecoding.Server, _ => size));
            Assert.Equal(expected, message.Payload);
        }
    }

    [Fact]
    public void Rfc6455_5_4_SingleFrameMessageWhollyInInput_IsDeliveredInPlaceWithoutBuffer()
    {
        using var reader = new WebSocketFrameReader();
        byte[] wire = RawFrame.Text("in place");
        WebSocketFrameEvent ev = reader.Read(wire, out int consumed);
        Assert.Equal(wire.Length, consumed);
        Assert.Equal("in place", Encoding.UTF8.GetString(ev.Payload));
        Assert.True(ev.Payload.Overlaps(wire.AsSpan()), "payload should be a slice of the input");
        Assert.False(reader.HoldsBuffer);
    }

    [Fact]
    public void Rfc6455_5_4_ReassemblyBuffer_IsHeldOnlyWhileAMessageIsInProgress()
    {
        using var reader = new WebSocketFrameReader();
        byte[] first = RawFrame.Text("Hel", fin: false);
        byte[] last = RawFrame.Continuation("lo"u8);

        Assert.Equal(WebSocketFrameEventKind.NeedMoreData, reader.Read(first, out _).Kind);
        Assert.True(reader.IsMessageInProgress);
        Assert.True(reader.HoldsBuffer);

        WebSocketFrameEvent message = reader.Read(last, out _);
        Assert.Equal("Hello", Encoding.UTF8.GetString(message.Payload));
        Assert.False(reader.IsMessageInProgress);

        // The delivered buffer goes back to the pool on the next call, which finds nothing more to read.
        Assert.Equal(WebSocketFrameEventKind.NeedMoreData, reader.Read([], out _).Kind);
        Assert.False(reader.HoldsBuffer);
    }

    [Fact]
    public void Rfc6455_5_5_ControlFrameSplitAcrossReads_IsBufferedThenReleased()
    {
        using var reader = new WebSocketFrameReader();
        byte[] ping = RawFrame.Build((int)WebSocketOpcode.Ping, "split ping"u8);
        Assert.Equal(WebSocketFrameEventKind.NeedMoreData, reader.Read(ping.AsSpan(0, 9), out _).Kind);
        WebSocketFrameEvent ev = reader.Read(ping.AsSpan(9), out _);
        Assert.Equal(WebSocketFrameEventKind.Ping, ev.Kind);
        Assert.Equal("split ping", Encoding.UTF8.GetString(ev.Payload));
        Assert.Equal(WebSocketFrameEventKind.NeedMoreData, reader.Read([], out _).Kind);
        Assert.False(reader.HoldsBuffer);
    }

    [Fact]
    public void Rfc6455_5_4_PieceDelivery_DeliversInPlaceWithEndOfMessageOnTheLastPiece()
    {
        using var reader = new WebSocketFrameReader(new WebSocketFrameReaderOptions { ReassembleMessages = false });
        byte[] wire = RawFrame.Concat(RawFrame.Text("Hel", fin: false), RawFrame.Continuation("lo"u8));
        var pieces = new List<(string Text, bool End)>();
        Span<byte> input = wire;
        while (true)
        {
            WebSocketFrameEvent ev = reader.Read(input, out int consumed);
            input = input[consumed..];
            if (ev.Kind == WebSocketFrameEventKind.NeedMoreData)
            {
                break;
            }

            Assert.Equal(WebSocketOpcode.Text, ev.Opcode);
            pieces.Add((Encoding.UTF8.GetString(ev.Payload), ev.IsEndOfMessage));
        }

        Assert.Equal([("Hel", false), ("lo", true)], pieces);
        Assert.False(reader.HoldsBuffer);
    }

    [Fact]
    public void Rfc6455_5_3_MaskOffsetCarriesOverWhenPayloadIsSplitAtEveryPosition()
    {
        byte[] payload = Enumerable.Range(0, 300).Select(i => (byte)(i * 13)).ToArray();
        byte[] wire = RawFrame.Build((int)WebSocketOpcode.Binary, payload, maskKey: [0x01, 0x82, 0x43, 0xC4]);
        for (int split = 1; split < wire.Length; split++)
        {
            int first = split;
            bool firstPiece = true;
            DecodedEvent message = Assert.Single(FrameDecoding.DecodeInPieces(wire, FrameDecoding.Server, remaining =>
            {
                int size = firstPiece ? first : remaining;
                firstPiece = false;
                return size;
            }));
            Assert.Equal(payload, message.Payload);
        }
    }
}
