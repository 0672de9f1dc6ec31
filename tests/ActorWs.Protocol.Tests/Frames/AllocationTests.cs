using ActorWs.Protocol.Frames;
using Xunit;

namespace ActorWs.Protocol.Tests.Frames;

/// <summary>Steady-state decoding allocates nothing (measured in bytes, not time).</summary>
public class AllocationTests
{
    private static byte[] MaskedStream(int frames, int payloadLength, WebSocketOpcode opcode, bool fragmented = false)
    {
        byte[] payload = Enumerable.Range(0, payloadLength).Select(i => (byte)('a' + (i % 26))).ToArray();
        int frameLength = (int)WebSocketFrameWriter.GetFrameLength(payloadLength, masked: true);
        var wire = new byte[frameLength * frames];
        for (int i = 0; i < frames; i++)
        {
            bool first = !fragmented || i % 2 == 0;
            bool fin = !fragmented || i % 2 == 1;
            WebSocketFrameWriter.WriteMaskedFrame(wire.AsSpan(i * frameLength), first ? opcode : WebSocketOpcode.Continuation, fin, payload, 0x11223344u + (uint)i);
        }

        return wire;
    }

    private static int DecodeAll(WebSocketFrameReader reader, byte[] source, byte[] work, int pieceSize)
    {
        source.CopyTo(work, 0);
        int messages = 0;
        for (int offset = 0; offset < work.Length; offset += pieceSize)
        {
            Span<byte> input = work.AsSpan(offset, Math.Min(pieceSize, work.Length - offset));
            while (true)
            {
                WebSocketFrameEvent ev = reader.Read(input, out int consumed);
                input = input[consumed..];
                if (ev.Kind == WebSocketFrameEventKind.NeedMoreData)
                {
                    break;
                }

                // No Assert here: xunit's comparer boxes, which would be counted as the reader's allocation.
                if (ev.Kind != WebSocketFrameEventKind.Message)
                {
                    return -1;
                }

                messages++;
            }
        }

        return messages;
    }

    [Theory]
    [InlineData(32, false, 1 << 20)]   // many small text frames per read, delivered in place
    [InlineData(32, true, 1 << 20)]    // fragmented: reassembled in a pooled buffer
    [InlineData(65536, false, 4096)]   // large frames arriving in 4 KiB reads: pooled buffer per message
    public void SteadyStateDecoding_AllocatesZeroBytes(int payloadLength, bool fragmented, int pieceSize)
    {
        byte[] source = MaskedStream(200, payloadLength, WebSocketOpcode.Text, fragmented);
        byte[] work = new byte[source.Length];
        using var reader = new WebSocketFrameReader();
        int expected = fragmented ? 100 : 200;
        Assert.Equal(expected, DecodeAll(reader, source, work, pieceSize)); // warm-up: JIT, pool buckets

        long before = GC.GetAllocatedBytesForCurrentThread();
        int messages = DecodeAll(reader, source, work, pieceSize);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(expected, messages);
        Assert.Equal(0, allocated);
        Assert.False(reader.HoldsBuffer);
    }

    [Fact]
    public void IdleReader_IsSmall_AndHoldsNoBuffer()
    {
        // The reader lives as long as its connection: its own footprint must stay around 100 bytes.
        var options = new WebSocketFrameReaderOptions();
        _ = new WebSocketFrameReader(options); // warm-up: type loading
        long before = GC.GetAllocatedBytesForCurrentThread();
        var reader = new WebSocketFrameReader(options);
        long size = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.InRange(size, 1, 104);
        Assert.False(reader.HoldsBuffer);
    }
}
