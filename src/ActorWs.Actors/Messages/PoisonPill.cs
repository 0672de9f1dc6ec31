namespace ActorWs.Actors;

/// <summary>
/// Stops the receiving actor when it is processed. It is queued like any other message, so every
/// message already in the mailbox is processed first; messages behind it go to dead letters.
/// Compare <see cref="Kill"/> (fails the actor) and <see cref="IActorContext.Stop"/> (a system
/// message that overtakes queued user messages).
/// </summary>
/// <remarks>Immutable singleton; thread-safe.</remarks>
public sealed class PoisonPill : IAutoReceivedMessage
{
    private PoisonPill()
    {
    }

    /// <summary>The single instance.</summary>
    public static PoisonPill Instance { get; } = new();

    /// <inheritdoc/>
    public override string ToString() => "<PoisonPill>";
}

/// <summary>
/// Makes the receiving actor throw an <see cref="ActorKilledException"/> when the message is
/// processed (in mailbox order, as in Akka.NET). The failure goes through supervision; the default
/// strategy stops the actor, and a strategy that restarts it keeps the mailbox.
/// </summary>
/// <remarks>Immutable singleton; thread-safe.</remarks>
public sealed class Kill : IAutoReceivedMessage
{
    private Kill()
    {
    }

    /// <summary>The single instance.</summary>
    public static Kill Instance { get; } = new();

    /// <inheritdoc/>
    public override string ToString() => "<Kill>";
}
