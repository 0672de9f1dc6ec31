using System.Runtime.CompilerServices;
using ActorWs.Protocol.Compression;
using ActorWs.Protocol.Compression.Buffers;
using ActorWs.Protocol.Compression.Native;
using ActorWs.Protocol.Compression.Pooling;
using Xunit;
using static ActorWs.Protocol.Tests.Compression.CompressionTestSupport;

namespace ActorWs.Protocol.Tests.Compression;

/// <summary>Tests that read the process-wide native byte counter run alone.</summary>
[CollectionDefinition(nameof(NativeMemoryCollection), DisableParallelization = true)]
public sealed class NativeMemoryCollection;

/// <summary>What an idle connection holds, what a busy one holds, and that leaked streams are freed.</summary>
[Collection(nameof(NativeMemoryCollection))]
public class NativeMemoryTests
{
    private static readonly byte[] Json = System.Text.Encoding.UTF8.GetBytes(
        string.Concat(Enumerable.Range(0, 20).Select(i => $"{{\"type\":\"chat\",\"room\":\"lobby\",\"user\":\"user{i}\",\"text\":\"message number {i}\"}}")));

    private static void Exchange(PerMessageDeflateCompressor compressor, PerMessageDeflateDecompressor decompressor)
    {
        byte[] payload = CompressToArray(compressor, Json);
        using var output = new PooledBufferWriter();
        Assert.Equal(PerMessageDecompressionStatus.Completed, decompressor.Decompress(payload, true, output).Status);
        Assert.Equal(Json, output.WrittenSpan.ToArray());
    }

    [Fact]
    public void Without_context_takeover_an_idle_connection_holds_no_native_stream_or_byte()
    {
        using var pool = new PerMessageDeflateStreamPool(maxIdlePerShape: 1);
        using var compressor = new PerMessageDeflateCompressor(15, contextTakeover: false, threshold: 0, pool: pool);
        using var decompressor = new PerMessageDeflateDecompressor(15, contextTakeover: false, pool: pool);
        Exchange(compressor, decompressor); // the pool now has one reset deflater and one inflater

        long before = ZlibLibrary.TrackedNativeBytes;
        for (int i = 0; i < 10; i++)
        {
            Exchange(compressor, decompressor);
        }

        Assert.False(compressor.HoldsNativeStream);
        Assert.False(decompressor.HoldsNativeStream);
        Assert.Equal(0, pool.RentedCount);
        Assert.Equal(2, pool.IdleCount);
        Assert.Equal(before, ZlibLibrary.TrackedNativeBytes); // streams are reused, not re-created

        pool.Trim();
        Assert.Equal(0, pool.IdleCount);
        Assert.True(ZlibLibrary.TrackedNativeBytes < before);
    }

    [Fact]
    public void With_context_takeover_the_streams_stay_attached_until_dispose()
    {
        using var pool = new PerMessageDeflateStreamPool(maxIdlePerShape: 0);
        long before = ZlibLibrary.TrackedNativeBytes;
        var compressor = new PerMessageDeflateCompressor(15, contextTakeover: true, threshold: 0, pool: pool);
        var decompressor = new PerMessageDeflateDecompressor(15, contextTakeover: true, pool: pool);
        Exchange(compressor, decompressor);

        Assert.True(compressor.HoldsNativeStream);
        Assert.True(decompressor.HoldsNativeStream);
        Assert.Equal(2, pool.RentedCount);
        long held = ZlibLibrary.TrackedNativeBytes - before;

        // zlib: deflate ≈ 2^(15+2) + 2^(8+9) + ~6 KB, inflate ≈ 2^15 + ~7 KB.
        Assert.InRange(held, 256 * 1024 + 32 * 1024, 256 * 1024 + 32 * 1024 + 24 * 1024);

        compressor.Dispose();
        decompressor.Dispose();
        Assert.Equal(0, pool.RentedCount);
        Assert.Equal(before, ZlibLibrary.TrackedNativeBytes); // a pool of size 0 frees what comes back
    }

    [Theory]
    [InlineData(9, 1)]
    [InlineData(10, 4)]
    [InlineData(15, 8)]
    public void Deflate_state_follows_the_window_and_memory_level(int windowBits, int memoryLevel)
    {
        using var pool = new PerMessageDeflateStreamPool(maxIdlePerShape: 0);
        long before = ZlibLibrary.TrackedNativeBytes;
        using var compressor = new PerMessageDeflateCompressor(windowBits, contextTakeover: true, memoryLevel: memoryLevel, threshold: 0, pool: pool);
        CompressToArray(compressor, Json);

        long held = ZlibLibrary.TrackedNativeBytes - before;
        long formula = (1L << (windowBits + 2)) + (1L << (memoryLevel + 9));
        Assert.InRange(held, formula, formula + 8 * 1024);
    }

    [Fact]
    public void A_leaked_stream_is_freed_by_its_finalizer()
    {
        using var pool = new PerMessageDeflateStreamPool(maxIdlePerShape: 0);
        long before = ZlibLibrary.TrackedNativeBytes;
        LeakCompressor(pool);
        Assert.True(ZlibLibrary.TrackedNativeBytes > before);

        for (int attempt = 0; attempt < 10 && ZlibLibrary.TrackedNativeBytes != before; attempt++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        Assert.Equal(before, ZlibLibrary.TrackedNativeBytes);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void LeakCompressor(PerMessageDeflateStreamPool pool)
    {
        var compressor = new PerMessageDeflateCompressor(15, contextTakeover: true, threshold: 0, pool: pool);
        CompressToArray(compressor, Json);
    }
}
