using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;

namespace ActorWs.Server.Messaging;

/// <summary>
/// One whole message received from a client, handed to its session's handler.
/// </summary>
/// <remarks>
/// The message is pooled: it is valid only during the handler call it is passed to, after which its
/// bytes are reused for another message. To keep the content, copy it (<see cref="ToArray"/>,
/// <see cref="GetText"/>). Thread-safety: read it only on the thread running the handler.
/// </remarks>
public sealed class WebSocketMessage
{
    private const int KeptBufferSize = 4096;
    private const int MaxPooled = 4096;
    private static readonly ConcurrentQueue<WebSocketMessage> Pool = new();
    private static int s_pooled;

    /// <summary>
    /// One recycled message per thread, taken before the shared pool: a message handled on the thread that received it
    /// (an ordinary route's session runs in its connection actor) goes back and forth without touching the shared pool.
    /// </summary>
    [ThreadStatic]
    private static WebSocketMessage? t_spare;

    private byte[] _buffer = [];
    private int _length;
    private IInboundFlow? _flow;
    private bool _detached;

    /// <summary>The memory budget account charged for this message while it waits for its session (large messages only).</summary>
    private Buffers.MemoryBudgetHolder? _holder;
    private int _charged;

    /// <summary>
    /// What a session's handler tagged this message with when sending it to a room, asking to hear whether the room
    /// took it (<see cref="Rooms.RoomMessageAccepted"/> or <see cref="Rooms.RoomMessageRejected"/> with the tag); null
    /// for untagged messages, which the room answers only with a refusal. Cleared when the message is recycled.
    /// </summary>
    internal object? RoomTag;

    private WebSocketMessage()
    {
    }

    /// <summary>Text or binary.</summary>
    public WebSocketMessageType Type { get; private set; }

    /// <summary>The payload bytes.</summary>
    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, _length);

    /// <summary>The payload bytes as memory (valid as long as <see cref="Span"/>).</summary>
    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, _length);

    /// <summary>Payload length in bytes.</summary>
    public int Length => _length;

    /// <summary>Decodes a text message (allocates a string).</summary>
    public string GetText() => Encoding.UTF8.GetString(Span);

    /// <summary>Copies the payload.</summary>
    public byte[] ToArray() => Span.ToArray();

    /// <summary>Creates a detached message (for embedders: sending to rooms, the output of a Flow route, tests); never recycled, so it stays valid.</summary>
    public static WebSocketMessage FromBytes(ReadOnlySpan<byte> payload, WebSocketMessageType type) =>
        new() { _buffer = payload.ToArray(), _length = payload.Length, Type = type, _detached = true };

    /// <summary>Creates a detached text message.</summary>
    public static WebSocketMessage FromText(string text) => FromBytes(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text);

    internal static WebSocketMessage Rent(ReadOnlySpan<byte> payload, WebSocketMessageType type, IInboundFlow? flow)
    {
        var message = t_spare;
        if (message is not null)
        {
            t_spare = null;
        }
        else if (!Pool.TryDequeue(out message))
        {
            message = new WebSocketMessage();
        }
        else
        {
            Interlocked.Decrement(ref s_pooled);
        }
        if (message._buffer.Length < payload.Length)
        {
            if (message._buffer.Length > 0) Buffers.LargeBufferPool.Instance.Return(message._buffer);
            message._buffer = Buffers.LargeBufferPool.Instance.Rent(Math.Max(payload.Length, 64));
        }
        payload.CopyTo(message._buffer);
        message._length = payload.Length;
        message.Type = type;
        message._flow = flow;
        return message;
    }

    /// <summary>
    /// A copy that stays valid for as long as anyone holds it (never recycled), and that takes over this message's place
    /// in its connection's backpressure: the connection counts it as waiting until the copy is released.
    /// </summary>
    internal WebSocketMessage Detach()
    {
        var copy = new WebSocketMessage { _buffer = Span.ToArray(), _length = _length, Type = Type, _flow = _flow, _detached = true, _holder = _holder, _charged = _charged };
        _flow = null;
        _holder = null;
        _charged = 0;
        return copy;
    }

    /// <summary>Records that <paramref name="bytes"/> of <paramref name="holder"/>'s budget are held for this message until it is released.</summary>
    internal void HoldCharge(Buffers.MemoryBudgetHolder holder, int bytes)
    {
        _holder = holder;
        _charged = bytes;
    }

    private void RefundCharge()
    {
        var holder = _holder;
        if (holder is null) return;
        _holder = null;
        holder.Refund(_charged);
        _charged = 0;
    }

    /// <summary>
    /// The handler is done: tell the connection (for backpressure) and recycle the message (a detached one is not recycled).
    /// </summary>
    internal void Release()
    {
        RefundCharge();
        if (_detached)
        {
            var detachedFlow = _flow;
            _flow = null;
            detachedFlow?.MessageHandled();
            return;
        }
        var flow = _flow;
        _flow = null;
        RoomTag = null;
        _length = 0;
        if (_buffer.Length > KeptBufferSize)
        {
            Buffers.LargeBufferPool.Instance.Return(_buffer);
            _buffer = [];
        }
        if (t_spare is null) t_spare = this;
        else if (Interlocked.Increment(ref s_pooled) <= MaxPooled) Pool.Enqueue(this);
        else Interlocked.Decrement(ref s_pooled);
        flow?.MessageHandled();
    }
}

/// <summary>Backpressure from a session to its connection: called once per message when its handler is done.</summary>
/// <remarks>Called on the session's thread; implementations only touch atomics and may Tell.</remarks>
internal interface IInboundFlow
{
    void MessageHandled();
}
