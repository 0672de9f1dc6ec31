namespace ActorWs.Actors;

/// <summary>A handle to scheduled work.</summary>
/// <remarks>Thread-safe.</remarks>
public interface ICancelable
{
    /// <summary>Whether <see cref="Cancel"/> was called (or the scheduler shut down).</summary>
    bool IsCancellationRequested { get; }

    /// <summary>
    /// Cancels the scheduled work; idempotent. A tick already firing on another thread may still
    /// complete (for exact cancellation inside an actor use <see cref="ITimerScheduler"/>).
    /// </summary>
    void Cancel();
}

/// <summary>
/// Sends messages or runs actions later, driven by the system's <see cref="TimeProvider"/> (so tests
/// control time). Everything scheduled is cancelled when the actor system terminates.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public interface IScheduler
{
    /// <summary>The current time of the scheduler's clock.</summary>
    DateTimeOffset Now { get; }

    /// <summary>Tells <paramref name="message"/> to <paramref name="receiver"/> once after <paramref name="delay"/>.</summary>
    /// <param name="delay">Delay (zero or more).</param>
    /// <param name="receiver">The recipient.</param>
    /// <param name="message">The message.</param>
    /// <param name="sender">The sender the recipient sees, or null.</param>
    /// <returns>A handle to cancel the send.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="receiver"/> or <paramref name="message"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is negative.</exception>
    ICancelable ScheduleTellOnce(TimeSpan delay, IActorRef receiver, object message, IActorRef? sender);

    /// <summary>Tells <paramref name="message"/> after <paramref name="initialDelay"/> and then every <paramref name="interval"/>.</summary>
    /// <param name="initialDelay">Delay before the first send (zero or more).</param>
    /// <param name="interval">Period (positive).</param>
    /// <param name="receiver">The recipient.</param>
    /// <param name="message">The message (reused for every send).</param>
    /// <param name="sender">The sender the recipient sees, or null.</param>
    /// <returns>A handle to stop the sends.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="receiver"/> or <paramref name="message"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The delay is negative or the interval not positive.</exception>
    ICancelable ScheduleTellRepeatedly(TimeSpan initialDelay, TimeSpan interval, IActorRef receiver, object message, IActorRef? sender);

    /// <summary>Runs <paramref name="action"/> once after <paramref name="delay"/> on a timer thread; exceptions are logged.</summary>
    /// <param name="delay">Delay (zero or more).</param>
    /// <param name="action">The action.</param>
    /// <returns>A handle to cancel it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="action"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is negative.</exception>
    ICancelable ScheduleOnce(TimeSpan delay, Action action);

    /// <summary>Runs <paramref name="action"/> after <paramref name="initialDelay"/> and then every <paramref name="interval"/>; exceptions are logged.</summary>
    /// <param name="initialDelay">Delay before the first run (zero or more).</param>
    /// <param name="interval">Period (positive).</param>
    /// <param name="action">The action.</param>
    /// <returns>A handle to stop it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="action"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The delay is negative or the interval not positive.</exception>
    ICancelable ScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, Action action);
}
