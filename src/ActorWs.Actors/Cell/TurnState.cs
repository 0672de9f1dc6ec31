namespace ActorWs.Actors;

/// <summary>
/// What the turn running on this thread is processing: the cell, the current message and its
/// sender. Kept per thread rather than per actor so that the actor object is not written for every
/// message (producers on other cores read it to enqueue), and so that idle actors do not carry it.
/// </summary>
/// <remarks>Thread-affine: each thread-pool thread runs at most one turn at a time.</remarks>
internal sealed class TurnState
{
    [ThreadStatic]
    private static TurnState? t_state;

    internal ActorCell? Cell;
    internal object? Message;
    internal IActorRef? Sender;

    /// <summary>Counts messages processed on this thread; with the instance it identifies one delivery.</summary>
    internal long Sequence;

    internal static TurnState ForCurrentThread => t_state ??= new TurnState();

    internal static TurnState? CurrentOrNull => t_state;
}
