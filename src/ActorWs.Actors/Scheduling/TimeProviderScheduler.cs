using Microsoft.Extensions.Logging;

namespace ActorWs.Actors;

/// <summary>
/// <see cref="IScheduler"/> on top of <see cref="TimeProvider.CreateTimer"/>: one timer per
/// scheduled item, tracked so that system termination can cancel them all.
/// </summary>
/// <remarks>Thread-safe.</remarks>
internal sealed class TimeProviderScheduler(TimeProvider time, ILogger log) : IScheduler
{
    private readonly object _gate = new();
    private readonly HashSet<ScheduledWork> _active = [];
    private bool _shutDown;

    public DateTimeOffset Now => time.GetUtcNow();

    internal int ActiveCount
    {
        get
        {
            lock (_gate)
            {
                return _active.Count;
            }
        }
    }

    public ICancelable ScheduleTellOnce(TimeSpan delay, IActorRef receiver, object message, IActorRef? sender)
    {
        ValidateTell(receiver, message);
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        return Schedule(new ScheduledWork(this, receiver, message, sender, null, repeat: false), delay, Timeout.InfiniteTimeSpan);
    }

    public ICancelable ScheduleTellRepeatedly(TimeSpan initialDelay, TimeSpan interval, IActorRef receiver, object message, IActorRef? sender)
    {
        ValidateTell(receiver, message);
        ValidatePeriod(initialDelay, interval);
        return Schedule(new ScheduledWork(this, receiver, message, sender, null, repeat: true), initialDelay, interval);
    }

    public ICancelable ScheduleOnce(TimeSpan delay, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        return Schedule(new ScheduledWork(this, null, null, null, action, repeat: false), delay, Timeout.InfiniteTimeSpan);
    }

    public ICancelable ScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        ValidatePeriod(initialDelay, interval);
        return Schedule(new ScheduledWork(this, null, null, null, action, repeat: true), initialDelay, interval);
    }

    /// <summary>Cancels everything; later schedules are cancelled at once.</summary>
    internal void Shutdown()
    {
        ScheduledWork[] all;
        lock (_gate)
        {
            _shutDown = true;
            all = [.. _active];
            _active.Clear();
        }

        foreach (var work in all)
        {
            work.Cancel();
        }
    }

    private static void ValidateTell(IActorRef receiver, object message)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        ArgumentNullException.ThrowIfNull(message);
    }

    private static void ValidatePeriod(TimeSpan initialDelay, TimeSpan interval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(initialDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
    }

    private ScheduledWork Schedule(ScheduledWork work, TimeSpan dueTime, TimeSpan period)
    {
        lock (_gate)
        {
            if (_shutDown)
            {
                work.Cancel();
                return work;
            }

            _active.Add(work);
        }

        work.Arm(time, dueTime, period);
        return work;
    }

    private void Forget(ScheduledWork work)
    {
        lock (_gate)
        {
            _active.Remove(work);
        }
    }

    /// <summary>One scheduled send or action.</summary>
    private sealed class ScheduledWork(
        TimeProviderScheduler owner, IActorRef? receiver, object? message, IActorRef? sender, Action? action, bool repeat)
        : ICancelable
    {
        private ITimer? _timer;
        private int _cancelled;

        public bool IsCancellationRequested => Volatile.Read(ref _cancelled) != 0;

        public void Cancel()
        {
            if (Interlocked.Exchange(ref _cancelled, 1) == 0)
            {
                Interlocked.Exchange(ref _timer, null)?.Dispose();
                owner.Forget(this);
            }
        }

        internal void Arm(TimeProvider time, TimeSpan dueTime, TimeSpan period)
        {
            // Create disarmed and publish the timer before arming, so a zero delay cannot fire
            // before the handle can be cancelled.
            var timer = time.CreateTimer(static s => ((ScheduledWork)s!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            Volatile.Write(ref _timer, timer);
            if (IsCancellationRequested)
            {
                Interlocked.Exchange(ref _timer, null)?.Dispose();
                return;
            }

            timer.Change(dueTime, period);
        }

        private void Fire()
        {
            if (IsCancellationRequested)
            {
                return;
            }

            if (!repeat)
            {
                Cancel();
            }

            try
            {
                if (action is not null)
                {
                    action();
                }
                else
                {
                    receiver!.Tell(message!, sender);
                }
            }
            catch (Exception failure)
            {
                owner.LogFailure(failure);
            }
        }
    }

    private void LogFailure(Exception failure) => log.LogError(failure, "A scheduled action threw: {Message}", failure.Message);
}
