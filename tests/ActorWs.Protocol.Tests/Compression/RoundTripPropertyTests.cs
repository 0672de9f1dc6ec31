using System.Text;
using ActorWs.Protocol.Compression;
using ActorWs.Protocol.Compression.Buffers;
using ActorWs.Protocol.Compression.Native;
using ActorWs.Protocol.Compression.Pooling;
using FsCheck;
using FsCheck.Fluent;
using Xunit;

namespace ActorWs.Protocol.Tests.Compression;

/// <summary>FsCheck: compress → split anywhere → decompress is the identity, for every window, level, memLevel and takeover mode.</summary>
public class RoundTripPropertyTests
{
    /// <summary>A sequence of messages sent over one connection with one configuration, each received in pieces.</summary>
    public sealed record Conversation(int WindowBits, int Level, int MemoryLevel, bool ContextTakeover, byte[][] Messages, int[] PieceSizes);

    private static Gen<byte[]> Message =>
        Gen.Frequency(
            (4, Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b))),                               // incompressible
            (4, Gen.ArrayOf(Gen.Elements("{\"type\":\"chat\",", "\"room\":\"lobby\",", "\"text\":\"hello\"}", "é", "😀", " ", "0123"))
                .Select(parts => Encoding.UTF8.GetBytes(string.Concat(parts)))),                        // JSON-like text
            (1, Gen.Choose(1, 200_000).Select(n => Enumerable.Range(0, n).Select(i => (byte)(i % 7 == 0 ? i * 13 : 'a')).ToArray()))); // long, repetitive

    private static Gen<Conversation> Conversations =>
        from windowBits in Gen.Choose(PerMessageDeflate.MinCompressorWindowBits, PerMessageDeflate.MaxWindowBits)
        from level in Gen.Choose(0, 9)
        from memoryLevel in Gen.Choose(1, 9)
        from contextTakeover in Gen.Elements(true, false)
        from messages in Gen.ArrayOf(Message).Select(m => m.Take(5).ToArray())
        from pieceSizes in Gen.ArrayOf(Gen.Choose(1, 5000))
        select new Conversation(windowBits, level, memoryLevel, contextTakeover, messages, pieceSizes);

    private static bool RoundTrips(Conversation conversation, ZlibBackend backend)
    {
        using var pool = new PerMessageDeflateStreamPool(2, backend);
        using var compressor = new PerMessageDeflateCompressor(conversation.WindowBits, conversation.ContextTakeover, conversation.Level, conversation.MemoryLevel, threshold: 0, pool, skipWhenNoGain: false);
        using var decompressor = new PerMessageDeflateDecompressor(conversation.WindowBits, conversation.ContextTakeover, maxMessageSize: 1 << 20, pool);
        using var output = new PooledBufferWriter();
        int pieceIndex = 0;
        foreach (byte[] message in conversation.Messages)
        {
            byte[] compressed = new byte[PerMessageDeflateCompressor.GetMaxCompressedLength(message.Length)];
            PerMessageCompressionResult sent = compressor.Compress(message, compressed);
            if (!sent.IsCompressed)
            {
                return false;
            }

            output.Clear();
            ReadOnlySpan<byte> payload = compressed.AsSpan(0, sent.BytesWritten);
            PerMessageDecompressionResult received;
            do
            {
                int size = conversation.PieceSizes.Length == 0 ? payload.Length : Math.Min(payload.Length, conversation.PieceSizes[pieceIndex++ % conversation.PieceSizes.Length]);
                received = decompressor.Decompress(payload[..size], isEndOfMessage: size == payload.Length, output);
                payload = payload[size..];
            }
            while (received.Status == PerMessageDecompressionStatus.NeedMoreData);

            if (received.Status != PerMessageDecompressionStatus.Completed || !output.WrittenSpan.SequenceEqual(message))
            {
                return false;
            }
        }

        return true;
    }

    [Theory]
    [MemberData(nameof(CompressionTestSupport.AvailableBackends), MemberType = typeof(CompressionTestSupport))]
    public void Every_conversation_round_trips(ZlibBackend backend)
    {
        Prop.ForAll(Conversations.ToArbitrary(), c => RoundTrips(c, backend)).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void The_compressed_length_never_exceeds_the_documented_bound()
    {
        // Worst case for zlib: incompressible bytes with the smallest window and memLevel (many short blocks).
        Gen<(byte[] Message, int WindowBits, int MemoryLevel, int Level)> cases =
            from message in Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b)).Select(m => m.Concat(m).Concat(m).ToArray())
            from windowBits in Gen.Choose(9, 15)
            from memoryLevel in Gen.Choose(1, 9)
            from level in Gen.Choose(0, 9)
            select (message, windowBits, memoryLevel, level);
        using var pool = new PerMessageDeflateStreamPool(1);
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            using var compressor = new PerMessageDeflateCompressor(c.WindowBits, contextTakeover: true, c.Level, c.MemoryLevel, threshold: 0, pool);
            byte[] destination = new byte[PerMessageDeflateCompressor.GetMaxCompressedLength(c.Message.Length)];
            return compressor.Compress(c.Message, destination).IsCompressed; // throws if zlib ran out of room
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Arbitrary_bytes_never_throw_and_never_exceed_the_limit()
    {
        using var pool = new PerMessageDeflateStreamPool(2);
        Prop.ForAll(
            Gen.ArrayOf(Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b))).ToArbitrary(),
            Gen.Elements(true, false).ToArbitrary(),
            (pieces, isText) =>
            {
                using var decompressor = new PerMessageDeflateDecompressor(15, contextTakeover: true, maxMessageSize: 4096, pool);
                var output = new CountingBufferWriter();
                for (int i = 0; i < pieces.Length; i++)
                {
                    PerMessageDecompressionResult result = decompressor.Decompress(pieces[i], i == pieces.Length - 1, output, isText);
                    if (result.IsError)
                    {
                        return result.CloseCode is 1007 or 1009 && output.Committed <= 4096;
                    }
                }

                return output.Committed <= 4096;
            }).QuickCheckThrowOnFailure();
    }
}
