namespace ActorWs.Actors;

/// <summary>
/// A parent's children: by name, which of them are stopping, their restart statistics, the
/// generated-name counter, and what the parent waits for while children stop (its own stop, a
/// restart, or a re-creation). Allocated only for actors that ever have children.
/// </summary>
/// <remarks>
/// Thread-safety: <see cref="ByName"/>, <see cref="StoppingAll"/> and <see cref="NextGeneratedNameId"/>
/// are guarded by locking the container (guardians accept ActorOf from any thread); the rest is
/// touched only on the parent's turn.
/// </remarks>
internal sealed class ChildrenContainer
{
    internal readonly Dictionary<string, ActorCell> ByName = new(StringComparer.Ordinal);

    internal HashSet<ActorCell>? Stopping;

    internal Dictionary<ActorCell, ChildRestartStats>? RestartStats;

    internal long NextGeneratedNameId;

    /// <summary>Set when the parent stops: new children are created dead.</summary>
    internal bool StoppingAll;

    internal PendingAfterChildren Pending;

    internal Exception? PendingCause;

    internal int StoppingCount => Stopping?.Count ?? 0;
}

/// <summary>What a parent does once its stopping children are gone.</summary>
internal enum PendingAfterChildren
{
    Nothing,
    FinishTerminate,
    FinishRecreate,
    FinishCreate,
}
