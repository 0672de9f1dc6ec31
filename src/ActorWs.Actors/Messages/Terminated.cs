namespace ActorWs.Actors;

/// <summary>
/// Delivered exactly once to every actor that watches <paramref name="ActorRef"/>
/// (<see cref="IActorContext.Watch"/>) when that actor has stopped, also when the watch was
/// established after the actor had already stopped (then <paramref name="ExistenceConfirmed"/> is
/// <see langword="false"/>). An actor that does not handle it fails with a
/// <see cref="DeathPactException"/>.
/// </summary>
/// <param name="ActorRef">The actor that stopped.</param>
/// <param name="ExistenceConfirmed">
/// <see langword="true"/> when the stopped actor itself reported its death; <see langword="false"/>
/// when the watch reached an actor that was already gone.
/// </param>
/// <remarks>Immutable; thread-safe.</remarks>
public sealed record Terminated(IActorRef ActorRef, bool ExistenceConfirmed) : IAutoReceivedMessage;

/// <summary>
/// Sent by the runtime to an actor that set a receive timeout
/// (<see cref="IActorContext.SetReceiveTimeout"/>) and received no message for that long. It keeps
/// firing after every further idle period until the timeout is cleared.
/// </summary>
/// <remarks>Immutable singleton; thread-safe.</remarks>
public sealed class ReceiveTimeout : INotInfluenceReceiveTimeout
{
    private ReceiveTimeout()
    {
    }

    /// <summary>The single instance.</summary>
    public static ReceiveTimeout Instance { get; } = new();

    /// <inheritdoc/>
    public override string ToString() => "<ReceiveTimeout>";
}

/// <summary>
/// Asks any actor for its reference: every live actor answers with an <see cref="ActorIdentity"/>
/// carrying the same <paramref name="MessageId"/>.
/// </summary>
/// <param name="MessageId">A correlation value echoed in the reply.</param>
/// <remarks>Immutable; thread-safe.</remarks>
public sealed record Identify(object? MessageId) : IAutoReceivedMessage;

/// <summary>The reply to <see cref="Identify"/>.</summary>
/// <param name="MessageId">The correlation value of the <see cref="Identify"/>.</param>
/// <param name="Subject">The identified actor.</param>
/// <remarks>Immutable; thread-safe.</remarks>
public sealed record ActorIdentity(object? MessageId, IActorRef? Subject);
