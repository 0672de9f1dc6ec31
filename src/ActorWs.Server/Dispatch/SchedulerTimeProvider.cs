using Akka.Actor;

namespace ActorWs.Server.Dispatch;

/// <summary>
/// A <see cref="TimeProvider"/> that reads the clock of an actor system's scheduler, so the server's own time
/// (deadlines, rate limits, tick intervals) and its actors' timers move together: with Akka.TestKit's
/// <c>TestScheduler</c>, one <c>Advance</c> moves both.
/// </summary>
/// <remarks>Thread-safe. Timestamps are in <see cref="TimeSpan"/> ticks of the scheduler's monotonic clock.</remarks>
public sealed class SchedulerTimeProvider : TimeProvider
{
    private readonly ITimeProvider _clock;

    /// <summary>Reads <paramref name="clock"/> (usually <c>system.Scheduler</c>).</summary>
    public SchedulerTimeProvider(ITimeProvider clock) => _clock = clock ?? throw new ArgumentNullException(nameof(clock));

    /// <summary>
    /// The server's time for <paramref name="system"/>: the system clock when the system runs Akka.NET's default
    /// scheduler (which reads that clock too), otherwise the scheduler's own clock (a virtual one in tests).
    /// </summary>
    public static TimeProvider For(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return system.Scheduler is HashedWheelTimerScheduler || system.Scheduler is not ITimeProvider clock
            ? System
            : new SchedulerTimeProvider(clock);
    }

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => _clock.Now.ToUniversalTime();

    /// <inheritdoc />
    public override long GetTimestamp() => _clock.MonotonicClock.Ticks;

    /// <inheritdoc />
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;
}
