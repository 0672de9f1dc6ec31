namespace ActorWs.Actors;

/// <summary>
/// Implemented by actors that set messages aside with <see cref="IStash"/>. The runtime assigns
/// <see cref="Stash"/> before the actor's constructor body runs.
/// </summary>
/// <remarks>The stash is owned by the actor; not thread-safe.</remarks>
public interface IWithStash
{
    /// <summary>The actor's stash (assigned by the runtime).</summary>
    IStash Stash { get; set; }
}

/// <summary>
/// Messages set aside by an actor for later. On restart the stashed messages go back to the front
/// of the mailbox; when the actor stops they become dead letters.
/// </summary>
/// <remarks>Not thread-safe: use only while processing a message of the owning actor.</remarks>
public interface IStash
{
    /// <summary>Number of stashed messages.</summary>
    int Count { get; }

    /// <summary>Stashes the current message with its sender.</summary>
    /// <exception cref="IllegalActorStateException">There is no current message, or it was already stashed.</exception>
    void Stash();

    /// <summary>Returns the oldest stashed message to the front of the mailbox.</summary>
    void Unstash();

    /// <summary>Returns all stashed messages to the front of the mailbox, keeping their order.</summary>
    void UnstashAll();

    /// <summary>Returns the stashed messages matching <paramref name="predicate"/> to the front of the mailbox, keeping their order; discards the others.</summary>
    /// <param name="predicate">Which envelopes to return.</param>
    /// <exception cref="ArgumentNullException"><paramref name="predicate"/> is null.</exception>
    void UnstashAll(Func<Envelope, bool> predicate);

    /// <summary>Discards all stashed messages and returns them.</summary>
    /// <returns>The discarded envelopes, oldest first.</returns>
    IReadOnlyList<Envelope> ClearStash();
}

/// <summary>
/// Implemented by actors that use keyed timers. The runtime assigns <see cref="Timers"/> before the
/// actor's constructor body runs. All timers are cancelled when the actor restarts or stops.
/// </summary>
/// <remarks>The scheduler is owned by the actor; not thread-safe.</remarks>
public interface IWithTimers
{
    /// <summary>The actor's timers (assigned by the runtime).</summary>
    ITimerScheduler Timers { get; set; }
}

/// <summary>
/// Keyed timers that send messages to the owning actor. Starting a timer with a key that is
/// active replaces it; a cancelled or replaced timer's message is never delivered, even if it was
/// already queued.
/// </summary>
/// <remarks>Not thread-safe: use only from the owning actor. Driven by the system's <see cref="TimeProvider"/>.</remarks>
public interface ITimerScheduler
{
    /// <summary>Sends <paramref name="message"/> once after <paramref name="timeout"/>.</summary>
    /// <param name="key">Identifies the timer.</param>
    /// <param name="message">The message to send to self.</param>
    /// <param name="timeout">The delay.</param>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> or <paramref name="message"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative.</exception>
    void StartSingleTimer(object key, object message, TimeSpan timeout);

    /// <summary>Sends <paramref name="message"/> every <paramref name="interval"/>, first after one interval.</summary>
    /// <param name="key">Identifies the timer.</param>
    /// <param name="message">The message to send to self.</param>
    /// <param name="interval">The period.</param>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> or <paramref name="message"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="interval"/> is not positive.</exception>
    void StartPeriodicTimer(object key, object message, TimeSpan interval);

    /// <summary>Sends <paramref name="message"/> after <paramref name="initialDelay"/> and then every <paramref name="interval"/>.</summary>
    /// <param name="key">Identifies the timer.</param>
    /// <param name="message">The message to send to self.</param>
    /// <param name="initialDelay">Delay before the first message.</param>
    /// <param name="interval">The period.</param>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> or <paramref name="message"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The delay is negative or the interval not positive.</exception>
    void StartPeriodicTimer(object key, object message, TimeSpan initialDelay, TimeSpan interval);

    /// <summary>Whether a timer with <paramref name="key"/> is active.</summary>
    /// <param name="key">The timer key.</param>
    /// <returns>True when active.</returns>
    bool IsTimerActive(object key);

    /// <summary>Cancels the timer with <paramref name="key"/>, if any.</summary>
    /// <param name="key">The timer key.</param>
    void Cancel(object key);

    /// <summary>Cancels all timers.</summary>
    void CancelAll();
}

/// <summary>
/// Opt-in hook called by the mailbox at the end of every turn in which the actor processed at
/// least one user message (a turn handles up to the throughput setting). Use it to do once per
/// batch what would be wasteful per message, such as flushing a socket write buffer.
/// </summary>
/// <remarks>
/// Called on the actor's own turn, with the context available and no current message. An
/// exception thrown from it is a failure of the actor, handled by its supervisor. Not called while
/// the actor is failed, stopping or awaiting a <c>ReceiveAsync</c> handler.
/// An alternative without this interface: a self-<c>Tell</c> of a preallocated "flush" message
/// lands after the messages already queued.
/// </remarks>
public interface IWithBatchCompletion
{
    /// <summary>The current batch of messages has been processed.</summary>
    void OnBatchCompleted();
}
