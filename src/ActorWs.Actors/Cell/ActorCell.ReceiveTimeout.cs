namespace ActorWs.Actors;

/// <summary>
/// Receive timeout. Rather than resetting a timer on every message, each message just records a
/// timestamp; the single timer, when it fires, checks how long the actor has really been idle and
/// either sends <see cref="ReceiveTimeout"/> or re-arms itself for the remainder.
/// </summary>
internal sealed partial class ActorCell
{
    void IActorContext.SetReceiveTimeout(TimeSpan? timeout)
    {
        if (timeout is null || timeout == Timeout.InfiniteTimeSpan)
        {
            CancelReceiveTimeout();
            return;
        }

        if (timeout.Value <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "A receive timeout must be positive (or null to clear it).");
        }

        var extras = Extras;
        if (extras.ReceiveTimeout is { } existing)
        {
            existing.Restart(timeout.Value);
        }
        else
        {
            extras.ReceiveTimeout = new ReceiveTimeoutState(this, _system.TimeProvider, timeout.Value);
        }
    }

    private void CancelReceiveTimeout()
    {
        if (_extras?.ReceiveTimeout is { } state)
        {
            _extras.ReceiveTimeout = null;
            state.Dispose();
        }
    }
}

/// <summary>The armed receive timeout of one actor.</summary>
/// <remarks>
/// Thread-safety: <see cref="MarkActivity"/> and <see cref="Restart"/> run on the actor's turn; the
/// timer callback runs on a timer thread. The shared fields are a timestamp and a timeout read and
/// written atomically; a benign race can at worst deliver one <see cref="ReceiveTimeout"/> right
/// after a message arrived, which Akka.NET documents as possible too.
/// </remarks>
internal sealed class ReceiveTimeoutState : IDisposable
{
    private readonly ActorCell _owner;
    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private long _lastActivity;
    private long _timeoutTicks;
    private int _disposed;

    internal ReceiveTimeoutState(ActorCell owner, TimeProvider time, TimeSpan timeout)
    {
        _owner = owner;
        _time = time;
        _timeoutTicks = timeout.Ticks;
        _lastActivity = time.GetTimestamp();
        _timer = time.CreateTimer(static s => ((ReceiveTimeoutState)s!).OnTimer(), this, System.Threading.Timeout.InfiniteTimeSpan, System.Threading.Timeout.InfiniteTimeSpan);
        _timer.Change(timeout, System.Threading.Timeout.InfiniteTimeSpan);
    }

    internal TimeSpan Timeout => TimeSpan.FromTicks(Volatile.Read(ref _timeoutTicks));

    internal void MarkActivity() => Volatile.Write(ref _lastActivity, _time.GetTimestamp());

    internal void Restart(TimeSpan timeout)
    {
        Volatile.Write(ref _timeoutTicks, timeout.Ticks);
        MarkActivity();
        _timer.Change(timeout, System.Threading.Timeout.InfiniteTimeSpan);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _timer.Dispose();
        }
    }

    private void OnTimer()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        var timeout = Timeout;
        var idle = _time.GetElapsedTime(Volatile.Read(ref _lastActivity));
        try
        {
            if (idle >= timeout)
            {
                MarkActivity();
                _owner.PostInternal(ReceiveTimeout.Instance, null);
                _timer.Change(timeout, System.Threading.Timeout.InfiniteTimeSpan);
            }
            else
            {
                _timer.Change(timeout - idle, System.Threading.Timeout.InfiniteTimeSpan);
            }
        }
        catch (ObjectDisposedException)
        {
            // Cancelled concurrently; nothing to re-arm.
        }
    }
}
