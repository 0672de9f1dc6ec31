using System.Runtime.CompilerServices;
using Akka.Actor;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

namespace ActorWs.Server.Dispatch;

/// <summary>
/// An unbounded message queue that holds no buffer while it is empty: messages live in pooled segments,
/// the first of which is taken when a message arrives and given back when the last one is dequeued.
/// </summary>
/// <remarks>
/// <para>
/// Why: a server holds one actor per connection, and most connections are idle most of the time. Akka.NET's
/// default queue keeps a <see cref="System.Collections.Concurrent.ConcurrentQueue{T}"/> segment per actor for
/// its whole life (about a kilobyte, measured); this one costs its object alone (64 bytes) while empty.
/// </para>
/// <para>
/// Thread-safety: any number of producers (<see cref="Enqueue"/>) and the actor's mailbox run as the single
/// consumer (<see cref="TryDequeue"/>, <see cref="CleanUp"/>). Both sides take a short spin lock (a few stores;
/// no user code runs under it). <see cref="HasMessages"/> and <see cref="Count"/> read a counter written under
/// the lock and need none; the lock's release is a full fence, so a producer's enqueue is visible before it
/// asks the dispatcher to schedule the mailbox, which is what rules out a lost wake-up.
/// </para>
/// <para>
/// A queue that outgrows its first segment (more than <see cref="MessageSegment.InitialCapacity"/> messages
/// waiting) tells <see cref="MailboxDepths"/>, so the busiest mailboxes can be reported without visiting idle
/// actors; an actor that keeps up never pays for that.
/// </para>
/// </remarks>
public sealed class LeanMessageQueue : IMessageQueue, IUnboundedMessageQueueSemantics
{
    private readonly IActorRef? _owner;
    private readonly MailboxDepths? _depths;
    private MessageSegment? _head;
    private MessageSegment? _tail;
    private int _count;
    private int _peak;
    private bool _tracked;
    private int _lock;

    /// <summary>Creates an empty queue.</summary>
    /// <param name="owner">The actor whose mailbox this is (named in depth reports); may be null.</param>
    /// <param name="depths">Where a queue that grows deep is reported; null to report nowhere.</param>
    public LeanMessageQueue(IActorRef? owner = null, MailboxDepths? depths = null)
    {
        _owner = owner;
        _depths = depths;
    }

    /// <summary>The actor whose mailbox this is, if known.</summary>
    public IActorRef? Owner => _owner;

    /// <inheritdoc />
    public bool HasMessages => Volatile.Read(ref _count) != 0;

    /// <inheritdoc />
    public int Count => Volatile.Read(ref _count);

    /// <summary>Whether the queue currently holds a segment (an empty queue holds none).</summary>
    internal bool HoldsBuffer => Volatile.Read(ref _head) is not null;

    /// <inheritdoc />
    public void Enqueue(IActorRef receiver, Envelope envelope)
    {
        bool grew = false;
        int depth;
        EnterLock();
        try
        {
            var tail = _tail;
            if (tail is null)
            {
                tail = MessageSegment.RentInitial();
                _head = _tail = tail;
            }
            else if (tail.IsFull)
            {
                var next = MessageSegment.RentLarger(tail);
                tail.Next = next;
                _tail = tail = next;
                grew = true;
            }
            tail.Push(envelope);
            depth = _count + 1;
            Volatile.Write(ref _count, depth);
            // The peak since MailboxDepths last took it; a queue it does not track starts afresh as it links.
            if (depth > _peak || (grew && !Volatile.Read(ref _tracked))) _peak = depth;
        }
        finally
        {
            ExitLock();
        }
        if (grew) _depths?.Noticed(this);
    }

    /// <inheritdoc />
    public bool TryDequeue(out Envelope envelope)
    {
        MessageSegment? released = null;
        EnterLock();
        try
        {
            var head = _head;
            if (head is null || _count == 0)
            {
                envelope = default;
                return false;
            }
            if (head.IsDrained)
            {
                // Everything in the head was read: the rest is in the next segment.
                released = head;
                head = head.Next!;
                _head = head;
            }
            envelope = head.Take();
            int left = _count - 1;
            Volatile.Write(ref _count, left);
            if (left == 0)
            {
                // Empty: give the buffer back so an idle actor holds none.
                if (released is null) released = head;
                else MessageSegment.Return(head);
                _head = _tail = null;
            }
        }
        finally
        {
            ExitLock();
        }
        if (released is not null) MessageSegment.Return(released);
        return true;
    }

    /// <summary>
    /// The messages waiting now and the most that waited since the previous call (or, for a queue that was not tracked
    /// then, since it last linked a segment); the peak then restarts from the messages waiting now. For <see cref="MailboxDepths"/>.
    /// </summary>
    internal (int Queued, int Peak) TakePeak()
    {
        EnterLock();
        try
        {
            int queued = _count;
            int peak = Math.Max(_peak, queued);
            _peak = queued;
            return (queued, peak);
        }
        finally
        {
            ExitLock();
        }
    }

    /// <summary>Whether <see cref="MailboxDepths"/> tracks this queue (written by it, under its own lock).</summary>
    internal bool Tracked
    {
        get => Volatile.Read(ref _tracked);
        set => Volatile.Write(ref _tracked, value);
    }

    /// <inheritdoc />
    public void CleanUp(IActorRef owner, IMessageQueue deadletters)
    {
        while (TryDequeue(out var envelope)) deadletters.Enqueue(owner, envelope);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void EnterLock()
    {
        if (Interlocked.CompareExchange(ref _lock, 1, 0) != 0) EnterLockContended();
    }

    /// <summary>Releases the lock with a full fence, so nothing read after it can move before the writes inside.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ExitLock() => Interlocked.Exchange(ref _lock, 0);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void EnterLockContended()
    {
        // The critical sections are a few stores, so spinning beats parking; SpinWait yields the processor
        // after a few rounds, so a preempted holder can finish.
        var spinner = default(SpinWait);
        do
        {
            spinner.SpinOnce(sleep1Threshold: -1);
        }
        while (Volatile.Read(ref _lock) != 0 || Interlocked.CompareExchange(ref _lock, 1, 0) != 0);
    }
}
