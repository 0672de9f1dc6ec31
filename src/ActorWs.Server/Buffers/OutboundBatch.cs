using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Event;

namespace ActorWs.Server.Buffers;

/// <summary>
/// Several broadcasts of one room turn, handed to each member's connection as a single message, so that the
/// connection copies them into its write buffer in one turn and sends them with one system call instead of one
/// per message. Each entry may name a connection that must skip it (the <c>except</c> of a broadcast).
/// </summary>
/// <remarks>
/// Why: on a busy room most of the server's time is the kernel's per-send cost, and a room turn often broadcasts
/// several messages to the same members. Lifecycle: <see cref="Rent"/> by the room actor → <see cref="Add"/> frames
/// (each already holding one reference per receiving connection) → <see cref="AddReferences"/> → told to every
/// connection, each of which calls <see cref="Release"/> once after taking its frames. Filling is single-threaded
/// (the room actor); after it is told, the batch is read-only and may be read from many threads.
/// </remarks>
internal sealed class OutboundBatch : IDeadLetterSuppression
{
    /// <summary>Most frames in one batch; a fuller turn sends several batches.</summary>
    public const int MaxFrames = 32;

    /// <summary>Most batches kept in the pool.</summary>
    private const int MaxPooled = 256;

    private static readonly ConcurrentQueue<OutboundBatch> Pool = new();
    private static int s_pooled;

    private readonly OutboundFrame[] _frames = new OutboundFrame[MaxFrames];
    private readonly IActorRef?[] _skippedBy = new IActorRef?[MaxFrames];
    private int _count;
    private int _references;

    private OutboundBatch()
    {
    }

    /// <summary>Frames in the batch.</summary>
    public int Count => _count;

    /// <summary>Whether no more frames fit.</summary>
    public bool IsFull => _count == MaxFrames;

    /// <summary>Takes an empty batch from the pool, holding one reference.</summary>
    public static OutboundBatch Rent()
    {
        if (Pool.TryDequeue(out var batch)) Interlocked.Decrement(ref s_pooled);
        else batch = new OutboundBatch();
        batch._references = 1;
        return batch;
    }

    /// <summary>Appends <paramref name="frame"/>, which <paramref name="skippedBy"/> (a connection, or null) must not send.</summary>
    public void Add(OutboundFrame frame, IActorRef? skippedBy)
    {
        _frames[_count] = frame;
        _skippedBy[_count] = skippedBy;
        _count++;
    }

    /// <summary>The frame at <paramref name="index"/>.</summary>
    public OutboundFrame FrameAt(int index) => _frames[index];

    /// <summary>Whether <paramref name="connection"/> must skip the frame at <paramref name="index"/> (it holds no reference of it).</summary>
    public bool IsSkippedBy(int index, IActorRef connection) => ReferenceEquals(_skippedBy[index], connection);

    /// <summary>Adds <paramref name="count"/> references (one per further connection the batch is told to).</summary>
    public void AddReferences(int count) => Interlocked.Add(ref _references, count);

    /// <summary>Gives back one reference; the last one returns the batch to the pool (not its frames: each connection released those it took).</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _references) != 0) return;
        Array.Clear(_frames, 0, _count);
        Array.Clear(_skippedBy, 0, _count);
        _count = 0;
        if (Interlocked.Increment(ref s_pooled) <= MaxPooled) Pool.Enqueue(this);
        else Interlocked.Decrement(ref s_pooled);
    }
}
