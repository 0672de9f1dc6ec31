using System.Buffers;
using ActorWs.Protocol.Compression;
using ActorWs.Protocol.Compression.Buffers;
using ActorWs.Protocol.Compression.Negotiation;
using ActorWs.Protocol.Compression.Pooling;
using Xunit;
using static ActorWs.Protocol.Tests.Compression.CompressionTestSupport;

namespace ActorWs.Protocol.Tests.Compression;

/// <summary>The compressor's contract: threshold, no-gain fallback, destinations, factories.</summary>
public class CompressorTests
{
    private static readonly byte[] Json = System.Text.Encoding.UTF8.GetBytes(
        string.Concat(Enumerable.Range(0, 10).Select(i => $"{{\"type\":\"chat\",\"text\":\"message {i}\"}}")));

    [Fact]
    public void Messages_below_the_threshold_are_left_alone()
    {
        using PerMessageDeflateStreamPool pool = NewPool();
        using var compressor = new PerMessageDeflateCompressor(15, contextTakeover: true, threshold: 100, pool: pool);
        var destination = new ArrayBufferWriter<byte>();

        Assert.Equal(new PerMessageCompressionResult(PerMessageCompressionOutcome.BelowThreshold, 0), compressor.Compress(Json.AsSpan(0, 99), destination));
        Assert.Equal(0, destination.WrittenCount);
        Assert.False(compressor.HoldsNativeStream);
        Assert.True(compressor.Compress(Json.AsSpan(0, 100), destination).IsCompressed);
    }

    [Fact]
    public void Incompressible_messages_go_out_as_they_are_without_context_takeover()
    {
        using PerMessageDeflateStreamPool pool = NewPool();
        byte[] random = new byte[1000];
        new Random(7).NextBytes(random);
        using var resetting = new PerMessageDeflateCompressor(15, contextTakeover: false, pool: pool);
        using var keeping = new PerMessageDeflateCompressor(15, contextTakeover: true, pool: pool);
        var destination = new ArrayBufferWriter<byte>();

        Assert.Equal(PerMessageCompressionOutcome.NoGain, resetting.Compress(random, destination).Outcome);
        Assert.Equal(0, destination.WrittenCount);
        Assert.True(keeping.Compress(random, destination).IsCompressed); // its window has seen the bytes: they must go out compressed
        Assert.True(destination.WrittenCount > random.Length);
    }

    [Fact]
    public void The_buffer_writer_receives_exactly_the_span_result()
    {
        using PerMessageDeflateStreamPool pool = NewPool();
        using var first = new PerMessageDeflateCompressor(12, contextTakeover: false, pool: pool);
        using var second = new PerMessageDeflateCompressor(12, contextTakeover: false, pool: pool);
        using var writer = new PooledBufferWriter();

        PerMessageCompressionResult result = first.Compress(Json, writer);

        Assert.True(result.IsCompressed);
        Assert.Equal(CompressToArray(second, Json), writer.WrittenSpan.ToArray());
        Assert.True(result.BytesWritten < Json.Length / 3);
    }

    [Fact]
    public void A_short_destination_is_refused_before_any_work()
    {
        using PerMessageDeflateStreamPool pool = NewPool();
        using var compressor = new PerMessageDeflateCompressor(15, contextTakeover: true, pool: pool);

        Assert.Throws<ArgumentException>(() => compressor.Compress(Json, new byte[PerMessageDeflateCompressor.GetMaxCompressedLength(Json.Length) - 1]));
        Assert.False(compressor.HoldsNativeStream);
    }

    [Fact]
    public void A_disposed_compressor_refuses_work()
    {
        var compressor = new PerMessageDeflateCompressor(15, contextTakeover: true, pool: NewPool());
        compressor.Dispose();

        Assert.Throws<ObjectDisposedException>(() => compressor.Compress(Json, new byte[1000]));
    }

    [Theory]
    [InlineData(8, 8, 6)]
    [InlineData(16, 8, 6)]
    [InlineData(15, 0, 6)]
    [InlineData(15, 10, 6)]
    [InlineData(15, 8, 10)]
    public void Constructor_rejects_values_zlib_cannot_use(int windowBits, int memoryLevel, int level)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PerMessageDeflateCompressor(windowBits, true, level, memoryLevel));
    }

    [Fact]
    public void Server_factories_follow_the_negotiated_parameters()
    {
        var parameters = new PerMessageDeflateParameters(ServerNoContextTakeover: true, ClientNoContextTakeover: false, ServerMaxWindowBits: 11, ClientMaxWindowBits: 10);
        var settings = new PerMessageDeflateSettings { CompressionLevel = 3, MemoryLevel = 5, Threshold = 64 };

        using var compressor = PerMessageDeflateCompressor.ForServer(parameters, settings);
        using var decompressor = PerMessageDeflateDecompressor.ForServer(parameters, maxMessageSize: 4096);

        Assert.Equal((11, false, 3, 5, 64), (compressor.WindowBits, compressor.ContextTakeover, compressor.CompressionLevel, compressor.MemoryLevel, compressor.Threshold));
        Assert.Equal((10, true, 4096), (decompressor.WindowBits, decompressor.ContextTakeover, decompressor.MaxMessageSize));
    }

    [Fact]
    public void Pooled_buffer_writer_grows_keeps_content_and_releases()
    {
        using var writer = new PooledBufferWriter();
        for (int i = 0; i < 1000; i++)
        {
            writer.GetSpan(3)[..3].Fill((byte)i);
            writer.Advance(3);
        }

        Assert.Equal(3000, writer.WrittenCount);
        Assert.Equal(unchecked((byte)999), writer.WrittenSpan[^1]);
        Assert.Equal(unchecked((byte)500), writer.WrittenSpan[1500]);
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Advance(writer.Capacity));
        writer.ReleaseBuffer();
        Assert.Equal((0, 0), (writer.WrittenCount, writer.Capacity));
    }
}
