using System.Buffers;
using System.Collections.Concurrent;
using ActorWs.Protocol.Compression;
using ActorWs.Protocol.Frames;
using Akka.Event;

namespace ActorWs.Server.Buffers;

/// <summary>
/// Bytes ready for a client's socket: one WebSocket frame (header and payload, encoded once) or a raw
/// HTTP response. A room broadcast hands the same instance to every member's connection; a reference
/// count returns it to the pool once the last connection has copied it out.
/// </summary>
/// <remarks>
/// Lifecycle: <see cref="Rent"/> → write the payload (<see cref="GetSpan"/>/<see cref="Advance"/>, as an
/// <see cref="IBufferWriter{T}"/>) → <see cref="Seal"/> → optionally <see cref="AddReferences"/> → hand to
/// connections, each of which calls <see cref="Release"/> once. Writing is single-threaded (the creator);
/// after sealing the bytes are immutable and may be read from many threads; <see cref="Release"/> is thread-safe.
/// </remarks>
internal sealed class OutboundFrame : IBufferWriter<byte>, IDeadLetterSuppression
{
    /// <summary>Room for the largest server frame header (2 + 8 bytes) in front of the payload.</summary>
    private const int HeaderReserve = WebSocketFrameLimits.MaxUnmaskedHeaderLength;

    /// <summary>Buffers up to this size stay attached to a pooled frame; larger ones go back to the array pool.</summary>
    private const int KeptBufferSize = 2048;

    /// <summary>Most frames kept in the pool.</summary>
    private const int MaxPooled = 4096;

    private static readonly ConcurrentQueue<OutboundFrame> Pool = new();
    private static int s_pooled;

    private byte[] _buffer = [];
    private int _payloadLength;
    private int _start;
    private int _end;
    private int _references;
    private CompressedVariant? _compressed;

    /// <summary>A compressed form of this frame for one set of compression settings (null frame: compression does not pay).</summary>
    private sealed record CompressedVariant(long Key, OutboundFrame? Frame);

    private OutboundFrame()
    {
    }

    /// <summary>The encoded bytes (valid once sealed, until the last release).</summary>
    public ReadOnlySpan<byte> Bytes => _buffer.AsSpan(_start, _end - _start);

    /// <summary>Length of <see cref="Bytes"/>.</summary>
    public int Length => _end - _start;

    /// <summary>The payload written so far (before sealing) or the frame's payload (after).</summary>
    public ReadOnlySpan<byte> Payload => _buffer.AsSpan(HeaderReserve, _payloadLength);

    /// <summary>Whether this is a Close frame (the connection stops sending after it).</summary>
    public bool IsClose { get; private set; }

    /// <summary>Whether this is a data message (counted in metrics and subject to the drop policy).</summary>
    public bool IsDataMessage { get; private set; }

    /// <summary>The frame's opcode (once sealed).</summary>
    public WebSocketOpcode Opcode { get; private set; }

    /// <summary>Payload length.</summary>
    public int PayloadLength => _payloadLength;

    /// <summary>
    /// Whether a session made this frame while handling a message from its client (a reply): the connection then never
    /// applies the slow-consumer policy to it, but stops reading while replies keep its backlog over the limit. Only a
    /// session's own frames are marked, never a room's broadcast (one instance shared by many connections).
    /// </summary>
    public bool IsReply { get; private set; }

    /// <summary>Marks a frame its session made while handling a client's message (see <see cref="IsReply"/>); before it is handed on.</summary>
    public void MarkReply() => IsReply = true;

    /// <summary>For a room's delivery: the room it comes from.</summary>
    public string? Room { get; private set; }

    /// <summary>For a room's delivery: how JSON-protocol sessions frame it.</summary>
    public Rooms.RoomPayload PayloadKind { get; private set; }

    /// <summary>
    /// For a room's delivery in a cluster: its position among everything the room has delivered (the room's own count,
    /// which a client hands back to resume on another node); 0 on a single node, where the session's numbering is enough.
    /// </summary>
    public long RoomPosition { get; private set; }

    /// <summary>Marks a sealed frame as a room's delivery (read by sessions that number and wrap deliveries).</summary>
    public void MarkRoomDelivery(string room, Rooms.RoomPayload kind, long position = 0)
    {
        Room = room;
        PayloadKind = kind;
        RoomPosition = position;
    }

    /// <summary>Takes a frame from the pool with room for at least <paramref name="payloadCapacity"/> payload bytes.</summary>
    public static OutboundFrame Rent(int payloadCapacity = 0)
    {
        if (!Pool.TryDequeue(out var frame))
        {
            frame = new OutboundFrame();
        }
        else
        {
            Interlocked.Decrement(ref s_pooled);
        }
        frame._references = 1;
        frame._payloadLength = 0;
        frame._start = frame._end = 0;
        frame.IsClose = false;
        frame.IsDataMessage = false;
        frame.IsReply = false;
        frame.Opcode = WebSocketOpcode.Continuation;
        frame._compressed = null;
        frame.Room = null;
        frame.PayloadKind = default;
        frame.RoomPosition = 0;
        frame.EnsureCapacity(payloadCapacity);
        return frame;
    }

    /// <summary>
    /// A frame whose payload <paramref name="write"/> writes (not sealed yet). If <paramref name="write"/> throws, the
    /// frame goes back to the pool and the exception propagates.
    /// </summary>
    public static OutboundFrame Write<TState>(TState state, Action<IBufferWriter<byte>, TState> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var frame = Rent();
        try
        {
            write(frame, state);
        }
        catch
        {
            frame.Release();
            throw;
        }
        return frame;
    }

    /// <summary>A frame holding <paramref name="payload"/> as a complete message or control frame of <paramref name="opcode"/>.</summary>
    public static OutboundFrame Create(WebSocketOpcode opcode, ReadOnlySpan<byte> payload)
    {
        var frame = Rent(payload.Length);
        payload.CopyTo(frame._buffer.AsSpan(HeaderReserve));
        frame._payloadLength = payload.Length;
        frame.Seal(opcode);
        return frame;
    }

    /// <summary>
    /// A sealed frame holding a complete, unmasked server frame encoded elsewhere (<see cref="Bytes"/> of a frame on
    /// another node): the bytes are copied as they are, header included, so the frame is not encoded again.
    /// </summary>
    /// <exception cref="ArgumentException">The bytes are not one whole unmasked frame.</exception>
    public static OutboundFrame FromEncoded(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length < 2 || (encoded[1] & 0x80) != 0) throw new ArgumentException("not an unmasked WebSocket frame", nameof(encoded));
        int headerLength = (encoded[1] & 0x7F) switch { 126 => 4, 127 => 10, _ => 2 };
        int payloadLength = encoded.Length - headerLength;
        if (payloadLength < 0 || WebSocketFrameWriter.GetHeaderLength(payloadLength) != headerLength)
            throw new ArgumentException("the frame's header does not match its length", nameof(encoded));
        var frame = Rent(payloadLength);
        frame._start = HeaderReserve - headerLength;
        encoded.CopyTo(frame._buffer.AsSpan(frame._start));
        frame._payloadLength = payloadLength;
        frame._end = HeaderReserve + payloadLength;
        var opcode = (WebSocketOpcode)(encoded[0] & 0x0F);
        frame.Opcode = opcode;
        frame.IsDataMessage = opcode is WebSocketOpcode.Text or WebSocketOpcode.Binary;
        frame.IsClose = opcode == WebSocketOpcode.Close;
        return frame;
    }

    /// <summary>A frame holding raw bytes with no WebSocket header (an HTTP response).</summary>
    public static OutboundFrame CreateRaw(ReadOnlySpan<byte> bytes)
    {
        var frame = Rent(bytes.Length);
        bytes.CopyTo(frame._buffer.AsSpan(HeaderReserve));
        frame._payloadLength = bytes.Length;
        frame._start = HeaderReserve;
        frame._end = HeaderReserve + bytes.Length;
        return frame;
    }

    /// <summary>A Close frame with a status code and reason (truncated to fit the control-frame limit).</summary>
    public static OutboundFrame CreateClose(ushort code, string reason)
    {
        var frame = Rent(WebSocketFrameLimits.MaxControlPayloadLength);
        int written = WebSocketFrameWriter.WriteCloseFrame(frame._buffer.AsSpan(HeaderReserve - WebSocketFrameLimits.BaseHeaderLength), code, reason);
        frame._start = HeaderReserve - WebSocketFrameLimits.BaseHeaderLength;
        frame._end = frame._start + written;
        frame._payloadLength = written - WebSocketFrameLimits.BaseHeaderLength;
        frame.IsClose = true;
        return frame;
    }

    private void EnsureCapacity(int payloadCapacity)
    {
        int needed = HeaderReserve + payloadCapacity;
        if (_buffer.Length >= needed) return;
        var grown = LargeBufferPool.Instance.Rent(Math.Max(needed, 256));
        if (_buffer.Length > 0)
        {
            _buffer.AsSpan(HeaderReserve, _payloadLength).CopyTo(grown.AsSpan(HeaderReserve));
            LargeBufferPool.Instance.Return(_buffer);
        }
        _buffer = grown;
    }

    /// <inheritdoc />
    public void Advance(int count) => _payloadLength += count;

    /// <inheritdoc />
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        EnsureCapacity(_payloadLength + Math.Max(sizeHint, 256));
        return _buffer.AsMemory(HeaderReserve + _payloadLength);
    }

    /// <inheritdoc />
    public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

    /// <summary>Writes the header in front of the payload written so far; the frame is then immutable.</summary>
    public void Seal(WebSocketOpcode opcode, bool rsv1 = false)
    {
        int headerLength = WebSocketFrameWriter.GetHeaderLength(_payloadLength);
        _start = HeaderReserve - headerLength;
        WebSocketFrameWriter.WriteHeader(_buffer.AsSpan(_start, headerLength), opcode, fin: true, _payloadLength, rsv1);
        _end = HeaderReserve + _payloadLength;
        Opcode = opcode;
        IsDataMessage = opcode is WebSocketOpcode.Text or WebSocketOpcode.Binary;
        IsClose = opcode == WebSocketOpcode.Close;
    }

    /// <summary>
    /// This data frame compressed with <paramref name="compressor"/> (RSV1 set), or null when compressing does not
    /// pay. With stateless compressors (no context takeover) the result depends only on the payload and
    /// <paramref name="settingsKey"/>, so it is made once and shared by every connection with the same key: a
    /// broadcast to a thousand compressing members compresses once. The caller owns one reference of the result.
    /// </summary>
    public OutboundFrame? GetCompressed(PerMessageDeflateCompressor compressor, long settingsKey, bool shareable)
    {
        if (shareable && Volatile.Read(ref _compressed) is { } cached && cached.Key == settingsKey)
        {
            cached.Frame?.AddReferences(1);
            return cached.Frame;
        }
        var variant = Rent(PerMessageDeflateCompressor.GetMaxCompressedLength(_payloadLength));
        var result = compressor.Compress(Payload, variant);
        if (result.IsCompressed)
        {
            variant.Seal(Opcode, rsv1: true);
        }
        else
        {
            variant.Release();
            variant = null;
        }
        if (shareable && Interlocked.CompareExchange(ref _compressed, new CompressedVariant(settingsKey, variant), null) is null)
            variant?.AddReferences(1); // the cache's own reference, given back when this frame is recycled
        return variant;
    }

    /// <summary>Adds <paramref name="count"/> holders (one per further connection it is handed to).</summary>
    public void AddReferences(int count) => Interlocked.Add(ref _references, count);

    /// <summary>One holder is done with it; the last returns it to the pool.</summary>
    public void Release()
    {
        int left = Interlocked.Decrement(ref _references);
        if (left > 0) return;
        if (left < 0) throw new InvalidOperationException("OutboundFrame released more often than referenced.");
        if (_compressed is { Frame: { } variant })
        {
            _compressed = null;
            variant.Release();
        }
        _compressed = null;
        if (_buffer.Length > KeptBufferSize)
        {
            LargeBufferPool.Instance.Return(_buffer);
            _buffer = [];
        }
        if (Interlocked.Increment(ref s_pooled) <= MaxPooled)
        {
            Pool.Enqueue(this);
        }
        else
        {
            Interlocked.Decrement(ref s_pooled);
            if (_buffer.Length > 0) LargeBufferPool.Instance.Return(_buffer);
            _buffer = [];
        }
    }
}
