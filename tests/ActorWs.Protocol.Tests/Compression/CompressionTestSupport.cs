using System.Buffers;
using ActorWs.Protocol.Compression;
using ActorWs.Protocol.Compression.Buffers;
using ActorWs.Protocol.Compression.Native;
using ActorWs.Protocol.Compression.Pooling;
using Xunit;

namespace ActorWs.Protocol.Tests.Compression;

/// <summary>Helpers shared by the permessage-deflate tests.</summary>
internal static class CompressionTestSupport
{
    /// <summary>Backends present on this machine, for theories.</summary>
    public static TheoryData<ZlibBackend> AvailableBackends()
    {
        var data = new TheoryData<ZlibBackend>();
        foreach (ZlibBackend backend in Enum.GetValues<ZlibBackend>())
        {
            if (ZlibLibrary.IsAvailable(backend))
            {
                data.Add(backend);
            }
        }

        return data;
    }

    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", string.Empty));

    public static string ToHex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes).ToLowerInvariant();

    public static PerMessageDeflateStreamPool NewPool(ZlibBackend backend = ZlibBackend.SystemZlib) => new(maxIdlePerShape: 4, backend);

    /// <summary>Compresses with a fresh span of the documented bound and returns the payload bytes.</summary>
    public static byte[] CompressToArray(PerMessageDeflateCompressor compressor, ReadOnlySpan<byte> message)
    {
        var destination = new byte[PerMessageDeflateCompressor.GetMaxCompressedLength(message.Length)];
        PerMessageCompressionResult result = compressor.Compress(message, destination);
        Assert.Equal(PerMessageCompressionOutcome.Compressed, result.Outcome);
        return destination.AsSpan(0, result.BytesWritten).ToArray();
    }

    /// <summary>Inflates one whole message; returns the status and the output.</summary>
    public static (PerMessageDecompressionStatus Status, byte[] Output) DecompressWhole(PerMessageDeflateDecompressor decompressor, ReadOnlySpan<byte> payload, bool isText = false)
    {
        using var output = new PooledBufferWriter();
        PerMessageDecompressionResult result = decompressor.Decompress(payload, isEndOfMessage: true, output, isText);
        return (result.Status, output.WrittenSpan.ToArray());
    }

    /// <summary>Inflates a message given as pieces.</summary>
    public static (PerMessageDecompressionStatus Status, byte[] Output) DecompressPieces(PerMessageDeflateDecompressor decompressor, IReadOnlyList<byte[]> pieces, bool isText = false)
    {
        using var output = new PooledBufferWriter();
        PerMessageDecompressionStatus status = PerMessageDecompressionStatus.NeedMoreData;
        for (int i = 0; i < pieces.Count; i++)
        {
            bool last = i == pieces.Count - 1;
            PerMessageDecompressionResult result = decompressor.Decompress(pieces[i], last, output, isText);
            status = result.Status;
            if (result.IsError || (!last && status != PerMessageDecompressionStatus.NeedMoreData))
            {
                break;
            }
        }

        return (status, output.WrittenSpan.ToArray());
    }
}

/// <summary>An <see cref="IBufferWriter{T}"/> that counts what it hands out and what is committed.</summary>
internal sealed class CountingBufferWriter : IBufferWriter<byte>
{
    private readonly ArrayBufferWriter<byte> _inner = new();

    public long Committed { get; private set; }

    public long LargestSpanHandedOut { get; private set; }

    public ReadOnlySpan<byte> WrittenSpan => _inner.WrittenSpan;

    public void Advance(int count)
    {
        Committed += count;
        _inner.Advance(count);
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Memory<byte> memory = _inner.GetMemory(sizeHint);
        LargestSpanHandedOut = Math.Max(LargestSpanHandedOut, memory.Length);
        return memory;
    }

    public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;
}
