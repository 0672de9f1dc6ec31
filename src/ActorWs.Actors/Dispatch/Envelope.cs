namespace ActorWs.Actors;

/// <summary>
/// A message together with its sender, as stored in a mailbox. A struct so that enqueuing a
/// preallocated message allocates nothing.
/// </summary>
/// <param name="Message">The message.</param>
/// <param name="Sender">The sender, or <see langword="null"/> when there is none.</param>
/// <remarks>Immutable value; thread-safe.</remarks>
public readonly record struct Envelope(object Message, IActorRef? Sender);
