namespace ActorWs.Actors.TestKit;

/// <summary>
/// A <see cref="TimeProvider"/> whose clock moves only when the test calls <see cref="Advance"/>:
/// timers (and with them the scheduler, actor timers, receive and ask timeouts) fire
/// synchronously on the advancing thread, in due-time order, each seeing the clock at its own due
/// time. A timer due "now" fires on the next <see cref="Advance"/>, also <c>Advance(TimeSpan.Zero)</c>.
/// </summary>
/// <remarks>Thread-safe. Concurrent <see cref="Advance"/> calls are serialized.</remarks>
public sealed class TestTimeProvider : TimeProvider
{
    /// <summary>The clock's default start: 2025-01-01T00:00:00Z.</summary>
    public static readonly DateTimeOffset DefaultStart = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly object _gate = new();
    private readonly object _advanceGate = new();
    private readonly List<FakeTimer> _timers = [];
    private DateTimeOffset _now;
    private long _nextTimerId;

    /// <summary>Creates the clock.</summary>
    /// <param name="start">The initial time; <see cref="DefaultStart"/> when null.</param>
    public TestTimeProvider(DateTimeOffset? start = null)
    {
        _now = start ?? DefaultStart;
    }

    /// <inheritdoc/>
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc/>
    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <summary>Timers that are armed (will fire on some future advance).</summary>
    public int ArmedTimerCount
    {
        get
        {
            lock (_gate)
            {
                return _timers.Count(t => t.DueAt is not null);
            }
        }
    }

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    /// <inheritdoc/>
    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    /// <inheritdoc/>
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        lock (_gate)
        {
            var timer = new FakeTimer(this, callback, state, ++_nextTimerId);
            _timers.Add(timer);
            timer.ChangeLocked(dueTime, period);
            return timer;
        }
    }

    /// <summary>Moves the clock forward by <paramref name="delta"/>, firing every timer that falls due.</summary>
    /// <param name="delta">How far (zero or more).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delta"/> is negative.</exception>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        lock (_advanceGate)
        {
            DateTimeOffset target;
            lock (_gate)
            {
                target = _now + delta;
            }

            while (true)
            {
                FakeTimer? due;
                lock (_gate)
                {
                    due = NextDueLocked(target);
                    if (due is null)
                    {
                        _now = target;
                        return;
                    }

                    if (due.DueAt > _now)
                    {
                        _now = due.DueAt.Value;
                    }

                    due.OnFiringLocked();
                }

                due.Invoke();
            }
        }
    }

    /// <summary>Moves the clock to <paramref name="value"/>, firing every timer that falls due.</summary>
    /// <param name="value">The new time (not before the current one).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is in the past.</exception>
    public void SetUtcNow(DateTimeOffset value)
    {
        var now = GetUtcNow();
        if (value < now)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "A test clock does not go backwards.");
        }

        Advance(value - now);
    }

    private FakeTimer? NextDueLocked(DateTimeOffset target)
    {
        FakeTimer? best = null;
        foreach (var timer in _timers)
        {
            if (timer.DueAt is { } dueAt && dueAt <= target
                && (best is null || dueAt < best.DueAt || (dueAt == best.DueAt && timer.Id < best.Id)))
            {
                best = timer;
            }
        }

        return best;
    }

    /// <summary>A timer of the test clock.</summary>
    /// <remarks>Thread-safe through the owning provider's lock.</remarks>
    private sealed class FakeTimer(TestTimeProvider owner, TimerCallback callback, object? state, long id) : ITimer
    {
        private TimeSpan _period = Timeout.InfiniteTimeSpan;
        private bool _disposed;

        internal long Id { get; } = id;

        internal DateTimeOffset? DueAt { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._gate)
            {
                return ChangeLocked(dueTime, period);
            }
        }

        public void Dispose()
        {
            lock (owner._gate)
            {
                _disposed = true;
                DueAt = null;
                owner._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }

        internal bool ChangeLocked(TimeSpan dueTime, TimeSpan period)
        {
            if (_disposed)
            {
                return false;
            }

            _period = period;
            DueAt = dueTime == Timeout.InfiniteTimeSpan ? null : owner._now + (dueTime < TimeSpan.Zero ? TimeSpan.Zero : dueTime);
            return true;
        }

        /// <summary>Re-arms a periodic timer (or disarms a one-shot) before its callback runs.</summary>
        internal void OnFiringLocked()
        {
            bool periodic = _period != Timeout.InfiniteTimeSpan && _period > TimeSpan.Zero;
            DueAt = periodic ? DueAt + _period : null;
        }

        internal void Invoke() => callback(state);
    }
}
