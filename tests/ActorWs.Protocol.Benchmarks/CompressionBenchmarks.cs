using ActorWs.Protocol.Compression;
using ActorWs.Protocol.Compression.Buffers;
using ActorWs.Protocol.Compression.Pooling;
using BenchmarkDotNet.Attributes;

namespace ActorWs.Protocol.Benchmarks;

/// <summary>
/// permessage-deflate on JSON chat messages of about 1 KiB and 16 KiB, with and without context takeover, at the
/// default level (6) and the fastest (1). Each operation is one message, in steady state (pooled streams, reused buffers).
/// </summary>
/// <remarks>
/// With context takeover every compress call continues the same stream, so consecutive messages differ in content to
/// avoid measuring a perfect back-reference; decompression replays a fixed compressed message through a
/// no-context-takeover inflater (or, with takeover, a sequence compressed once in setup, replayed from an empty window every 256 messages).
/// </remarks>
[MemoryDiagnoser]
public class CompressionBenchmarks
{
    /// <summary>
    /// Distinct messages cycled through: 256 KiB or more of JSON, far more than a 32 KiB window, so context takeover
    /// meets only the partial repetition real chat has (with few variants whole messages would repeat from the window).
    /// </summary>
    private const int MessageVariants = 256;

    private byte[][] _messages = [];
    private byte[] _destination = [];
    private byte[][] _compressedSequence = [];
    private PerMessageDeflateStreamPool _pool = null!;
    private PerMessageDeflateCompressor _compressor = null!;
    private PerMessageDeflateDecompressor _decompressor = null!;
    private PooledBufferWriter _output = null!;
    private int _next;

    /// <summary>Message length in bytes.</summary>
    [Params(1024, 16 * 1024)]
    public int Size { get; set; }

    /// <summary>Whether both sides keep their window between messages.</summary>
    [Params(false, true)]
    public bool ContextTakeover { get; set; }

    /// <summary>zlib level.</summary>
    [Params(1, 6)]
    public int Level { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _messages = [.. Enumerable.Range(0, MessageVariants).Select(seed => ChatMessages.Build(Size, seed))];
        _destination = new byte[PerMessageDeflateCompressor.GetMaxCompressedLength(_messages.Max(m => m.Length))];
        _pool = new PerMessageDeflateStreamPool();
        _compressor = new PerMessageDeflateCompressor(15, ContextTakeover, Level, threshold: 0, pool: _pool);
        _decompressor = new PerMessageDeflateDecompressor(15, ContextTakeover, pool: _pool);
        _output = new PooledBufferWriter();

        // A compressed sequence the inflater can replay: with takeover it must be decoded in this order from a fresh window.
        using var sequenceCompressor = new PerMessageDeflateCompressor(15, ContextTakeover, Level, threshold: 0, pool: _pool, skipWhenNoGain: false);
        _compressedSequence = [.. _messages.Select(m =>
        {
            var buffer = new byte[PerMessageDeflateCompressor.GetMaxCompressedLength(m.Length)];
            int written = sequenceCompressor.Compress(m, buffer).BytesWritten;
            return buffer[..written];
        })];
        Console.WriteLine($"// Size {Size}, takeover {ContextTakeover}, level {Level}: {_messages.Sum(m => m.Length)} bytes -> {_compressedSequence.Sum(c => c.Length)} bytes");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _compressor.Dispose();
        _decompressor.Dispose();
        _output.Dispose();
        _pool.Dispose();
    }

    [Benchmark]
    public int Compress()
    {
        byte[] message = _messages[_next++ % MessageVariants];
        return _compressor.Compress(message, _destination).BytesWritten;
    }

    [Benchmark]
    public int Decompress()
    {
        int index = _next++ % MessageVariants;
        if (index == 0 && ContextTakeover)
        {
            _decompressor.ResetWindow(); // replay the sequence from an empty window, as it was compressed
        }

        _output.Clear();
        return _decompressor.Decompress(_compressedSequence[index], isEndOfMessage: true, _output).BytesWritten;
    }
}
