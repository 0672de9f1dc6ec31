using System.Text;
using ActorWs.Protocol.Compression;
using ActorWs.Protocol.Compression.Native;
using ActorWs.Protocol.Compression.Pooling;
using Xunit;
using static ActorWs.Protocol.Tests.Compression.CompressionTestSupport;

namespace ActorWs.Protocol.Tests.Compression;

/// <summary>The worked examples of RFC 7692 §7.2.3, byte for byte.</summary>
public class Rfc7692ExampleTests
{
    private static readonly byte[] Hello = "Hello"u8.ToArray();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Hello_compresses_to_the_7_2_3_1_payload(bool contextTakeover)
    {
        using PerMessageDeflateStreamPool pool = NewPool();
        using var compressor = new PerMessageDeflateCompressor(15, contextTakeover, threshold: 0, pool: pool, skipWhenNoGain: false);

        Assert.Equal("f248cdc9c90700", ToHex(CompressToArray(compressor, Hello)));
    }

    [Fact]
    public void Second_hello_with_context_takeover_is_the_7_2_3_2_payload()
    {
        using PerMessageDeflateStreamPool pool = NewPool();
        using var compressor = new PerMessageDeflateCompressor(15, contextTakeover: true, threshold: 0, pool: pool);

        Assert.Equal("f248cdc9c90700", ToHex(CompressToArray(compressor, Hello)));
        Assert.Equal("f200110000", ToHex(CompressToArray(compressor, Hello)));
    }

    [Fact]
    public void Second_hello_without_context_takeover_repeats_the_first_payload()
    {
        using PerMessageDeflateStreamPool pool = NewPool();
        using var compressor = new PerMessageDeflateCompressor(15, contextTakeover: false, threshold: 0, pool: pool, skipWhenNoGain: false);

        Assert.Equal("f248cdc9c90700", ToHex(CompressToArray(compressor, Hello)));
        Assert.Equal("f248cdc9c90700", ToHex(CompressToArray(compressor, Hello)));
    }

    [Fact]
    public void Level_zero_produces_the_7_2_3_3_stored_block()
    {
        using PerMessageDeflateStreamPool pool = NewPool();
        using var storing = new PerMessageDeflateCompressor(15, contextTakeover: false, compressionLevel: 0, threshold: 0, pool: pool, skipWhenNoGain: false);
        using var skipping = new PerMessageDeflateCompressor(15, contextTakeover: false, compressionLevel: 0, threshold: 0, pool: pool);

        Assert.Equal("000500faff48656c6c6f00", ToHex(CompressToArray(storing, Hello)));
        Assert.Equal(new PerMessageCompressionResult(PerMessageCompressionOutcome.NoGain, 0), skipping.Compress(Hello, new byte[64])); // 11 bytes > 5
    }

    [Theory]
    [MemberData(nameof(AvailableBackends), MemberType = typeof(CompressionTestSupport))]
    public void Every_7_2_3_example_payload_inflates_to_hello(ZlibBackend backend)
    {
        string[] payloads =
        [
            "f2 48 cd c9 c9 07 00",                               // §7.2.3.1 one compressed block
            "00 05 00 fa ff 48 65 6c 6c 6f 00",                   // §7.2.3.3 one stored block
            "f3 48 cd c9 c9 07 00 00",                            // §7.2.3.4 BFINAL set
            "f2 48 05 00 00 00 ff ff ca c9 c9 07 00",             // §7.2.3.5 two blocks ("He", "llo")
            "00 00 00 ff ff f2 48 cd c9 c9 07 00",                // an empty stored block before "Hello"
        ];
        using PerMessageDeflateStreamPool pool = NewPool(backend);
        foreach (string payload in payloads)
        {
            using var decompressor = new PerMessageDeflateDecompressor(15, contextTakeover: false, pool: pool);
            (PerMessageDecompressionStatus status, byte[] output) = DecompressWhole(decompressor, Hex(payload), isText: true);
            Assert.Equal(PerMessageDecompressionStatus.Completed, status);
            Assert.Equal("Hello", Encoding.UTF8.GetString(output));
        }
    }

    [Theory]
    [MemberData(nameof(AvailableBackends), MemberType = typeof(CompressionTestSupport))]
    public void The_7_2_3_1_fragmented_message_inflates_piece_by_piece(ZlibBackend backend)
    {
        using PerMessageDeflateStreamPool pool = NewPool(backend);
        using var decompressor = new PerMessageDeflateDecompressor(15, contextTakeover: false, pool: pool);

        (PerMessageDecompressionStatus status, byte[] output) = DecompressPieces(decompressor, [Hex("f2 48 cd"), Hex("c9 c9 07 00")]);

        Assert.Equal(PerMessageDecompressionStatus.Completed, status);
        Assert.Equal(Hello, output);
    }

    [Theory]
    [MemberData(nameof(AvailableBackends), MemberType = typeof(CompressionTestSupport))]
    public void The_7_2_3_6_empty_last_fragment_completes_a_flushed_message(ZlibBackend backend)
    {
        using PerMessageDeflateStreamPool pool = NewPool(backend);
        using var decompressor = new PerMessageDeflateDecompressor(15, contextTakeover: false, pool: pool);

        // The first fragment ends with a whole sync flush; the final fragment is a lone empty stored block header.
        (PerMessageDecompressionStatus status, byte[] output) = DecompressPieces(decompressor, [Hex("f2 48 cd c9 c9 07 00 00 00 ff ff"), Hex("00")]);

        Assert.Equal(PerMessageDecompressionStatus.Completed, status);
        Assert.Equal(Hello, output);
    }

    [Theory]
    [MemberData(nameof(AvailableBackends), MemberType = typeof(CompressionTestSupport))]
    public void The_7_2_3_2_shared_window_inflates_with_context_takeover(ZlibBackend backend)
    {
        using PerMessageDeflateStreamPool pool = NewPool(backend);
        using var decompressor = new PerMessageDeflateDecompressor(15, contextTakeover: true, pool: pool);

        (PerMessageDecompressionStatus firstStatus, byte[] first) = DecompressWhole(decompressor, Hex("f2 48 cd c9 c9 07 00"));
        (PerMessageDecompressionStatus secondStatus, byte[] second) = DecompressWhole(decompressor, Hex("f2 00 11 00 00"));

        Assert.Equal((PerMessageDecompressionStatus.Completed, PerMessageDecompressionStatus.Completed), (firstStatus, secondStatus));
        Assert.Equal(Hello, first);
        Assert.Equal(Hello, second);
    }

    [Theory]
    [MemberData(nameof(AvailableBackends), MemberType = typeof(CompressionTestSupport))]
    public void The_7_2_3_2_back_reference_is_invalid_without_context_takeover(ZlibBackend backend)
    {
        using PerMessageDeflateStreamPool pool = NewPool(backend);
        using var decompressor = new PerMessageDeflateDecompressor(15, contextTakeover: false, pool: pool);

        Assert.Equal(PerMessageDecompressionStatus.Completed, DecompressWhole(decompressor, Hex("f2 48 cd c9 c9 07 00")).Status);
        Assert.Equal(PerMessageDecompressionStatus.InvalidCompressedData, DecompressWhole(decompressor, Hex("f2 00 11 00 00")).Status);
    }

    [Fact]
    public void An_empty_message_compresses_to_one_zero_byte_and_back()
    {
        using PerMessageDeflateStreamPool pool = NewPool();
        using var compressor = new PerMessageDeflateCompressor(15, contextTakeover: true, threshold: 0, pool: pool);
        using var decompressor = new PerMessageDeflateDecompressor(15, contextTakeover: true, pool: pool);

        CompressToArray(compressor, Hello);
        byte[] empty = CompressToArray(compressor, []);
        Assert.Equal("00", ToHex(empty));
        Assert.Equal("f200110000", ToHex(CompressToArray(compressor, Hello))); // the window was not disturbed

        Assert.Equal(PerMessageDecompressionStatus.Completed, DecompressWhole(decompressor, Hex("f2 48 cd c9 c9 07 00")).Status);
        (PerMessageDecompressionStatus status, byte[] output) = DecompressWhole(decompressor, empty);
        Assert.Equal(PerMessageDecompressionStatus.Completed, status);
        Assert.Empty(output);
    }
}
