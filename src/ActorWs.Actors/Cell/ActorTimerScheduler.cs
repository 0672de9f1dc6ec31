namespace ActorWs.Actors;

/// <summary>
/// Keyed timers of one actor instance. Each start creates a fresh <see cref="TimerMessage"/> that
/// is reused for every tick of a periodic timer (no allocation per tick); a tick is delivered only
/// if its message is still the one registered under its key, which is what makes cancel and
/// replace exact even when a tick is already queued.
/// </summary>
/// <remarks>Not thread-safe except the timer callbacks, which only enqueue to the owner.</remarks>
internal sealed class ActorTimerScheduler(ActorCell owner) : ITimerScheduler
{
    private Dictionary<object, Entry>? _timers;

    public void StartSingleTimer(object key, object message, TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.Zero);
        Start(key, message, timeout, Timeout.InfiniteTimeSpan, repeat: false);
    }

    public void StartPeriodicTimer(object key, object message, TimeSpan interval)
        => StartPeriodicTimer(key, message, interval, interval);

    public void StartPeriodicTimer(object key, object message, TimeSpan initialDelay, TimeSpan interval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(initialDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        Start(key, message, initialDelay, interval, repeat: true);
    }

    public bool IsTimerActive(object key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _timers?.ContainsKey(key) == true;
    }

    public void Cancel(object key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_timers is not null && _timers.Remove(key, out var entry))
        {
            entry.Timer.Dispose();
        }
    }

    public void CancelAll()
    {
        if (_timers is null)
        {
            return;
        }

        foreach (var entry in _timers.Values)
        {
            entry.Timer.Dispose();
        }

        _timers.Clear();
    }

    /// <summary>Whether a tick that reached the front of the mailbox is still current.</summary>
    internal bool Accept(TimerMessage tick)
    {
        if (_timers is null || !_timers.TryGetValue(tick.Key, out var entry) || !ReferenceEquals(entry.Tick, tick))
        {
            return false;
        }

        if (!entry.Repeat)
        {
            _timers.Remove(tick.Key);
            entry.Timer.Dispose();
        }

        return true;
    }

    private void Start(object key, object message, TimeSpan dueTime, TimeSpan period, bool repeat)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(message);
        Cancel(key);
        var tick = new TimerMessage(this, key, message);
        var timer = owner.System.TimeProvider.CreateTimer(
            static state => ((TimerMessage)state!).Fire(), tick, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        (_timers ??= [])[key] = new Entry(tick, timer, repeat);
        timer.Change(dueTime, period);
    }

    private void Enqueue(TimerMessage tick) => owner.PostInternal(tick, null);

    private readonly record struct Entry(TimerMessage Tick, ITimer Timer, bool Repeat);

    /// <summary>The envelope a timer puts in the mailbox; unwrapped before the actor sees it.</summary>
    internal sealed class TimerMessage(ActorTimerScheduler owner, object key, object message) : IAutoReceivedMessage
    {
        internal ActorTimerScheduler Owner { get; } = owner;

        internal object Key { get; } = key;

        internal object Message { get; } = message;

        internal void Fire() => Owner.Enqueue(this);

        public override string ToString() => $"Timer[{Key}]: {Message}";
    }
}
