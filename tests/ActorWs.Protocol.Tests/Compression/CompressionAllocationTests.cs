using ActorWs.Protocol.Compression;
using ActorWs.Protocol.Compression.Buffers;
using ActorWs.Protocol.Compression.Pooling;
using Xunit;

namespace ActorWs.Protocol.Tests.Compression;

/// <summary>Steady-state compression and decompression allocate no managed memory (measured in bytes, not time).</summary>
public class CompressionAllocationTests
{
    private static readonly byte[] Json = System.Text.Encoding.UTF8.GetBytes(
        string.Concat(Enumerable.Range(0, 30).Select(i => $"{{\"type\":\"chat\",\"room\":\"lobby\",\"user\":\"user{i}\",\"text\":\"message {i}\"}}")));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Compressing_and_inflating_a_message_allocates_nothing(bool contextTakeover)
    {
        using var pool = new PerMessageDeflateStreamPool(maxIdlePerShape: 2);
        using var compressor = new PerMessageDeflateCompressor(15, contextTakeover, threshold: 0, pool: pool);
        using var decompressor = new PerMessageDeflateDecompressor(15, contextTakeover, pool: pool);
        using var output = new PooledBufferWriter();
        byte[] compressed = new byte[PerMessageDeflateCompressor.GetMaxCompressedLength(Json.Length)];

        bool allCompleted = true;
        long allocated = 0;
        for (int round = 0; round < 2; round++) // round 0 warms up pools, JIT and the output buffer
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 50; i++)
            {
                PerMessageCompressionResult sent = compressor.Compress(Json, compressed);
                output.Clear();
                PerMessageDecompressionResult received = decompressor.Decompress(compressed.AsSpan(0, sent.BytesWritten), true, output, isText: true);
                allCompleted &= received.Status == PerMessageDecompressionStatus.Completed && output.WrittenCount == Json.Length;
            }

            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Assert.True(allCompleted);
        Assert.Equal(0, allocated);
    }
}
