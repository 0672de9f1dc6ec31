namespace ActorWs.Actors;

/// <summary>
/// An immutable handle to an actor. Sending through it never blocks and never throws at the sender
/// because of the recipient's state: a message to a stopped actor becomes a <see cref="DeadLetter"/>.
/// Two references are equal when they denote the same actor incarnation (reference equality).
/// </summary>
/// <remarks>
/// Thread-safe: <see cref="Tell"/> may be called from any thread, including socket completion
/// callbacks outside any actor. Messages from one sender to one recipient arrive in the order they
/// were sent.
/// </remarks>
public interface IActorRef
{
    /// <summary>The actor's path.</summary>
    ActorPath Path { get; }

    /// <summary>Sends <paramref name="message"/> to the actor.</summary>
    /// <param name="message">The message; should be immutable.</param>
    /// <param name="sender">
    /// Who the recipient sees as <see cref="IActorContext.Sender"/>; <see langword="null"/> for
    /// none (replies then go to dead letters).
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> is null.</exception>
    void Tell(object message, IActorRef? sender);
}
