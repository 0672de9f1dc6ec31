using Microsoft.Extensions.Logging;

namespace ActorWs.Actors;

/// <summary>
/// State that most actors never need (behaviour stack, death watch, timers, stash, logger,
/// pending async handler, failure bookkeeping), kept out of <see cref="ActorCell"/> and allocated
/// on first use so that idle actors stay small.
/// </summary>
/// <remarks>Not thread-safe: only the owning cell's turn touches it.</remarks>
internal sealed class CellExtras
{
    internal List<Receive?>? BehaviorStack;

    /// <summary>Actors this one watches, with the custom message of <c>WatchWith</c> (null for <see cref="Terminated"/>).</summary>

    /// <summary>Actors that watch this one.</summary>

    /// <summary>Watched actors whose termination message is queued but not yet delivered.</summary>
    internal SmallRefSet TerminatedQueued;

    internal ReceiveTimeoutState? ReceiveTimeout;


    internal ActorStash? Stash;

    internal ILogger? Logger;

    internal AsyncInvocation? PendingAsync;

    /// <summary>The message being processed when the actor failed, passed to PreRestart.</summary>
    internal object? FailedMessage;

    /// <summary>The child whose escalated failure made this actor fail.</summary>
    internal ActorCell? Perpetrator;
}
