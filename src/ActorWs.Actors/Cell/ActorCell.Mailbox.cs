using System.Runtime.CompilerServices;

namespace ActorWs.Actors;

/// <summary>
/// The mailbox half of the cell. User messages live in a chain of pooled circular
/// <see cref="MailboxSegment"/>s: producers append under the tail segment's lock, the single
/// consumer (the actor's turn) reads without locking (bounded mailboxes lock, so that their count
/// and drop-oldest stay exact). The first message installs a segment and a turn that ends with the
/// mailbox empty gives it back, so an idle actor holds no queue buffer. Producers write nothing in
/// the cell itself per message. System messages use a separate lock-free stack. One atomic status
/// word says whether the cell is scheduled, closed, awaiting an async handler, or suspended.
/// </summary>
internal sealed partial class ActorCell : IThreadPoolWorkItem
{
    // Status word layout.
    private const int StatusScheduled = 1;
    private const int StatusClosed = 2;
    private const int StatusAwaitingAsync = 4;
    private const int StatusSuspendUnit = 8;

    private readonly int _mailboxCapacity;
    private MailboxSegment? _headSegment;
    private MailboxSegment? _tailSegment;
    private int _status;
    private int _overflowFailureSignalled;

    /// <summary>Number of user messages waiting (a snapshot; for diagnostics and tests).</summary>
    internal int QueuedMessageCount
    {
        get
        {
            var tail = LockTailSegment(install: false);
            if (tail is null)
            {
                return 0;
            }

            try
            {
                return CountLocked();
            }
            finally
            {
                tail.ExitLock();
            }
        }
    }

    /// <summary>Whether this actor is queued on the scheduling thread's own queue (see <see cref="ActorScheduling"/>).</summary>
    private bool PreferLocalScheduling => _system.PreferLocalScheduling && _props.Scheduling == ActorScheduling.SystemDefault;

    /// <summary>Whether the mailbox currently holds a queue buffer (idle actors hold none).</summary>
    internal bool HasMailboxBuffer => Volatile.Read(ref _headSegment) is not null;

    public override void Tell(object message, IActorRef? sender)
    {
        ArgumentNullException.ThrowIfNull(message);
        Post(message, sender);
    }

    /// <summary>Enqueues a user message, applying the bounded mailbox policy; never throws.</summary>
    internal void Post(object message, IActorRef? sender) => Enqueue(message, sender, applyCapacity: true);

    /// <summary>Enqueues a message produced by the runtime itself (e.g. Terminated) ignoring capacity.</summary>
    internal void PostInternal(object message, IActorRef? sender) => Enqueue(message, sender, applyCapacity: false);

    /// <summary>
    /// Appends to the mailbox and schedules the actor if it was idle; what the mailbox refuses (closed, or over a
    /// bounded capacity when <paramref name="applyCapacity"/>) becomes a dead letter. Never throws.
    /// </summary>
    private void Enqueue(object message, IActorRef? sender, bool applyCapacity)
    {
        bool accepted = true;
        bool signalOverflow = false;
        Envelope dropped = default;
        MailboxSegment? release = null;
        var tail = LockTailSegment(install: true);
        if (tail is null)
        {
            accepted = false;
        }
        else
        {
            try
            {
                if ((Volatile.Read(ref _status) & StatusClosed) != 0)
                {
                    accepted = false;
                    release = UninstallIfEmptyLocked(tail);
                }
                else if (applyCapacity && _mailboxCapacity != 0 && CountLocked() >= _mailboxCapacity)
                {
                    switch (_props.Mailbox.OverflowStrategy)
                    {
                        case MailboxOverflowStrategy.DropOldest:
                            TryDequeueAcrossSegments(out dropped);
                            tail = AppendLocked(tail, new Envelope(message, sender));
                            break;
                        case MailboxOverflowStrategy.Fail:
                            accepted = false;
                            signalOverflow = true;
                            break;
                        default:
                            accepted = false;
                            break;
                    }
                }
                else
                {
                    tail = AppendLocked(tail, new Envelope(message, sender));
                }
            }
            finally
            {
                // A full fence: the status read below must not move before the enqueue, or a turn
                // that is just ending could miss this message.
                tail.ExitLock();
            }
        }

        if (release is not null)
        {
            MailboxSegment.Return(release);
        }

        if (!accepted)
        {
            _system.PublishDeadLetter(message, sender, this);
            if (signalOverflow && Interlocked.Exchange(ref _overflowFailureSignalled, 1) == 0)
            {
                SendSystemMessage(new MailboxOverflowedMessage());
            }

            return;
        }

        if (dropped.Message is not null)
        {
            _system.PublishDeadLetter(dropped.Message, dropped.Sender, this);
        }

        // Fast path: any non-zero status (scheduled, suspended, closed, awaiting) means nothing to do.
        if (Volatile.Read(ref _status) == 0)
        {
            TrySchedule(onlyIfRunnable: true, preferLocal: PreferLocalScheduling);
        }
    }


    /// <summary>Puts envelopes back at the front of the mailbox in the given order (unstash, restart). Consumer only.</summary>
    internal void PrependToMailbox(ReadOnlySpan<Envelope> envelopes)
    {
        if (envelopes.IsEmpty)
        {
            return;
        }

        bool closed = true;
        MailboxSegment? release = null;
        var tail = LockTailSegment(install: true);
        if (tail is not null)
        {
            try
            {
                closed = (Volatile.Read(ref _status) & StatusClosed) != 0;
                if (closed)
                {
                    release = UninstallIfEmptyLocked(tail);
                }
                else
                {
                    release = PrependLocked(tail, envelopes);
                }
            }
            finally
            {
                tail.ExitLock();
            }
        }

        if (release is not null)
        {
            MailboxSegment.Return(release);
        }

        if (closed)
        {
            foreach (var e in envelopes)
            {
                _system.PublishDeadLetter(e.Message, e.Sender, this);
            }
        }
    }

    /// <summary>One turn: system messages first, then up to <c>Throughput</c> user messages.</summary>
    void IThreadPoolWorkItem.Execute()
    {
        var turn = TurnState.ForCurrentThread;
        turn.Cell = this;
        try
        {
            RunTurn(turn);
        }
        catch (Exception internalFailure)
        {
            // Only a runtime bug gets here (user code is guarded where it is called); never let it
            // reach the thread pool, which would end the process.
            _system.ReportInternalError(this, internalFailure);
        }
        finally
        {
            turn.Cell = null;
            turn.Message = null;
            turn.Sender = null;
            ReleaseSegmentIfEmpty();
            LeaveTurn();
        }
    }

    private void RunTurn(TurnState turn)
    {
        ProcessSystemMessages();
        int budget = _system.Throughput;
        bool processedUserMessage = false;
        bool lockedConsumer = _mailboxCapacity != 0;
        while (budget > 0 && (Volatile.Read(ref _status) & ~StatusScheduled) == 0)
        {
            Envelope envelope;
            if (lockedConsumer ? !TryDequeueWithLock(out envelope) : !TryDequeue(out envelope))
            {
                break;
            }

            budget--;
            processedUserMessage = true;
            Invoke(envelope, turn);
            if (Volatile.Read(ref _systemHead) is not null)
            {
                ProcessSystemMessages();
            }
        }

        if (processedUserMessage && HasFlag(CellFlags.BatchCompletion))
        {
            InvokeBatchCompleted();
        }
    }

    /// <summary>Ends a turn: clears the scheduled bit and reschedules (at the back of the global queue) if work remains.</summary>
    private void LeaveTurn()
    {
        int status = Interlocked.And(ref _status, ~StatusScheduled) & ~StatusScheduled;
        if ((status & StatusClosed) != 0)
        {
            return;
        }

        bool hasSystemWork = HasPendingSystemMessages;
        bool hasUserWork = status == 0 && MayHaveUserMessages();
        if (hasSystemWork || hasUserWork)
        {
            // Not preferLocal: a busy actor must queue behind others instead of monopolising this thread.
            TrySchedule(onlyIfRunnable: !hasSystemWork, preferLocal: false);
        }
    }

    /// <summary>
    /// Whether user messages may be waiting. Read after the scheduled bit is cleared, so a racing
    /// turn may recycle the segment meanwhile; a wrong answer only costs one empty turn, and a
    /// message that is missed here was enqueued by a producer that will schedule the cell itself.
    /// </summary>
    private bool MayHaveUserMessages()
    {
        var head = Volatile.Read(ref _headSegment);
        return head is not null
               && (Volatile.Read(ref head.Consumer.Head) != Volatile.Read(ref head.Producer.Tail)
                   || Volatile.Read(ref head.Next) is not null);
    }

    /// <summary>Moves the cell from idle to scheduled and queues it on the thread pool.</summary>
    private void TrySchedule(bool onlyIfRunnable, bool preferLocal)
    {
        int status = Volatile.Read(ref _status);
        while (true)
        {
            if ((status & (StatusScheduled | StatusClosed)) != 0 || (onlyIfRunnable && status != 0))
            {
                return;
            }

            int previous = Interlocked.CompareExchange(ref _status, status | StatusScheduled, status);
            if (previous == status)
            {
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal);
                return;
            }

            status = previous;
        }
    }

    /// <summary>Closes the mailbox for good; returns what was still queued (to become dead letters). Consumer only.</summary>
    private List<Envelope> CloseMailbox()
    {
        Interlocked.Or(ref _status, StatusClosed);
        var leftovers = new List<Envelope>();
        var tail = LockTailSegment(install: false);
        if (tail is not null)
        {
            try
            {
                while (TryDequeueAcrossSegments(out var envelope))
                {
                    leftovers.Add(envelope);
                }

                // Everything before the tail went back to the pool while draining.
                ClearSegmentsLocked();
            }
            finally
            {
                tail.ExitLock();
            }

            MailboxSegment.Return(tail);
        }

        return leftovers;
    }

    private void SuspendMailbox() => Interlocked.Add(ref _status, StatusSuspendUnit);

    private void ResumeMailbox()
    {
        int status = Volatile.Read(ref _status);
        while (status >= StatusSuspendUnit)
        {
            int previous = Interlocked.CompareExchange(ref _status, status - StatusSuspendUnit, status);
            if (previous == status)
            {
                return;
            }

            status = previous;
        }
    }

    /// <summary>
    /// Locks the mailbox's current tail segment (installing a fresh one when there is none and
    /// <paramref name="install"/> is set). Returns null when there is no segment to lock.
    /// </summary>
    private MailboxSegment? LockTailSegment(bool install)
    {
        while (true)
        {
            var tail = Volatile.Read(ref _tailSegment);
            if (tail is null)
            {
                if (!install || (Volatile.Read(ref _status) & StatusClosed) != 0)
                {
                    return null;
                }

                var fresh = MailboxSegment.RentInitial();
                fresh.EnterLock();
                if (Interlocked.CompareExchange(ref _tailSegment, fresh, null) is null)
                {
                    Volatile.Write(ref _headSegment, fresh);
                    return fresh;
                }

                fresh.ExitLock();
                MailboxSegment.Return(fresh);
                continue;
            }

            tail.EnterLock();
            if (ReferenceEquals(Volatile.Read(ref _tailSegment), tail))
            {
                return tail;
            }

            // Released or replaced while we waited: try again with the current one.
            tail.ExitLock();
        }
    }

    /// <summary>
    /// After the mailbox closed, a producer may have installed a fresh segment: take it out again
    /// (the caller returns it to the pool once unlocked). A segment with messages is left for the
    /// closing consumer, which drains it.
    /// </summary>
    private MailboxSegment? UninstallIfEmptyLocked(MailboxSegment tail)
    {
        if (!ReferenceEquals(Volatile.Read(ref _headSegment), tail) || tail.Count != 0)
        {
            return null;
        }

        ClearSegmentsLocked();
        return tail;
    }

    /// <summary>
    /// Forgets the segments while holding the tail's lock. The head must be cleared first: a null
    /// tail is what lets a producer install a fresh segment (and publish it as the head), so
    /// clearing the head afterwards could erase that fresh head and strand its messages.
    /// </summary>
    private void ClearSegmentsLocked()
    {
        Volatile.Write(ref _headSegment, null);
        Volatile.Write(ref _tailSegment, null);
    }

    /// <summary>Appends while holding the tail's lock; returns the (locked) segment now at the tail.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private MailboxSegment AppendLocked(MailboxSegment tail, in Envelope envelope)
    {
        int index = tail.Producer.Tail;
        if (index - tail.Producer.CachedHead > tail.Mask)
        {
            // Full by the cached view: look at the consumer's real head before growing.
            tail.Producer.CachedHead = Volatile.Read(ref tail.Consumer.Head);
            if (index - tail.Producer.CachedHead > tail.Mask)
            {
                tail = LinkLargerSegmentLocked(tail);
                index = tail.Producer.Tail;
            }
        }

        tail.Items[index & tail.Mask] = envelope;
        Volatile.Write(ref tail.Producer.Tail, index + 1);
        return tail;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private MailboxSegment LinkLargerSegmentLocked(MailboxSegment full)
    {
        var larger = MailboxSegment.RentLarger(full);
        larger.EnterLock();
        Volatile.Write(ref full.Next, larger);
        Volatile.Write(ref _tailSegment, larger);
        full.ExitLock();
        _system.BusyMailboxes.Noticed(this, CountLocked());
        return larger;
    }

    /// <summary>Counts queued envelopes while holding the tail's lock (bounded mailboxes: the consumer locks too).</summary>
    private int CountLocked()
    {
        int count = 0;
        for (var segment = Volatile.Read(ref _headSegment); segment is not null; segment = Volatile.Read(ref segment.Next))
        {
            count += segment.Count;
        }

        return count;
    }

    /// <summary>Takes the oldest envelope without locking; only the consumer of an unbounded mailbox may call it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryDequeue(out Envelope envelope)
    {
        var segment = Volatile.Read(ref _headSegment);
        if (segment is not null)
        {
            // The cached tail is a lower bound of the real one; trust it only while it is ahead
            // of the head (other paths may have consumed past it), otherwise refresh it.
            int head = segment.Consumer.Head;
            if (segment.Consumer.CachedTail - head > 0
                || (segment.Consumer.CachedTail = Volatile.Read(ref segment.Producer.Tail)) - head > 0)
            {
                ref var slot = ref segment.Items[head & segment.Mask];
                envelope = slot;
                slot = default;
                Volatile.Write(ref segment.Consumer.Head, head + 1);
                return true;
            }

            if (Volatile.Read(ref segment.Next) is not null)
            {
                return TryDequeueAcrossSegments(out envelope);
            }
        }

        envelope = default;
        return false;
    }

    /// <summary>Dequeues, moving on to (and recycling behind it) the next segment when one is exhausted.</summary>
    private bool TryDequeueAcrossSegments(out Envelope envelope)
    {
        var segment = Volatile.Read(ref _headSegment);
        while (segment is not null)
        {
            int head = segment.Consumer.Head;
            if (head != Volatile.Read(ref segment.Producer.Tail))
            {
                ref var slot = ref segment.Items[head & segment.Mask];
                envelope = slot;
                slot = default;
                Volatile.Write(ref segment.Consumer.Head, head + 1);
                return true;
            }

            var next = Volatile.Read(ref segment.Next);
            if (next is null)
            {
                break;
            }

            // Producers link the next segment only after their last write here; re-check once.
            if (head != Volatile.Read(ref segment.Producer.Tail))
            {
                continue;
            }

            // No producer writes to a segment that has a successor: it can go back to the pool.
            Volatile.Write(ref _headSegment, next);
            MailboxSegment.Return(segment);
            segment = next;
        }

        envelope = default;
        return false;
    }

    private bool TryDequeueWithLock(out Envelope envelope)
    {
        var tail = LockTailSegment(install: false);
        if (tail is null)
        {
            envelope = default;
            return false;
        }

        try
        {
            return TryDequeueAcrossSegments(out envelope);
        }
        finally
        {
            tail.ExitLock();
        }
    }

    /// <summary>Prepends while holding the tail's lock; returns a segment to recycle once unlocked, if any.</summary>
    private MailboxSegment? PrependLocked(MailboxSegment tail, ReadOnlySpan<Envelope> envelopes)
    {
        var head = Volatile.Read(ref _headSegment)!;
        if (ReferenceEquals(head, tail) && head.Count + envelopes.Length <= head.Capacity)
        {
            for (int i = envelopes.Length - 1; i >= 0; i--)
            {
                int index = head.Consumer.Head - 1;
                head.Items[index & head.Mask] = envelopes[i];
                Volatile.Write(ref head.Consumer.Head, index);
            }

            // The head moved back: the producers' cached head must not claim slots that are in use
            // again (we hold their lock, as this segment is also the tail).
            head.Producer.CachedHead = head.Consumer.Head;
            return null;
        }

        // Rare: rebuild the whole queue into one segment with the prepended envelopes first.
        var queued = new List<Envelope>(envelopes.Length + 16);
        queued.AddRange(envelopes);
        while (TryDequeueAcrossSegments(out var envelope))
        {
            queued.Add(envelope);
        }

        var rebuilt = MailboxSegment.RentAtLeast(queued.Count);
        foreach (var envelope in queued)
        {
            rebuilt.Items[rebuilt.Producer.Tail++ & rebuilt.Mask] = envelope;
        }

        // Producers waiting for the old tail's lock will see it replaced and move to the new one.
        Volatile.Write(ref _headSegment, rebuilt);
        Volatile.Write(ref _tailSegment, rebuilt);
        return tail;
    }

    /// <summary>At the end of a turn, an empty mailbox gives its segment back so that idle actors hold none.</summary>
    private void ReleaseSegmentIfEmpty()
    {
        var segment = Volatile.Read(ref _headSegment);
        if (segment is null || segment.Count != 0 || Volatile.Read(ref segment.Next) is not null)
        {
            return;
        }

        bool release = false;
        segment.EnterLock();
        try
        {
            if (ReferenceEquals(Volatile.Read(ref _tailSegment), segment)
                && ReferenceEquals(Volatile.Read(ref _headSegment), segment)
                && segment.Count == 0)
            {
                ClearSegmentsLocked();
                release = true;
            }
        }
        finally
        {
            segment.ExitLock();
        }

        if (release)
        {
            MailboxSegment.Return(segment);
        }
    }
}
