using Akka.Actor;
using ActorWs.Server.Buffers;

namespace ActorWs.Server.Sessions;

/// <summary>
/// The room messages a resumable session has sent (or would have sent) and the client has not acknowledged,
/// newest last, bounded in count and bytes; the oldest are dropped first. What it holds is charged to the server's
/// <see cref="MemoryBudget"/> while it holds it. In a cluster a room keeps its last deliveries in one too (numbered by
/// its positions, each with whom it was for), so that a member resuming on another node gets what it missed.
/// </summary>
/// <remarks>
/// <para>
/// Owned by one session actor; not thread-safe (only the budget's eviction notice comes from another thread, and it
/// only tells the session <see cref="ResumeBufferEvicted"/>). It holds one reference to each frame.
/// </para>
/// <para>
/// Charging: its bytes, rounded up to <see cref="MemoryBudget.ResumeBufferChargeStep"/>, are its account's holding,
/// of which <see cref="MemoryBudget.ResumeBufferFreeAllowance"/> is free. So a buffer touches the shared budget only
/// when it crosses a 16 KiB step above the free part, and a quiet session's buffer (the usual case: its client
/// acknowledges every few seconds) never does, nor allocates an account.
/// </para>
/// </remarks>
internal sealed class ResumeBuffer
{
    private readonly int _maxMessages;
    private readonly long _maxBytes;
    private readonly MemoryBudget _budget;
    private readonly IActorRef _owner;
    private readonly Queue<(long Seq, OutboundFrame Frame, object? Addressee)> _entries = new();
    private long _bytes;

    /// <summary>The budget account; made only once the charge passes the free allowance (then it holds <see cref="_charged"/>).</summary>
    private MemoryBudgetHolder? _holder;

    /// <summary>What the account holds (or would, while it does not exist): <see cref="_bytes"/> rounded up to the charge step.</summary>
    private long _charged;

    /// <param name="maxMessages">Most messages kept.</param>
    /// <param name="maxBytes">Most bytes kept (the newest message is always kept, whatever its size).</param>
    /// <param name="budget">Where what it keeps is charged.</param>
    /// <param name="owner">
    /// The session: told <see cref="ResumeBufferEvicted"/> (from any thread, at most once per account) when the budget
    /// picks this buffer, the greediest, to give up; it then calls <see cref="DropAll"/> if <see cref="Evicted"/> is still true.
    /// </param>
    public ResumeBuffer(int maxMessages, long maxBytes, MemoryBudget budget, IActorRef owner)
    {
        _maxMessages = maxMessages;
        _maxBytes = maxBytes;
        _budget = budget;
        _owner = owner;
    }

    /// <summary>The highest sequence number dropped without acknowledgement (0 when none): a resume from before it cannot be complete.</summary>
    public long LostThrough { get; private set; }

    public int Count => _entries.Count;

    /// <summary>Bytes of the messages kept now.</summary>
    public long Bytes => _bytes;

    /// <summary>Whether the budget told this buffer's current account to give up (its messages are to be dropped).</summary>
    public bool Evicted => _holder is { Evicted: true };

    /// <summary>
    /// Keeps <paramref name="frame"/> (taking one reference) as message <paramref name="seq"/>, with whom it was for
    /// (<paramref name="addressee"/>: the owner's business, null for a session). False when the memory budget refused
    /// it: then everything is dropped, this message included (<see cref="LostThrough"/> is <paramref name="seq"/>), and
    /// nothing is charged any more.
    /// </summary>
    public bool Add(long seq, OutboundFrame frame, object? addressee = null)
    {
        _entries.Enqueue((seq, frame, addressee));
        _bytes += frame.Length;
        while (_entries.Count > _maxMessages || (_bytes > _maxBytes && _entries.Count > 1))
        {
            var (droppedSeq, dropped, _) = _entries.Dequeue();
            _bytes -= dropped.Length;
            LostThrough = droppedSeq;
            dropped.Release();
        }
        if (Recharge()) return true;
        DropAll(seq);
        return false;
    }

    /// <summary>Forgets everything up to and including <paramref name="seq"/> (the client has it).</summary>
    public void Acknowledge(long seq)
    {
        bool any = false;
        while (_entries.TryPeek(out var head) && head.Seq <= seq)
        {
            _entries.Dequeue();
            _bytes -= head.Frame.Length;
            head.Frame.Release();
            any = true;
        }
        if (any) Recharge(); // shrinking: only refunds, never refused
    }

    /// <summary>The kept messages numbered after <paramref name="seq"/>, oldest first (each with a new reference for the caller).</summary>
    public IEnumerable<OutboundFrame> After(long seq)
    {
        foreach (var (s, frame, _) in _entries)
        {
            if (s <= seq) continue;
            frame.AddReferences(1);
            yield return frame;
        }
    }

    /// <summary>
    /// The kept messages numbered after <paramref name="seq"/>, oldest first, with their numbers and addressees (no
    /// reference is added: the caller adds one for each frame it hands on).
    /// </summary>
    public IEnumerable<(long Seq, OutboundFrame Frame, object? Addressee)> EntriesAfter(long seq)
    {
        foreach (var entry in _entries)
        {
            if (entry.Seq > seq) yield return entry;
        }
    }

    /// <summary>
    /// Gives up every message kept (the budget could not hold them): their frames are released and the charge refunded
    /// at once; a resume from before <paramref name="throughSeq"/> (the last message numbered) is refused from now on.
    /// Later messages are kept, and charged, as before, on a new account.
    /// </summary>
    public void DropAll(long throughSeq)
    {
        while (_entries.TryDequeue(out var entry)) entry.Frame.Release();
        _bytes = 0;
        LostThrough = Math.Max(LostThrough, throughSeq);
        CloseAccount();
    }

    /// <summary>The session ends: every frame released, the charge refunded.</summary>
    public void Clear()
    {
        while (_entries.TryDequeue(out var entry)) entry.Frame.Release();
        _bytes = 0;
        CloseAccount();
    }

    /// <summary>Brings the account to the bytes kept now (rounded up to the step); false when the budget refused more.</summary>
    private bool Recharge()
    {
        long step = MemoryBudget.ResumeBufferChargeStep;
        long target = (_bytes + step - 1) / step * step;
        if (target == _charged) return true;
        if (_holder is null)
        {
            // Within the free allowance an account would cost the budget nothing: none is made until it is passed.
            if (target <= MemoryBudget.ResumeBufferFreeAllowance)
            {
                _charged = target;
                return true;
            }
            var holder = _budget.CreateResumeBufferHolder(EvictionNotice(_owner));
            if (!holder.TryCharge(target))
            {
                holder.Dispose();
                return false;
            }
            _holder = holder;
            _charged = target;
            return true;
        }
        if (target < _charged)
        {
            _holder.Refund(_charged - target);
            _charged = target;
            return true;
        }
        if (!_holder.TryCharge(target - _charged)) return false;
        _charged = target;
        return true;
    }

    // Made with each account, not with the buffer: most buffers never need one. Static so the closure captures only the ref.
    private static Action EvictionNotice(IActorRef owner) => () => owner.Tell(ResumeBufferEvicted.Instance, ActorRefs.NoSender);

    /// <summary>Refunds everything and retires the account (an evicted one is never a candidate again; a new one is made when needed).</summary>
    private void CloseAccount()
    {
        if (_holder is { } holder)
        {
            holder.Refund(_charged);
            holder.Dispose();
            _holder = null;
        }
        _charged = 0;
    }
}
