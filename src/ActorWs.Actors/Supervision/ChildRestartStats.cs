namespace ActorWs.Actors;

/// <summary>
/// Restart bookkeeping for one child, kept by its parent: how many restarts happened in the current
/// time window. Implements the documented <c>maxNrOfRetries</c>/<c>withinTimeRange</c> rule.
/// </summary>
/// <remarks>Not thread-safe: only the parent's mailbox thread touches it.</remarks>
internal sealed class ChildRestartStats
{
    private int _retriesInWindow;
    private long _windowStart;
    private bool _windowStarted;

    /// <summary>Counts one restart request and says whether it stays within the limits.</summary>
    internal bool RequestRestartPermission(int maxNrOfRetries, TimeSpan? withinTimeRange, TimeProvider time)
    {
        if (maxNrOfRetries == 0)
        {
            return false;
        }

        if (withinTimeRange is null)
        {
            if (maxNrOfRetries < 0)
            {
                return true;
            }

            _retriesInWindow++;
            return _retriesInWindow <= maxNrOfRetries;
        }

        // With a window but no explicit count, one restart per window is allowed.
        int allowed = maxNrOfRetries < 0 ? 1 : maxNrOfRetries;
        long now = time.GetTimestamp();
        if (!_windowStarted)
        {
            _windowStarted = true;
            _windowStart = now;
        }

        if (time.GetElapsedTime(_windowStart, now) <= withinTimeRange.Value)
        {
            _retriesInWindow++;
            return _retriesInWindow <= allowed;
        }

        // The window has passed: start a new one that contains this restart.
        _retriesInWindow = 1;
        _windowStart = now;
        return true;
    }
}
