using System.Text;
using ActorWs.Protocol.Compression;
using ActorWs.Protocol.Compression.Buffers;
using ActorWs.Protocol.Compression.Native;
using ActorWs.Protocol.Compression.Pooling;
using ActorWs.Protocol.Frames;
using Xunit;
using static ActorWs.Protocol.Tests.Compression.CompressionTestSupport;

namespace ActorWs.Protocol.Tests.Compression;

/// <summary>Decompressed size limits (zip bombs), corrupt data and UTF-8 of inflated text.</summary>
public class DecompressionLimitTests
{
    private const int OneMebibyte = 1 << 20;

    private static byte[] Compress(byte[] message, PerMessageDeflateStreamPool pool)
    {
        using var compressor = new PerMessageDeflateCompressor(15, contextTakeover: false, compressionLevel: 9, threshold: 0, pool: pool, skipWhenNoGain: false);
        return CompressToArray(compressor, message);
    }

    [Theory]
    [MemberData(nameof(AvailableBackends), MemberType = typeof(CompressionTestSupport))]
    public void A_zip_bomb_stops_at_the_limit_without_inflating_past_it(ZlibBackend backend)
    {
        using PerMessageDeflateStreamPool pool = NewPool(backend);
        byte[] bomb = Compress(new byte[10 * 1000 * 1000], pool);
        Assert.InRange(bomb.Length, 1, 20_000); // 10 MB of zeros deflate to about 10 KB

        using var decompressor = new PerMessageDeflateDecompressor(15, contextTakeover: false, maxMessageSize: OneMebibyte, pool: pool);
        var output = new CountingBufferWriter();
        PerMessageDecompressionResult result = decompressor.Decompress(bomb, isEndOfMessage: true, output);

        Assert.Equal(PerMessageDecompressionStatus.MessageTooBig, result.Status);
        Assert.Equal(WebSocketCloseCode.MessageTooBig, result.CloseCode);
        Assert.True(output.Committed <= OneMebibyte, $"{output.Committed} bytes committed");
        Assert.False(decompressor.HoldsNativeStream);
    }

    [Fact]
    public void A_zip_bomb_in_many_fragments_stops_at_the_limit()
    {
        using PerMessageDeflateStreamPool pool = NewPool();
        byte[] bomb = Compress(new byte[10 * 1000 * 1000], pool);
        using var decompressor = new PerMessageDeflateDecompressor(15, contextTakeover: false, maxMessageSize: OneMebibyte, pool: pool);
        var output = new CountingBufferWriter();

        PerMessageDecompressionResult result = default;
        for (int offset = 0; offset < bomb.Length; offset += 100)
        {
            int length = Math.Min(100, bomb.Length - offset);
            result = decompressor.Decompress(bomb.AsSpan(offset, length), offset + length == bomb.Length, output);
            if (result.IsError)
            {
                break;
            }
        }

        Assert.Equal(PerMessageDecompressionStatus.MessageTooBig, result.Status);
        Assert.True(output.Committed <= OneMebibyte);
    }

    [Theory]
    [InlineData(1000, 1000, PerMessageDecompressionStatus.Completed)]
    [InlineData(1001, 1000, PerMessageDecompressionStatus.MessageTooBig)]
    [InlineData(0, 0, PerMessageDecompressionStatus.Completed)]
    [InlineData(1, 0, PerMessageDecompressionStatus.MessageTooBig)]
    public void The_limit_is_exact(int messageLength, int limit, PerMessageDecompressionStatus expected)
    {
        using PerMessageDeflateStreamPool pool = NewPool();
        byte[] payload = Compress(Enumerable.Repeat((byte)'x', messageLength).ToArray(), pool);
        using var decompressor = new PerMessageDeflateDecompressor(15, contextTakeover: false, maxMessageSize: limit, pool: pool);

        Assert.Equal(expected, DecompressWhole(decompressor, payload).Status);
    }

    [Fact]
    public void The_limit_applies_per_message()
    {
        using PerMessageDeflateStreamPool pool = NewPool();
        byte[] payload = Compress(new byte[600], pool);
        using var decompressor = new PerMessageDeflateDecompressor(15, contextTakeover: false, maxMessageSize: 1000, pool: pool);

        Assert.Equal(PerMessageDecompressionStatus.Completed, DecompressWhole(decompressor, payload).Status);
        Assert.Equal(PerMessageDecompressionStatus.Completed, DecompressWhole(decompressor, payload).Status);
    }

    [Theory]
    [MemberData(nameof(AvailableBackends), MemberType = typeof(CompressionTestSupport))]
    public void Corrupt_data_is_an_error_result_and_stays_one(ZlibBackend backend)
    {
        using PerMessageDeflateStreamPool pool = NewPool(backend);
        using var decompressor = new PerMessageDeflateDecompressor(15, contextTakeover: true, pool: pool);

        (PerMessageDecompressionStatus status, _) = DecompressWhole(decompressor, Hex("ff ff ff ff"));   // reserved block type 11
        Assert.Equal(PerMessageDecompressionStatus.InvalidCompressedData, status);
        Assert.Equal(PerMessageDeflate.InvalidCompressedDataCloseCode, new PerMessageDecompressionResult(status, 0).CloseCode);

        // The connection is being failed: later messages report the same fault instead of inflating with a broken window.
        Assert.Equal(PerMessageDecompressionStatus.InvalidCompressedData, DecompressWhole(decompressor, Hex("f2 48 cd c9 c9 07 00")).Status);
        Assert.False(decompressor.HoldsNativeStream);
    }

    [Theory]
    [InlineData("01 0a 00 f5 ff 48")]       // final stored block cut short (even with the tail)
    [InlineData("00 05 00 00 00 48")]       // LEN and NLEN disagree
    [InlineData("f2 48")]                   // a fixed block cut in the middle
    public void Truncated_or_inconsistent_blocks_are_invalid(string payload)
    {
        using PerMessageDeflateStreamPool pool = NewPool();
        using var decompressor = new PerMessageDeflateDecompressor(15, contextTakeover: false, pool: pool);

        Assert.Equal(PerMessageDecompressionStatus.InvalidCompressedData, DecompressWhole(decompressor, Hex(payload)).Status);
    }

    [Fact]
    public void Inflated_text_must_be_utf8()
    {
        using PerMessageDeflateStreamPool pool = NewPool();
        using var decompressor = new PerMessageDeflateDecompressor(15, contextTakeover: false, pool: pool);
        byte[] invalid = Compress([0x48, 0xC3, 0x28, 0x48], pool); // C3 must be followed by a continuation byte

        PerMessageDecompressionResult result;
        using (var output = new PooledBufferWriter())
        {
            result = decompressor.Decompress(invalid, true, output, isText: true);
        }

        Assert.Equal(PerMessageDecompressionStatus.InvalidUtf8, result.Status);
        Assert.Equal(WebSocketCloseCode.InvalidPayloadData, result.CloseCode);
    }

    [Fact]
    public void Text_ending_inside_a_character_is_invalid_and_binary_is_not_checked()
    {
        using PerMessageDeflateStreamPool pool = NewPool();
        byte[] truncated = Compress([0x48, 0xE2, 0x82], pool); // first two bytes of €

        using var text = new PerMessageDeflateDecompressor(15, contextTakeover: false, pool: pool);
        using var binary = new PerMessageDeflateDecompressor(15, contextTakeover: false, pool: pool);
        Assert.Equal(PerMessageDecompressionStatus.InvalidUtf8, DecompressWhole(text, truncated, isText: true).Status);
        Assert.Equal(PerMessageDecompressionStatus.Completed, DecompressWhole(binary, truncated, isText: false).Status);
    }

    [Fact]
    public void Multibyte_characters_split_across_pieces_are_valid()
    {
        using PerMessageDeflateStreamPool pool = NewPool();
        byte[] message = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("€😀é", 3000)));
        byte[] payload = Compress(message, pool);
        using var decompressor = new PerMessageDeflateDecompressor(15, contextTakeover: false, pool: pool);

        (PerMessageDecompressionStatus status, byte[] output) = DecompressPieces(decompressor, payload.Chunk(3).ToArray(), isText: true);

        Assert.Equal(PerMessageDecompressionStatus.Completed, status);
        Assert.Equal(message, output);
    }
}
