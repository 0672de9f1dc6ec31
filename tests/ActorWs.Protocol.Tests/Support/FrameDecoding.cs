using ActorWs.Protocol.Frames;
using Xunit;

namespace ActorWs.Protocol.Tests.Support;

/// <summary>One decoded event, copied out of the reader's borrowed memory so it can be compared later.</summary>
internal sealed record DecodedEvent(
    WebSocketFrameEventKind Kind,
    WebSocketOpcode Opcode,
    byte[] Payload,
    bool Compressed,
    ushort CloseCode,
    WebSocketProtocolViolation Violation)
{
    public string PayloadHex => Convert.ToHexString(Payload);

    public string PayloadText => System.Text.Encoding.UTF8.GetString(Payload);

    public override string ToString() =>
        $"{Kind} {Opcode} [{PayloadHex}] compressed={Compressed} code={CloseCode} violation={Violation}";
}

/// <summary>
/// Feeds wire bytes to a <see cref="WebSocketFrameReader"/> in a chosen split and collects the events,
/// joining message pieces when the reader delivers pieces. <see cref="Decode"/> decodes every input twice,
/// whole and one byte at a time, and insists on the same result.
/// </summary>
internal static class FrameDecoding
{
    public static WebSocketFrameReaderOptions Server { get; } = WebSocketFrameReaderOptions.Default;

    public static WebSocketFrameReaderOptions Client { get; } = new() { Role = WebSocketRole.Client };

    /// <summary>Decodes whole and byte by byte, asserts both give the same events, returns them.</summary>
    public static IReadOnlyList<DecodedEvent> Decode(byte[] wire, WebSocketFrameReaderOptions? options = null)
    {
        options ??= Server;
        List<DecodedEvent> whole = DecodeInPieces(wire, options, _ => wire.Length);
        List<DecodedEvent> byteByByte = DecodeInPieces(wire, options, _ => 1);
        Assert.Equal(whole.Select(e => e.ToString()), byteByByte.Select(e => e.ToString()));

        // Delivering pieces instead of reassembled messages must not change what the messages are.
        WebSocketFrameReaderOptions pieces = options with { ReassembleMessages = !options.ReassembleMessages };
        Assert.Equal(whole.Select(e => e.ToString()), DecodeInPieces(wire, pieces, _ => 1).Select(e => e.ToString()));
        return whole;
    }

    /// <summary>Decodes with piece sizes chosen by <paramref name="nextPieceSize"/> (given the remaining length).</summary>
    public static List<DecodedEvent> DecodeInPieces(byte[] wire, WebSocketFrameReaderOptions options, Func<int, int> nextPieceSize)
    {
        byte[] copy = (byte[])wire.Clone(); // the reader unmasks in place
        using var reader = new WebSocketFrameReader(options);
        var events = new List<DecodedEvent>();
        var pendingPieces = new List<byte>();
        int offset = 0;
        do
        {
            int size = Math.Min(Math.Max(1, nextPieceSize(copy.Length - offset)), copy.Length - offset);
            Span<byte> input = copy.AsSpan(offset, size);
            offset += size;
            while (true)
            {
                WebSocketFrameEvent ev = reader.Read(input, out int consumed);
                Assert.InRange(consumed, 0, input.Length);
                input = input[consumed..];
                if (ev.Kind == WebSocketFrameEventKind.NeedMoreData)
                {
                    Assert.Equal(0, input.Length);
                    break;
                }

                if (ev.Kind == WebSocketFrameEventKind.Message && !ev.IsEndOfMessage)
                {
                    Assert.False(options.ReassembleMessages, "a reassembling reader delivers whole messages only");
                    pendingPieces.AddRange(ev.Payload.ToArray());
                    continue;
                }

                byte[] payload = ev.Payload.ToArray();
                if (ev.Kind == WebSocketFrameEventKind.Message && pendingPieces.Count > 0)
                {
                    payload = [.. pendingPieces, .. payload];
                    pendingPieces.Clear();
                }

                events.Add(new DecodedEvent(ev.Kind, ev.Opcode, payload, ev.IsCompressed, ev.CloseCode, ev.Violation));
                if (ev.Kind == WebSocketFrameEventKind.ProtocolError)
                {
                    AssertFailureIsSticky(reader, ev.Violation);
                    return events;
                }
            }
        }
        while (offset < copy.Length);

        return events;
    }

    private static void AssertFailureIsSticky(WebSocketFrameReader reader, WebSocketProtocolViolation violation)
    {
        Assert.Equal(violation, reader.Fault);
        Assert.False(reader.HoldsBuffer);
        WebSocketFrameEvent again = reader.Read(new byte[] { 0x81, 0x80, 0, 0, 0, 0 }, out int consumed);
        Assert.Equal(WebSocketFrameEventKind.ProtocolError, again.Kind);
        Assert.Equal(violation, again.Violation);
        Assert.Equal(0, consumed);
    }

    /// <summary>Decodes and expects exactly one protocol error as the last event; returns it.</summary>
    public static DecodedEvent DecodeExpectingError(byte[] wire, WebSocketFrameReaderOptions? options = null)
    {
        IReadOnlyList<DecodedEvent> events = Decode(wire, options);
        Assert.NotEmpty(events);
        DecodedEvent last = events[^1];
        Assert.Equal(WebSocketFrameEventKind.ProtocolError, last.Kind);
        return last;
    }
}
