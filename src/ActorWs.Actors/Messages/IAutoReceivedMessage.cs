namespace ActorWs.Actors;

/// <summary>
/// Marks a message that the runtime interprets itself before (or instead of) handing it to the
/// actor's behaviour: <see cref="PoisonPill"/>, <see cref="Kill"/>, <see cref="Identify"/> and
/// <see cref="Terminated"/>.
/// </summary>
/// <remarks>Marker interface; implementations are immutable and thread-safe.</remarks>
public interface IAutoReceivedMessage
{
}

/// <summary>
/// Marks a message whose arrival does not reset the actor's receive timeout
/// (see <see cref="IActorContext.SetReceiveTimeout"/>). Use it for periodic ticks that should not
/// keep an otherwise idle actor alive.
/// </summary>
/// <remarks>Marker interface; implementations should be immutable.</remarks>
public interface INotInfluenceReceiveTimeout
{
}
