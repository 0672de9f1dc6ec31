namespace ActorWs.Actors;

/// <summary>How an actor is queued to the thread pool when a message finds it idle (chosen per <see cref="Props"/>).</summary>
public enum ActorScheduling
{
    /// <summary>
    /// As <see cref="ActorSystemSettings.PreferLocalScheduling"/> says: by default on the sending thread's own queue,
    /// which the thread takes newest first, so a request/reply chain stays on one warm thread.
    /// </summary>
    SystemDefault,

    /// <summary>
    /// Always on the thread pool's shared queue, first in first out: the actor runs after the work already queued.
    /// Meant for an actor that many others feed and that does better with several messages per turn (a room that
    /// broadcasts what its members send): meanwhile its mailbox fills, and one turn handles the lot.
    /// </summary>
    Fair,
}
