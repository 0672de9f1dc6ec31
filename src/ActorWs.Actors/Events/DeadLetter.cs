namespace ActorWs.Actors;

/// <summary>
/// Published on the <see cref="EventStream"/> when a message could not be delivered: the recipient
/// had stopped, its bounded mailbox dropped it, or it was sent to <see cref="ActorSystem.DeadLetters"/>.
/// </summary>
/// <param name="Message">The undelivered message.</param>
/// <param name="Sender">Its sender (<see cref="ActorSystem.DeadLetters"/> when there was none).</param>
/// <param name="Recipient">The intended recipient.</param>
/// <remarks>Immutable; thread-safe.</remarks>
public sealed record DeadLetter(object Message, IActorRef Sender, IActorRef Recipient);

/// <summary>
/// Published on the <see cref="EventStream"/> when an actor's behaviour did not handle a message
/// (it is also logged at debug level).
/// </summary>
/// <param name="Message">The unhandled message.</param>
/// <param name="Sender">Its sender (<see cref="ActorSystem.DeadLetters"/> when there was none).</param>
/// <param name="Recipient">The actor that did not handle it.</param>
/// <remarks>Immutable; thread-safe.</remarks>
public sealed record UnhandledMessage(object Message, IActorRef Sender, IActorRef Recipient);
