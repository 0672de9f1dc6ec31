using System.Buffers;
using ActorWs.Protocol.Compression.Native;
using ActorWs.Protocol.Compression.Negotiation;
using ActorWs.Protocol.Compression.Pooling;
using ActorWs.Protocol.Frames;
using ActorWs.Protocol.Text;

namespace ActorWs.Protocol.Compression;

/// <summary>
/// Inflates permessage-deflate messages (RFC 7692 §7.2.2) that arrive whole or in pieces (one per frame, or any
/// split): each piece is inflated as it comes, and at the end of the message the tail <c>00 00 ff ff</c> is
/// appended. Output goes to a caller's growable buffer (for example <see cref="Buffers.PooledBufferWriter"/>).
/// </summary>
/// <remarks>
/// <para>
/// The decompressed size is checked while inflating: output space is never offered beyond the limit plus one byte,
/// so a "zip bomb" stops with <see cref="PerMessageDecompressionStatus.MessageTooBig"/> having produced at most
/// <see cref="MaxMessageSize"/> + 1 bytes. Corrupt data yields <see cref="PerMessageDecompressionStatus.InvalidCompressedData"/>;
/// nothing on the input side throws. Text messages can be UTF-8 validated as they inflate (fail-fast).
/// </para>
/// <para>
/// Without context takeover the native stream is rented for one message and returned after it, so an idle
/// decompressor holds no native memory. After an error the decompressor keeps reporting that error: the connection
/// is being failed. A message ending in a BFINAL block (§7.2.3.4) ends the zlib stream; the next message then starts
/// with an empty window.
/// </para>
/// <para>Thread safety: not thread-safe; one connection uses it from one thread at a time. Dispose it when the connection ends.</para>
/// </remarks>
public sealed class PerMessageDeflateDecompressor : IDisposable
{
    /// <summary>The most output space requested from the buffer writer at a time.</summary>
    private const int MaxChunkLength = 64 * 1024;

    /// <summary>The least output space requested at a time (small messages need no more).</summary>
    private const int MinChunkLength = 512;

    private readonly PerMessageDeflateStreamPool _pool;
    private readonly int _inflateWindowBits;
    private ZlibStreamHandle? _stream;
    private Utf8Validator _utf8;
    private int _messageLength;
    private bool _inMessage;
    private bool _isText;
    private bool _streamEnded;
    private PerMessageDecompressionStatus _failure;
    private bool _disposed;
    private int _messageLimit;

    /// <summary>Creates a decompressor.</summary>
    /// <param name="windowBits">The peer's LZ77 window (8–15): the negotiated <c>client_max_window_bits</c> for a server.</param>
    /// <param name="contextTakeover">Whether the peer keeps its window between messages (false under <c>client_no_context_takeover</c>).</param>
    /// <param name="maxMessageSize">The largest decompressed message accepted, in bytes.</param>
    /// <param name="pool">Where native streams come from; default <see cref="PerMessageDeflateStreamPool.Shared"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of its range.</exception>
    public PerMessageDeflateDecompressor(int windowBits, bool contextTakeover, int maxMessageSize = WebSocketFrameLimits.DefaultMaxMessageSize, PerMessageDeflateStreamPool? pool = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(windowBits, PerMessageDeflate.MinWindowBits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(windowBits, PerMessageDeflate.MaxWindowBits);
        ArgumentOutOfRangeException.ThrowIfNegative(maxMessageSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxMessageSize, Array.MaxLength - 1);
        WindowBits = windowBits;
        ContextTakeover = contextTakeover;
        MaxMessageSize = maxMessageSize;
        _messageLimit = maxMessageSize;
        _pool = pool ?? PerMessageDeflateStreamPool.Shared;

        // A peer that agreed to a 256-byte window but deflates with zlib really uses 512 bytes (zlib cannot do raw 8);
        // inflating with 9 accepts both for 256 more bytes of window.
        _inflateWindowBits = Math.Max(windowBits, PerMessageDeflate.MinCompressorWindowBits);
    }

    /// <summary>The peer's LZ77 window, as negotiated.</summary>
    public int WindowBits { get; }

    /// <summary>Whether the peer's window carries over from one message to the next.</summary>
    public bool ContextTakeover { get; }

    /// <summary>The largest decompressed message accepted.</summary>
    public int MaxMessageSize { get; }

    /// <summary>
    /// The largest decompressed size allowed for the messages that start from now on, at most <see cref="MaxMessageSize"/>
    /// (its default). A server lowers it per message to bound what a compressed message may inflate to (a ratio of its
    /// compressed size, or what its memory budget can hold); past it inflation stops with
    /// <see cref="PerMessageDecompressionStatus.MessageTooBig"/>, having produced at most this + 1 bytes.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or above <see cref="MaxMessageSize"/>.</exception>
    public int MessageLimit
    {
        get => _messageLimit;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxMessageSize);
            _messageLimit = value;
        }
    }

    /// <summary>Whether a native stream is attached right now (false between messages without context takeover).</summary>
    public bool HoldsNativeStream => _stream is not null;

    /// <summary>Whether a message has started and not yet completed.</summary>
    public bool IsInMessage => _inMessage;

    /// <summary>Decompressed bytes of the current (or last completed) message so far.</summary>
    public int MessageLength => _messageLength;

    /// <summary>The decompressor a server uses for what it receives, from the negotiated parameters.</summary>
    /// <param name="parameters">The accepted offer.</param>
    /// <param name="maxMessageSize">The largest decompressed message accepted (normally the frame reader's limit).</param>
    /// <param name="pool">Where native streams come from; default <see cref="PerMessageDeflateStreamPool.Shared"/>.</param>
    /// <returns>A decompressor with the client's window and context-takeover rule.</returns>
    public static PerMessageDeflateDecompressor ForServer(PerMessageDeflateParameters parameters, int maxMessageSize = WebSocketFrameLimits.DefaultMaxMessageSize, PerMessageDeflateStreamPool? pool = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return new PerMessageDeflateDecompressor(parameters.ClientMaxWindowBits, !parameters.ClientNoContextTakeover, maxMessageSize, pool);
    }

    /// <summary>
    /// Inflates the next piece of a compressed message (the payload of one frame, or any part of it) and appends the
    /// output to <paramref name="output"/>.
    /// </summary>
    /// <param name="compressedPiece">The next compressed bytes, as received (unmasked).</param>
    /// <param name="isEndOfMessage">Whether this piece ends the message (the FIN frame's last bytes).</param>
    /// <param name="output">Receives the decompressed bytes; it is advanced by the call.</param>
    /// <param name="isText">Whether the message is text, so its inflated bytes must be UTF-8 (read on the first piece).</param>
    /// <returns>Progress, completion, or the fault and its close code.</returns>
    /// <exception cref="ObjectDisposedException">The decompressor was disposed.</exception>
    /// <exception cref="OutOfMemoryException">zlib could not allocate its state.</exception>
    public PerMessageDecompressionResult Decompress(ReadOnlySpan<byte> compressedPiece, bool isEndOfMessage, IBufferWriter<byte> output, bool isText = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_failure != PerMessageDecompressionStatus.NeedMoreData)
        {
            return new PerMessageDecompressionResult(_failure, 0);
        }

        if (!_inMessage)
        {
            _inMessage = true;
            _isText = isText;
            _messageLength = 0;
            _streamEnded = false;
            _utf8.Reset();
        }

        _stream ??= _pool.RentInflater(_inflateWindowBits);
        int written = 0;
        PerMessageDecompressionStatus status = Inflate(compressedPiece, output, ref written);
        if (status == PerMessageDecompressionStatus.NeedMoreData && isEndOfMessage)
        {
            status = Inflate(PerMessageDeflate.Tail, output, ref written); // §7.2.2
            if (status == PerMessageDecompressionStatus.NeedMoreData)
            {
                status = FinishMessage();
            }
        }

        if (status >= PerMessageDecompressionStatus.MessageTooBig)
        {
            Fail(status);
        }

        return new PerMessageDecompressionResult(status, written);
    }

    /// <summary>Returns or frees the native stream.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_stream is not null)
        {
            _pool.Return(_stream);
            _stream = null;
        }
    }

    /// <summary>Drops the window and any message in progress (benchmarks replay a recorded sequence with it).</summary>
    internal void ResetWindow()
    {
        _inMessage = false;
        _failure = PerMessageDecompressionStatus.NeedMoreData;
        if (_stream is not null)
        {
            _pool.Return(_stream);
            _stream = null;
        }
    }

    private PerMessageDecompressionStatus Inflate(ReadOnlySpan<byte> input, IBufferWriter<byte> output, ref int written)
    {
        ZlibStreamHandle stream = _stream!;
        while (!_streamEnded)
        {
            // Never offer more room than the limit allows plus one byte: one byte past the limit proves "too big".
            int allowance = _messageLimit - _messageLength + 1;
            Span<byte> space = output.GetSpan(Math.Clamp(input.Length * 4, MinChunkLength, MaxChunkLength));
            if (space.Length > allowance)
            {
                space = space[..allowance];
            }

            ZlibStep step = stream.Run(input, space, ZlibConstants.SyncFlush);
            input = input[step.Consumed..];
            if (step.Produced > 0)
            {
                Span<byte> produced = space[..step.Produced];
                if (step.Produced > _messageLimit - _messageLength)
                {
                    return PerMessageDecompressionStatus.MessageTooBig;
                }

                if (_isText && !_utf8.Append(produced))
                {
                    return PerMessageDecompressionStatus.InvalidUtf8;
                }

                output.Advance(step.Produced);
                written += step.Produced;
                _messageLength += step.Produced;
            }

            switch (step.Code)
            {
                case ZlibConstants.Ok:
                    if (input.IsEmpty && step.Produced < space.Length)
                    {
                        return PerMessageDecompressionStatus.NeedMoreData; // all input used, nothing pending
                    }

                    break; // more input, or output filled up and more may be pending
                case ZlibConstants.StreamEnd:
                    _streamEnded = true; // a BFINAL block: anything after it is ignored (§7.2.3.4)
                    break;
                case ZlibConstants.BufferError when input.IsEmpty:
                    return PerMessageDecompressionStatus.NeedMoreData; // no progress possible without more input
                case ZlibConstants.MemoryError:
                    throw new OutOfMemoryException("zlib ran out of memory while decompressing.");
                default:
                    return PerMessageDecompressionStatus.InvalidCompressedData; // data error, missing dictionary, ...
            }
        }

        return PerMessageDecompressionStatus.NeedMoreData;
    }

    private PerMessageDecompressionStatus FinishMessage()
    {
        ZlibStreamHandle stream = _stream!;

        // After the tail a well-formed message sits at a block boundary; anywhere else it was cut short.
        int dataType = stream.DataType;
        if (!_streamEnded && dataType >= 0 && (dataType & ZlibConstants.DataTypeAtBlockBoundary) == 0)
        {
            return PerMessageDecompressionStatus.InvalidCompressedData;
        }

        if (_isText && !_utf8.IsAtCharacterBoundary)
        {
            return PerMessageDecompressionStatus.InvalidUtf8;
        }

        _inMessage = false;
        if (!ContextTakeover)
        {
            _pool.Return(stream); // reset and shared: the idle connection holds nothing
            _stream = null;
        }
        else if (_streamEnded)
        {
            stream.Reset(); // a finished zlib stream accepts no more input; start the next message afresh
        }

        return PerMessageDecompressionStatus.Completed;
    }

    private void Fail(PerMessageDecompressionStatus status)
    {
        _failure = status;
        _inMessage = false;
        if (_stream is not null)
        {
            _pool.Return(_stream);
            _stream = null;
        }
    }
}
