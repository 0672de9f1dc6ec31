using System.Buffers;
using System.Numerics;
using ActorWs.Protocol.Compression.Native;
using ActorWs.Protocol.Compression.Negotiation;
using ActorWs.Protocol.Compression.Pooling;

namespace ActorWs.Protocol.Compression;

/// <summary>
/// Compresses whole WebSocket messages for permessage-deflate (RFC 7692 §7.2.1): raw DEFLATE, ended with a sync
/// flush whose empty stored block (<c>00 00 ff ff</c>) is removed from the payload.
/// </summary>
/// <remarks>
/// <para>
/// Without context takeover the native stream is rented from a <see cref="PerMessageDeflateStreamPool"/> for one
/// message and returned (reset) right after it, so an idle compressor holds no native memory
/// (<see cref="HoldsNativeStream"/> is false). With context takeover the stream, and its window, stay with the
/// compressor until <see cref="Dispose"/>; that is the memory cost the peer and the settings chose.
/// </para>
/// <para>Steady state allocates nothing managed: the payload goes straight from the caller's span to the caller's buffer.</para>
/// <para>Thread safety: not thread-safe; one connection uses it from one thread at a time. Dispose it when the connection ends.</para>
/// </remarks>
public sealed class PerMessageDeflateCompressor : IDisposable
{
    // zlib's conservative deflateBound terms (stored and fixed-Huffman worst cases) plus one sync flush.
    private const int BoundConstant = 5;
    private const int SyncFlushMaxLength = 6;
    private const int BoundSlack = 16;

    /// <summary>zlib's MIN_LOOKAHEAD: matches reach back at most the window size minus this.</summary>
    private const int ZlibMinLookahead = 258 + 3 + 1;

    /// <summary>log2 of the symbols per block zlib buffers at memLevel 1 (lit_bufsize = 2^(memLevel + 6)).</summary>
    private const int LiteralBufferLog2AtMemoryLevelZero = 6;

    private readonly PerMessageDeflateStreamPool _pool;
    private ZlibStreamHandle? _stream;
    private bool _disposed;

    /// <summary>Creates a compressor.</summary>
    /// <param name="windowBits">LZ77 window (9–15): the negotiated <c>server_max_window_bits</c> for a server.</param>
    /// <param name="contextTakeover">Whether the window is kept between messages (false under <c>server_no_context_takeover</c>).</param>
    /// <param name="compressionLevel">0 (store) to 9 (smallest).</param>
    /// <param name="memoryLevel">zlib memLevel, 1–9.</param>
    /// <param name="threshold">Messages shorter than this are not compressed (0 compresses everything).</param>
    /// <param name="pool">Where native streams come from; default <see cref="PerMessageDeflateStreamPool.Shared"/>.</param>
    /// <param name="skipWhenNoGain">
    /// Without context takeover, report <see cref="PerMessageCompressionOutcome.NoGain"/> (send the original) when the
    /// compressed payload is not shorter than the message. Ignored with context takeover.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of its range.</exception>
    public PerMessageDeflateCompressor(
        int windowBits,
        bool contextTakeover,
        int compressionLevel = PerMessageDeflate.DefaultCompressionLevel,
        int memoryLevel = PerMessageDeflate.DefaultMemoryLevel,
        int threshold = 0,
        PerMessageDeflateStreamPool? pool = null,
        bool skipWhenNoGain = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(windowBits, PerMessageDeflate.MinCompressorWindowBits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(windowBits, PerMessageDeflate.MaxWindowBits);
        ArgumentOutOfRangeException.ThrowIfLessThan(compressionLevel, PerMessageDeflate.MinCompressionLevel);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(compressionLevel, PerMessageDeflate.MaxCompressionLevel);
        ArgumentOutOfRangeException.ThrowIfLessThan(memoryLevel, PerMessageDeflate.MinMemoryLevel);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(memoryLevel, PerMessageDeflate.MaxMemoryLevel);
        ArgumentOutOfRangeException.ThrowIfNegative(threshold);
        WindowBits = windowBits;
        ContextTakeover = contextTakeover;
        CompressionLevel = compressionLevel;
        MemoryLevel = memoryLevel;
        Threshold = threshold;
        SkipsWhenNoGain = skipWhenNoGain && !contextTakeover;
        _pool = pool ?? PerMessageDeflateStreamPool.Shared;
    }

    /// <summary>The LZ77 window, as a base-2 logarithm.</summary>
    public int WindowBits { get; }

    /// <summary>Whether the window carries over from one message to the next.</summary>
    public bool ContextTakeover { get; }

    /// <summary>The zlib compression level.</summary>
    public int CompressionLevel { get; }

    /// <summary>The zlib memLevel.</summary>
    public int MemoryLevel { get; }

    /// <summary>Messages shorter than this many bytes are left uncompressed.</summary>
    public int Threshold { get; }

    /// <summary>Whether messages that would not shrink are reported as <see cref="PerMessageCompressionOutcome.NoGain"/>.</summary>
    public bool SkipsWhenNoGain { get; }

    /// <summary>Whether a native stream is attached right now (always false between messages without context takeover).</summary>
    public bool HoldsNativeStream => _stream is not null;

    /// <summary>The compressor a server uses for what it sends, from the negotiated parameters and its settings.</summary>
    /// <param name="parameters">The accepted offer.</param>
    /// <param name="settings">Level, memLevel and threshold.</param>
    /// <param name="pool">Where native streams come from; default <see cref="PerMessageDeflateStreamPool.Shared"/>.</param>
    /// <returns>A compressor with the server's window and context-takeover rule.</returns>
    public static PerMessageDeflateCompressor ForServer(PerMessageDeflateParameters parameters, PerMessageDeflateSettings settings, PerMessageDeflateStreamPool? pool = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(settings);
        return new PerMessageDeflateCompressor(
            parameters.ServerMaxWindowBits,
            !parameters.ServerNoContextTakeover,
            settings.CompressionLevel,
            settings.MemoryLevel,
            settings.Threshold,
            pool);
    }

    /// <summary>
    /// The size a destination span must have to take any compressed form of a message of
    /// <paramref name="messageLength"/> bytes: zlib's conservative bound (stored or fixed-Huffman worst case, whatever
    /// the window and memLevel) plus the sync flush.
    /// </summary>
    /// <param name="messageLength">The uncompressed length.</param>
    /// <returns>A safe destination size.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The length is negative or the bound exceeds <see cref="Array.MaxLength"/>.</exception>
    public static int GetMaxCompressedLength(int messageLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(messageLength);
        long length = messageLength;
        long bound = length + ((length + 7) >> 3) + ((length + 63) >> 6) + BoundConstant + SyncFlushMaxLength + BoundSlack;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bound, Array.MaxLength, nameof(messageLength));
        return (int)bound;
    }

    /// <summary>Compresses one whole message into <paramref name="destination"/>.</summary>
    /// <param name="message">The message payload, uncompressed.</param>
    /// <param name="destination">Where the compressed payload goes; at least <see cref="GetMaxCompressedLength"/> bytes unless the message is below the threshold.</param>
    /// <returns>Whether the message was compressed, and the payload length written.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <see cref="GetMaxCompressedLength"/>.</exception>
    /// <exception cref="ObjectDisposedException">The compressor was disposed.</exception>
    /// <exception cref="OutOfMemoryException">zlib could not allocate a stream.</exception>
    public PerMessageCompressionResult Compress(ReadOnlySpan<byte> message, Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (message.Length < Threshold)
        {
            return new PerMessageCompressionResult(PerMessageCompressionOutcome.BelowThreshold, 0);
        }

        int bound = GetMaxCompressedLength(message.Length);
        if (destination.Length < bound)
        {
            throw new ArgumentException($"The destination holds {destination.Length} bytes; {bound} are needed for a {message.Length}-byte message.", nameof(destination));
        }

        int written = message.IsEmpty ? WriteEmptyMessage(destination) : Deflate(message, destination);
        if (SkipsWhenNoGain && written >= message.Length && !message.IsEmpty)
        {
            // Without context takeover nothing of this message stays in any window, so it may go out as it is.
            return new PerMessageCompressionResult(PerMessageCompressionOutcome.NoGain, 0);
        }

        return new PerMessageCompressionResult(PerMessageCompressionOutcome.Compressed, written);
    }

    /// <summary>Compresses one whole message into a buffer writer (for example a pooled outbound frame).</summary>
    /// <param name="message">The message payload, uncompressed.</param>
    /// <param name="destination">Receives the compressed payload (advanced only when compressed).</param>
    /// <returns>Whether the message was compressed, and the payload length written.</returns>
    /// <exception cref="ObjectDisposedException">The compressor was disposed.</exception>
    /// <exception cref="OutOfMemoryException">zlib could not allocate a stream.</exception>
    public PerMessageCompressionResult Compress(ReadOnlySpan<byte> message, IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (message.Length < Threshold)
        {
            return new PerMessageCompressionResult(PerMessageCompressionOutcome.BelowThreshold, 0);
        }

        PerMessageCompressionResult result = Compress(message, destination.GetSpan(GetMaxCompressedLength(message.Length)));
        if (result.IsCompressed)
        {
            destination.Advance(result.BytesWritten);
        }

        return result;
    }

    /// <summary>Returns or frees the native stream.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        ReleaseStream();
    }

    private static int WriteEmptyMessage(Span<byte> destination)
    {
        PerMessageDeflate.EmptyMessage.CopyTo(destination);
        return PerMessageDeflate.EmptyMessage.Length;
    }

    /// <summary>
    /// Without context takeover a message is compressed alone, so a window or hash table larger than the message buys
    /// nothing, while deflateReset clears the whole hash table (128 KiB at memLevel 8) before every message. The
    /// stream rented for a short message is therefore sized to it: a window that reaches back over the whole message
    /// (never above the negotiated one, which is always safe for the peer) and a memLevel whose block buffer holds it.
    /// </summary>
    private (int WindowBits, int MemoryLevel) ShapeFor(int messageLength)
    {
        if (ContextTakeover)
        {
            return (WindowBits, MemoryLevel);
        }

        int windowLog2 = 32 - BitOperations.LeadingZeroCount((uint)(messageLength + ZlibMinLookahead - 1));
        int messageLog2 = 32 - BitOperations.LeadingZeroCount((uint)Math.Max(messageLength - 1, 1));
        return (
            Math.Clamp(windowLog2, PerMessageDeflate.MinCompressorWindowBits, WindowBits),
            Math.Clamp(messageLog2 - LiteralBufferLog2AtMemoryLevelZero, PerMessageDeflate.MinMemoryLevel, MemoryLevel));
    }

    private int Deflate(ReadOnlySpan<byte> message, Span<byte> destination)
    {
        if (_stream is null)
        {
            (int windowBits, int memoryLevel) = ShapeFor(message.Length);
            _stream = _pool.RentDeflater(CompressionLevel, windowBits, memoryLevel);
        }

        ZlibStreamHandle stream = _stream;
        int consumed = 0;
        int produced = 0;
        bool completed = false;
        try
        {
            // With a bound-sized destination one call normally does it all; the loop covers zlib stopping early.
            while (true)
            {
                ZlibStep step = stream.Run(message[consumed..], destination[produced..], ZlibConstants.SyncFlush);
                consumed += step.Consumed;
                produced += step.Produced;
                bool flushComplete = produced < destination.Length;
                if (step.Code == ZlibConstants.Ok && consumed == message.Length && flushComplete)
                {
                    break;
                }

                if ((step.Code != ZlibConstants.Ok && step.Code != ZlibConstants.BufferError) || !flushComplete || (step.Consumed == 0 && step.Produced == 0))
                {
                    throw step.Code == ZlibConstants.MemoryError
                        ? new OutOfMemoryException("zlib ran out of memory while compressing.")
                        : new InvalidOperationException($"deflate failed (code {step.Code}) after {consumed} of {message.Length} bytes.");
                }
            }

            if (produced < PerMessageDeflate.TailLength || !destination.Slice(produced - PerMessageDeflate.TailLength, PerMessageDeflate.TailLength).SequenceEqual(PerMessageDeflate.Tail))
            {
                throw new InvalidOperationException("A sync flush did not end with an empty stored block.");
            }

            completed = true;
            return produced - PerMessageDeflate.TailLength; // §7.2.1: drop 00 00 ff ff
        }
        finally
        {
            if (!completed)
            {
                // The stream's state is unknown after a failed call: free it rather than pool it. (With context takeover
                // the peer's window no longer matches ours either, so the caller must fail the connection.)
                _pool.Discard(stream);
                _stream = null;
            }
            else if (!ContextTakeover)
            {
                ReleaseStream();
            }
        }
    }

    private void ReleaseStream()
    {
        if (_stream is not null)
        {
            _pool.Return(_stream);
            _stream = null;
        }
    }
}
