using ActorWs.Protocol.Frames;
using Microsoft.Extensions.Logging;

namespace ActorWs.Server.Buffers;

/// <summary>
/// The server-wide budget for memory that clients make the server hold: partial messages being reassembled, compressed
/// messages being inflated, whole messages waiting for their session, large replies waiting to be sent, and the room
/// messages a resumable session keeps for its client's resume (its resume buffer). Each connection and each resume
/// buffer charges it through its own <see cref="MemoryBudgetHolder"/> beyond a small free allowance, and refunds it
/// when it lets go.
/// </summary>
/// <remarks>
/// <para>
/// When a charge would take the use past <see cref="Limit"/>, the greediest holder pays: if another holder holds more
/// than the one asking would (with its new charge), that one is told to give up (its connection closes with 1013, its
/// buffers are released at once) and the charge is granted; the use may pass the limit by at most that charge, until the
/// evicted holder's refund arrives. Otherwise the one asking is refused (its connection closes with 1013). Either way an
/// episode begins: a warning is logged once, new WebSocket upgrades get 503 (<see cref="IsExhausted"/>), and it ends
/// (one information line) when the use falls below 90 % of the limit.
/// </para>
/// <para>
/// A resume buffer that pays (evicted, or refused as it keeps one more message) gives up every message it keeps: a
/// detached session then ends (its client's resume is refused, "the messages missed are no longer kept"), an attached
/// one carries on without them (only a resume from before them is refused). Its connection, if any, is not closed.
/// </para>
/// <para>
/// Cost: a holder touches the budget only when its held bytes cross or move beyond the free allowance (a large message
/// starting, growing, ending), with one <see cref="Interlocked"/> add; a lock is taken only when a holder starts or
/// stops holding more than the allowance, and when the budget is exhausted. Small messages never touch it.
/// </para>
/// <para>Thread safety: every member may be called from any thread (connections run on several I/O threads).</para>
/// </remarks>
public sealed class MemoryBudget
{
    /// <summary>Bytes a connection may hold before it is charged (covers small messages and the fixed per-connection buffers).</summary>
    public const int FreeAllowance = 64 * 1024;

    /// <summary>
    /// Bytes a session's resume buffer may hold before it is charged. Smaller than a connection's: every resumable
    /// session keeps what its client has not acknowledged yet, so this is multiplied by every such session.
    /// </summary>
    public const int ResumeBufferFreeAllowance = 16 * 1024;

    /// <summary>
    /// A resume buffer's bytes are charged rounded up to a multiple of this, so that it touches the budget once per
    /// 16 KiB it grows or shrinks, not once per message (a broadcast reaches every member's buffer).
    /// </summary>
    public const int ResumeBufferChargeStep = 16 * 1024;

    /// <summary>The built-in budget's ceiling: 512 MiB.</summary>
    public const long DefaultCeiling = 512L * 1024 * 1024;

    private readonly object _gate = new();
    private readonly HashSet<MemoryBudgetHolder> _holders = new();
    private readonly ILogger _log;
    private long _used;
    private long _resumeBufferUsed;
    private long _peak;
    private int _exhausted;
    private long _refusals;
    private long _evictions;
    private long _resumeBuffersDropped;
    private long _episodeRefusals;
    private long _episodeResumeBuffersDropped;
    private long _reclaims;

    /// <summary>Creates a budget of <paramref name="limit"/> bytes.</summary>
    /// <param name="limit">The budget in bytes; at least <see cref="FreeAllowance"/>.</param>
    /// <param name="log">Where the once-per-episode warning goes.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is below <see cref="FreeAllowance"/>.</exception>
    public MemoryBudget(long limit, ILogger log)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, FreeAllowance);
        ArgumentNullException.ThrowIfNull(log);
        Limit = limit;
        _log = log;
    }

    /// <summary>The budget in bytes.</summary>
    public long Limit { get; }

    /// <summary>Bytes charged now (what holders hold beyond their free allowances), resume buffers included.</summary>
    public long Used => Volatile.Read(ref _used);

    /// <summary>The part of <see cref="Used"/> charged for resume buffers (room messages sessions keep for a resume).</summary>
    public long ResumeBufferUsed => Volatile.Read(ref _resumeBufferUsed);

    /// <summary>Whether an episode is on: a charge passed the limit and the use has not yet fallen below 90 % of it.</summary>
    public bool IsExhausted => Volatile.Read(ref _exhausted) == 1;

    /// <summary>Charges refused so far (each closed its connection with 1013).</summary>
    public long Refusals => Interlocked.Read(ref _refusals);

    /// <summary>Holders told to give up so far to make room (each closed its connection with 1013).</summary>
    public long Evictions => Interlocked.Read(ref _evictions);

    /// <summary>
    /// Resume buffers that gave up what they kept so far, refused or told to give up (a detached session ended, an
    /// attached one dropped its kept messages). Not counted in <see cref="Refusals"/> or <see cref="Evictions"/>.
    /// </summary>
    public long ResumeBuffersDropped => Interlocked.Read(ref _resumeBuffersDropped);

    /// <summary>Times memory was handed back to the system after a peak (see <see cref="TryStartReclaim"/>).</summary>
    public long Reclaims => Interlocked.Read(ref _reclaims);

    /// <summary>
    /// The budget for a setting: <paramref name="configured"/> when positive, else (0, "auto") the smaller of
    /// <see cref="DefaultCeiling"/> and an eighth of the memory the GC may use (<see cref="GCMemoryInfo.TotalAvailableMemoryBytes"/>,
    /// which honours container limits).
    /// </summary>
    /// <param name="configured">The configured budget in bytes, or 0 for the automatic one.</param>
    /// <returns>The budget in bytes.</returns>
    public static long Resolve(long configured)
    {
        if (configured > 0) return Math.Max(configured, FreeAllowance);
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        return Math.Max(FreeAllowance, available > 0 ? Math.Min(DefaultCeiling, available / 8) : DefaultCeiling);
    }

    /// <summary>A holder for one connection; <paramref name="evict"/> is called (once, on any thread) when it must give up.</summary>
    internal MemoryBudgetHolder CreateHolder(Action evict) => new(this, evict, FreeAllowance, isResumeBuffer: false);

    /// <summary>A holder for one session's resume buffer (<see cref="ResumeBufferFreeAllowance"/> free); <paramref name="evict"/> as above.</summary>
    internal MemoryBudgetHolder CreateResumeBufferHolder(Action evict) => new(this, evict, ResumeBufferFreeAllowance, isResumeBuffer: true);

    internal bool TryCharge(MemoryBudgetHolder holder, long bytes)
    {
        long after = Interlocked.Add(ref holder.HeldBytes, bytes);
        long before = after - bytes;
        long delta = holder.Over(after) - holder.Over(before);
        if (delta == 0) return true;
        long used = Interlocked.Add(ref _used, delta);
        if (used <= Limit || TryEvictGreedierThan(holder, after))
        {
            if (holder.Over(before) == 0) Track(holder);
            if (holder.IsResumeBuffer) Interlocked.Add(ref _resumeBufferUsed, delta);
            RaisePeak(used);
            return true;
        }
        Interlocked.Add(ref _used, -delta);
        Interlocked.Add(ref holder.HeldBytes, -bytes);
        CountGivingUp(holder, evicted: false);
        EndEpisodeIfBelow(Volatile.Read(ref _used));
        return false;
    }

    internal void Refund(MemoryBudgetHolder holder, long bytes)
    {
        long after = Interlocked.Add(ref holder.HeldBytes, -bytes);
        long delta = holder.Over(after + bytes) - holder.Over(after);
        if (delta == 0) return;
        if (holder.IsResumeBuffer) Interlocked.Add(ref _resumeBufferUsed, -delta);
        long used = Interlocked.Add(ref _used, -delta);
        if (holder.Over(after) == 0) Untrack(holder);
        EndEpisodeIfBelow(used);
    }

    /// <summary>Counts a holder refused or evicted: connections (closed with 1013) and resume buffers (dropped) apart.</summary>
    private void CountGivingUp(MemoryBudgetHolder holder, bool evicted)
    {
        if (holder.IsResumeBuffer)
        {
            Interlocked.Increment(ref _resumeBuffersDropped);
            Interlocked.Increment(ref _episodeResumeBuffersDropped);
            return;
        }
        if (evicted) Interlocked.Increment(ref _evictions);
        else Interlocked.Increment(ref _refusals);
        Interlocked.Increment(ref _episodeRefusals);
    }

    /// <summary>
    /// Over the limit: finds the holder that holds the most (not already evicted) and, if it holds more than
    /// <paramref name="requester"/> would with its charge, evicts it. Starts the episode either way.
    /// </summary>
    private bool TryEvictGreedierThan(MemoryBudgetHolder requester, long requesterHeld)
    {
        StartEpisode();
        MemoryBudgetHolder? greediest = null;
        long most = requesterHeld;
        lock (_gate)
        {
            foreach (var candidate in _holders)
            {
                if (candidate == requester || candidate.Evicted) continue;
                long held = Volatile.Read(ref candidate.HeldBytes);
                if (held > most)
                {
                    most = held;
                    greediest = candidate;
                }
            }
            if (greediest is null || !greediest.MarkEvicted()) return false;
        }
        CountGivingUp(greediest, evicted: true);
        greediest.Evict();
        return true;
    }

    private void Track(MemoryBudgetHolder holder)
    {
        lock (_gate)
        {
            // Rechecked under the lock: a refund on another thread may have come between the charge and here.
            if (holder.Over(Volatile.Read(ref holder.HeldBytes)) > 0 && !holder.Disposed) _holders.Add(holder);
        }
    }

    private void Untrack(MemoryBudgetHolder holder)
    {
        lock (_gate)
        {
            if (holder.Over(Volatile.Read(ref holder.HeldBytes)) == 0 || holder.Disposed) _holders.Remove(holder);
        }
    }

    internal void Forget(MemoryBudgetHolder holder)
    {
        lock (_gate) _holders.Remove(holder);
    }

    private void StartEpisode()
    {
        if (Interlocked.CompareExchange(ref _exhausted, 1, 0) != 0) return;
        Interlocked.Exchange(ref _episodeRefusals, 0);
        Interlocked.Exchange(ref _episodeResumeBuffersDropped, 0);
        MemoryLog.BudgetExhausted(_log, Limit, Volatile.Read(ref _used));
    }

    private void EndEpisodeIfBelow(long used)
    {
        if (Volatile.Read(ref _exhausted) == 0 || used >= Limit / 10 * 9) return;
        if (Interlocked.CompareExchange(ref _exhausted, 0, 1) != 1) return;
        MemoryLog.BudgetRecovered(_log, used, Limit, Interlocked.Read(ref _episodeRefusals), Interlocked.Read(ref _episodeResumeBuffersDropped));
    }

    private void RaisePeak(long used)
    {
        long peak = Volatile.Read(ref _peak);
        while (used > peak)
        {
            long seen = Interlocked.CompareExchange(ref _peak, used, peak);
            if (seen == peak) return;
            peak = seen;
        }
    }

    /// <summary>
    /// Called now and then (the listener's housekeeping): true once after a peak of use worth giving back (at least an
    /// eighth of the budget, or 64 MiB) has passed, i.e. the use is down to a quarter of that peak. The caller then hands
    /// the memory back to the system (a compacting collection); the peak starts again from the current use.
    /// </summary>
    internal bool TryStartReclaim()
    {
        long peak = Volatile.Read(ref _peak);
        long worth = Math.Min(Limit / 8, 64L * 1024 * 1024);
        if (peak < worth || peak == 0) return false;
        long used = Volatile.Read(ref _used);
        if (used > peak / 4) return false;
        if (Interlocked.CompareExchange(ref _peak, used, peak) != peak) return false;
        Interlocked.Increment(ref _reclaims);
        return true;
    }
}

/// <summary>
/// One account with the <see cref="MemoryBudget"/>: a connection's (its reassembly buffer, which the frame reader rents
/// through the connection's <see cref="IMessageBufferBudget"/>, a message being inflated, messages waiting for its
/// session, replies waiting to be sent) or a session's resume buffer (the room messages it keeps for a resume).
/// </summary>
/// <remarks>Thread safety: charges and refunds may come from different threads (a session releasing a message); all through atomics.</remarks>
internal sealed class MemoryBudgetHolder
{
    private readonly MemoryBudget _budget;
    private readonly Action _evict;
    private readonly long _freeAllowance;
    private int _evicted;
    private int _disposed;

    /// <summary>Bytes held now, the free allowance included (only the budget writes it, atomically).</summary>
    internal long HeldBytes;

    internal MemoryBudgetHolder(MemoryBudget budget, Action evict, long freeAllowance, bool isResumeBuffer)
    {
        _budget = budget;
        _evict = evict;
        _freeAllowance = freeAllowance;
        IsResumeBuffer = isResumeBuffer;
    }

    /// <summary>Whether this is a resume buffer's account (counted apart: giving up drops messages, it closes no connection).</summary>
    internal bool IsResumeBuffer { get; }

    /// <summary>What <paramref name="held"/> bytes cost the budget: the part beyond this holder's free allowance.</summary>
    internal long Over(long held) => held > _freeAllowance ? held - _freeAllowance : 0;

    /// <summary>Whether the budget told this holder to give up.</summary>
    public bool Evicted => Volatile.Read(ref _evicted) == 1;

    internal bool Disposed => Volatile.Read(ref _disposed) == 1;

    /// <summary>Bytes held now.</summary>
    public long Held => Volatile.Read(ref HeldBytes);

    /// <summary>Asks for <paramref name="bytes"/> more; false when the budget refuses.</summary>
    public bool TryCharge(long bytes) => bytes <= 0 || _budget.TryCharge(this, bytes);

    /// <summary>Gives back <paramref name="bytes"/> an earlier <see cref="TryCharge"/> granted.</summary>
    public void Refund(long bytes)
    {
        if (bytes > 0) _budget.Refund(this, bytes);
    }

    internal bool MarkEvicted() => Interlocked.CompareExchange(ref _evicted, 1, 0) == 0;

    internal void Evict() => _evict();

    /// <summary>The connection (or resume buffer) is gone: it is no longer a candidate for eviction (its refunds still count).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0) _budget.Forget(this);
    }
}

/// <summary>The memory budget's log lines (source-generated: no allocation when the level is off).</summary>
internal static partial class MemoryLog
{
    [LoggerMessage(EventId = 40, Level = LogLevel.Warning,
        Message = "Memory budget of {Limit} bytes exhausted ({Used} bytes held for clients): the greediest connections are refused with 1013, the greediest resume buffers dropped, and new WebSocket upgrades refused with 503 until use falls below 90%")]
    public static partial void BudgetExhausted(ILogger logger, long limit, long used);

    [LoggerMessage(EventId = 41, Level = LogLevel.Information,
        Message = "Memory budget use fell to {Used} of {Limit} bytes; {Refused} connections were refused with 1013 and {Dropped} resume buffers dropped while it was exhausted")]
    public static partial void BudgetRecovered(ILogger logger, long used, long limit, long refused, long dropped);

    [LoggerMessage(EventId = 42, Level = LogLevel.Information,
        Message = "Memory held for clients peaked and has gone: compacting the heap to give it back to the system")]
    public static partial void Reclaiming(ILogger logger);
}
