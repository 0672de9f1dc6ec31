using Microsoft.Extensions.Logging;

namespace ActorWs.Actors;

/// <summary>
/// The actor's view of itself and the runtime while it processes a message (also valid in the
/// constructor and lifecycle hooks and in <c>ReceiveAsync</c> continuations).
/// </summary>
/// <remarks>
/// Not thread-safe: use it only from the actor's own message processing. Do not capture it for use
/// from other threads (for example after <c>ConfigureAwait(false)</c>).
/// </remarks>
public interface IActorContext
{
    /// <summary>The actor's own reference.</summary>
    IActorRef Self { get; }

    /// <summary>
    /// The sender of the current message; <see cref="ActorSystem.DeadLetters"/> when it was sent
    /// without one.
    /// </summary>
    IActorRef Sender { get; }

    /// <summary>The supervising parent (<see cref="ActorRefs.Nobody"/> for the root guardian).</summary>
    IActorRef Parent { get; }

    /// <summary>The props the actor was created from.</summary>
    Props Props { get; }

    /// <summary>The actor system.</summary>
    ActorSystem System { get; }

    /// <summary>A snapshot of the actor's children, including ones that are stopping.</summary>
    IReadOnlyCollection<IActorRef> Children { get; }

    /// <summary>The current receive timeout, if one is set.</summary>
    TimeSpan? ReceiveTimeout { get; }

    /// <summary>The child named <paramref name="name"/>, or <see cref="ActorRefs.Nobody"/>.</summary>
    /// <param name="name">The child's name.</param>
    /// <returns>The child or Nobody.</returns>
    IActorRef Child(string name);

    /// <summary>Creates and starts a child actor. The child's constructor runs asynchronously on its own turn.</summary>
    /// <param name="props">The child's props.</param>
    /// <param name="name">A unique name among the siblings, or null for a generated one (<c>$a</c>, <c>$b</c>, ...).</param>
    /// <returns>The child's reference, usable at once (messages wait until it has started).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="props"/> is null.</exception>
    /// <exception cref="InvalidActorNameException">The name is invalid or already taken by a sibling.</exception>
    /// <remarks>When this actor is already stopping, the returned child is created stopped: its messages become dead letters.</remarks>
    IActorRef ActorOf(Props props, string? name = null);

    /// <summary>
    /// Stops <paramref name="actor"/> (a child or this actor) after its current message; its
    /// queued user messages become dead letters. The stop is a system message and overtakes them.
    /// </summary>
    /// <param name="actor">The actor to stop.</param>
    /// <exception cref="ArgumentException">The reference was not created by this runtime.</exception>
    void Stop(IActorRef actor);

    /// <summary>Starts watching <paramref name="subject"/>: a <see cref="Terminated"/> arrives exactly once when it stops (or at once if already stopped).</summary>
    /// <param name="subject">The actor to watch.</param>
    /// <returns><paramref name="subject"/>.</returns>
    /// <exception cref="ArgumentException">The reference was not created by this runtime.</exception>
    IActorRef Watch(IActorRef subject);

    /// <summary>Like <see cref="Watch"/> but delivers <paramref name="message"/> instead of <see cref="Terminated"/>.</summary>
    /// <param name="subject">The actor to watch.</param>
    /// <param name="message">The message to receive when it stops.</param>
    /// <returns><paramref name="subject"/>.</returns>
    /// <exception cref="ArgumentException">The reference was not created by this runtime.</exception>
    IActorRef WatchWith(IActorRef subject, object message);

    /// <summary>Stops watching <paramref name="subject"/>; a <see cref="Terminated"/> already queued for it is discarded.</summary>
    /// <param name="subject">The watched actor.</param>
    /// <returns><paramref name="subject"/>.</returns>
    /// <exception cref="ArgumentException">The reference was not created by this runtime.</exception>
    IActorRef Unwatch(IActorRef subject);

    /// <summary>Replaces the current behaviour (the top of the behaviour stack) with <paramref name="receive"/>.</summary>
    /// <param name="receive">The new behaviour.</param>
    void Become(Receive receive);

    /// <summary>Pushes <paramref name="receive"/> on the behaviour stack; <see cref="UnbecomeStacked"/> returns to the previous one.</summary>
    /// <param name="receive">The new behaviour.</param>
    void BecomeStacked(Receive receive);

    /// <summary>Pops the behaviour stack; with an empty stack the actor's initial behaviour is used.</summary>
    void UnbecomeStacked();

    /// <summary>
    /// Sets (or with <see langword="null"/> clears) the receive timeout: after that long without a
    /// message (other than <see cref="INotInfluenceReceiveTimeout"/> ones; the idle period counts
    /// from when the last one was taken for processing) the actor receives
    /// <see cref="Actors.ReceiveTimeout"/>, again after every further idle period. Cleared on
    /// restart and stop. A message may race with the timer, so a <see cref="Actors.ReceiveTimeout"/>
    /// can occasionally arrive right after another message, as in Akka.NET.
    /// </summary>
    /// <param name="timeout">The idle period, or null/infinite to clear.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is zero or negative (other than infinite).</exception>
    void SetReceiveTimeout(TimeSpan? timeout);

    /// <summary>
    /// A logger for this actor (category: the actor class) that puts <c>ActorPath</c> in the scope of
    /// every entry it writes.
    /// </summary>
    /// <returns>The logger (cached per actor).</returns>
    ILogger GetLogger();
}
