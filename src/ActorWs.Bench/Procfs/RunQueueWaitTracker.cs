namespace ActorWs.Bench.Procfs;

/// <summary>
/// The total time a process's threads have waited for a CPU since the first reading, exited threads included: each
/// reading adds what every thread waited since the previous one (a thread not seen before counts from its start).
/// </summary>
/// <remarks>Not thread-safe: one reader.</remarks>
public sealed class RunQueueWaitTracker
{
    private Dictionary<int, long> _last = [];
    private long _totalNanoseconds;
    private bool _started;

    /// <summary>Takes a reading (by thread id, nanoseconds) and returns the total so far, in seconds.</summary>
    /// <param name="waits">What <see cref="ProcessProbe.ReadRunQueueWaitByThread"/> read; null (unreadable) changes nothing.</param>
    /// <returns>Seconds waited since the first reading; null before any reading.</returns>
    public double? Update(IReadOnlyDictionary<int, long>? waits)
    {
        if (waits is null)
        {
            return _started ? _totalNanoseconds / 1e9 : null;
        }

        if (_started)
        {
            foreach (var (tid, wait) in waits)
            {
                // A thread id reused by a new thread shows less than before: it counts from its start.
                var before = _last.TryGetValue(tid, out var b) && b <= wait ? b : 0;
                _totalNanoseconds += wait - before;
            }
        }

        _started = true;
        _last = new Dictionary<int, long>(waits);
        return _totalNanoseconds / 1e9;
    }
}
