using Akka.Actor;

namespace ActorWs.Server.Dispatch;

/// <summary>
/// A <see cref="TimeProvider"/> that reads, and schedules with, an actor system's scheduler, so the server's own time
/// (deadlines, rate limits, tick loops) and its actors' timers move together: with Akka.TestKit's <c>TestScheduler</c>,
/// one <c>Advance</c> moves both.
/// </summary>
/// <remarks>
/// Thread-safe. Timestamps are <see cref="TimeSpan"/> ticks of the scheduler's <see cref="ITimeProvider.Now"/>: the clock
/// a scheduler schedules by (Akka.TestKit's <c>TestScheduler</c> moves only <c>Now</c>; its monotonic clock is the real one).
/// </remarks>
public sealed class SchedulerTimeProvider : TimeProvider
{
    private readonly IScheduler _scheduler;

    /// <summary>Reads <paramref name="scheduler"/> (usually <c>system.Scheduler</c>).</summary>
    public SchedulerTimeProvider(IScheduler scheduler) => _scheduler = scheduler ?? throw new ArgumentNullException(nameof(scheduler));

    /// <summary>
    /// The server's time for <paramref name="system"/>: the system clock when the system runs Akka.NET's default
    /// scheduler (which reads that clock too; its timers are precise to about a millisecond, where the scheduler's
    /// steps are 10 ms), otherwise the scheduler's own clock (a virtual one in tests).
    /// </summary>
    public static TimeProvider For(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return system.Scheduler is HashedWheelTimerScheduler ? System : new SchedulerTimeProvider(system.Scheduler);
    }

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => _scheduler.Now.ToUniversalTime();

    /// <inheritdoc />
    public override long GetTimestamp() => _scheduler.Now.UtcTicks;

    /// <inheritdoc />
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new SchedulerTimer(_scheduler, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>A timer whose every firing is one scheduled action; changing it cancels the pending one.</summary>
    private sealed class SchedulerTimer(IScheduler scheduler, TimerCallback callback, object? state) : ITimer
    {
        private readonly Lock _gate = new();
        private Cancelable? _pending;
        private TimeSpan _period = Timeout.InfiniteTimeSpan;
        private bool _disposed;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (_gate)
            {
                if (_disposed) return false;
                _pending?.Cancel();
                _pending = null;
                _period = period;
                if (dueTime != Timeout.InfiniteTimeSpan) ScheduleLocked(dueTime < TimeSpan.Zero ? TimeSpan.Zero : dueTime);
                return true;
            }
        }

        private void ScheduleLocked(TimeSpan delay)
        {
            var cancelable = new Cancelable(scheduler);
            _pending = cancelable;
            // Due now: fire at once, as a system timer would (a test scheduler would otherwise wait for the next Advance).
            if (delay <= TimeSpan.Zero) ThreadPool.UnsafeQueueUserWorkItem(static s => s.Timer.Fire(s.Cancelable), (Timer: this, Cancelable: cancelable), preferLocal: false);
            else scheduler.Advanced.ScheduleOnce(delay, () => Fire(cancelable), cancelable);
        }

        private void Fire(Cancelable fired)
        {
            lock (_gate)
            {
                if (_disposed || !ReferenceEquals(_pending, fired)) return;
                _pending = null;
                if (_period > TimeSpan.Zero && _period != Timeout.InfiniteTimeSpan) ScheduleLocked(_period);
            }
            callback(state);
        }

        public void Dispose()
        {
            lock (_gate)
            {
                _disposed = true;
                _pending?.Cancel();
                _pending = null;
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
