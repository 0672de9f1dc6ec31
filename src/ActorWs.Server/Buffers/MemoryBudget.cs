using ActorWs.Protocol.Frames;
using Microsoft.Extensions.Logging;

namespace ActorWs.Server.Buffers;

/// <summary>
/// The server-wide budget for memory that clients make the server hold: partial messages being reassembled, compressed
/// messages being inflated, and whole messages waiting for their session. Each connection charges it through its own
/// <see cref="MemoryBudgetHolder"/> beyond a small free allowance, and refunds it when it lets go.
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

    /// <summary>The built-in budget's ceiling: 512 MiB.</summary>
    public const long DefaultCeiling = 512L * 1024 * 1024;

    private readonly object _gate = new();
    private readonly HashSet<MemoryBudgetHolder> _holders = new();
    private readonly ILogger _log;
    private long _used;
    private long _peak;
    private int _exhausted;
    private long _refusals;
    private long _evictions;
    private long _episodeRefusals;
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

    /// <summary>Bytes charged now (what holders hold beyond their free allowances).</summary>
    public long Used => Volatile.Read(ref _used);

    /// <summary>Whether an episode is on: a charge passed the limit and the use has not yet fallen below 90 % of it.</summary>
    public bool IsExhausted => Volatile.Read(ref _exhausted) == 1;

    /// <summary>Charges refused so far (each closed its connection with 1013).</summary>
    public long Refusals => Interlocked.Read(ref _refusals);

    /// <summary>Holders told to give up so far to make room (each closed its connection with 1013).</summary>
    public long Evictions => Interlocked.Read(ref _evictions);

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
    internal MemoryBudgetHolder CreateHolder(Action evict) => new(this, evict);

    private static long Over(long held) => held > FreeAllowance ? held - FreeAllowance : 0;

    internal bool TryCharge(MemoryBudgetHolder holder, long bytes)
    {
        long after = Interlocked.Add(ref holder.HeldBytes, bytes);
        long before = after - bytes;
        long delta = Over(after) - Over(before);
        if (delta == 0) return true;
        long used = Interlocked.Add(ref _used, delta);
        if (used <= Limit || TryEvictGreedierThan(holder, after))
        {
            if (Over(before) == 0) Track(holder);
            RaisePeak(used);
            return true;
        }
        Interlocked.Add(ref _used, -delta);
        Interlocked.Add(ref holder.HeldBytes, -bytes);
        Interlocked.Increment(ref _refusals);
        Interlocked.Increment(ref _episodeRefusals);
        EndEpisodeIfBelow(Volatile.Read(ref _used));
        return false;
    }

    internal void Refund(MemoryBudgetHolder holder, long bytes)
    {
        long after = Interlocked.Add(ref holder.HeldBytes, -bytes);
        long delta = Over(after + bytes) - Over(after);
        if (delta == 0) return;
        long used = Interlocked.Add(ref _used, -delta);
        if (Over(after) == 0) Untrack(holder);
        EndEpisodeIfBelow(used);
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
        Interlocked.Increment(ref _evictions);
        Interlocked.Increment(ref _episodeRefusals);
        greediest.Evict();
        return true;
    }

    private void Track(MemoryBudgetHolder holder)
    {
        lock (_gate)
        {
            // Rechecked under the lock: a refund on another thread may have come between the charge and here.
            if (Over(Volatile.Read(ref holder.HeldBytes)) > 0 && !holder.Disposed) _holders.Add(holder);
        }
    }

    private void Untrack(MemoryBudgetHolder holder)
    {
        lock (_gate)
        {
            if (Over(Volatile.Read(ref holder.HeldBytes)) == 0 || holder.Disposed) _holders.Remove(holder);
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
        MemoryLog.BudgetExhausted(_log, Limit, Volatile.Read(ref _used));
    }

    private void EndEpisodeIfBelow(long used)
    {
        if (Volatile.Read(ref _exhausted) == 0 || used >= Limit / 10 * 9) return;
        if (Interlocked.CompareExchange(ref _exhausted, 0, 1) != 1) return;
        MemoryLog.BudgetRecovered(_log, used, Limit, Interlocked.Read(ref _episodeRefusals));
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
/// One connection's account with the <see cref="MemoryBudget"/>: what it holds now (its reassembly buffer, which the frame
/// reader rents through the connection's <see cref="IMessageBufferBudget"/>, a message being inflated, messages waiting
/// for its session, replies waiting to be sent).
/// </summary>
/// <remarks>Thread safety: charges and refunds may come from different threads (a session releasing a message); all through atomics.</remarks>
internal sealed class MemoryBudgetHolder
{
    private readonly MemoryBudget _budget;
    private readonly Action _evict;
    private int _evicted;
    private int _disposed;

    /// <summary>Bytes held now, the free allowance included (only the budget writes it, atomically).</summary>
    internal long HeldBytes;

    internal MemoryBudgetHolder(MemoryBudget budget, Action evict)
    {
        _budget = budget;
        _evict = evict;
    }

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

    /// <summary>The connection is gone: it is no longer a candidate for eviction (its refunds still count).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0) _budget.Forget(this);
    }
}

/// <summary>The memory budget's log lines (source-generated: no allocation when the level is off).</summary>
internal static partial class MemoryLog
{
    [LoggerMessage(EventId = 40, Level = LogLevel.Warning,
        Message = "Memory budget of {Limit} bytes exhausted ({Used} bytes held for clients): partial messages of the greediest connections are refused with 1013 and new WebSocket upgrades with 503 until use falls below 90%")]
    public static partial void BudgetExhausted(ILogger logger, long limit, long used);

    [LoggerMessage(EventId = 41, Level = LogLevel.Information,
        Message = "Memory budget use fell to {Used} of {Limit} bytes; {Refused} connections were refused with 1013 while it was exhausted")]
    public static partial void BudgetRecovered(ILogger logger, long used, long limit, long refused);

    [LoggerMessage(EventId = 42, Level = LogLevel.Information,
        Message = "Memory held for clients peaked and has gone: compacting the heap to give it back to the system")]
    public static partial void Reclaiming(ILogger logger);
}
