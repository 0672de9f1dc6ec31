namespace ActorWs.Actors;

/// <summary>How deep one actor's mailbox is, as reported by <see cref="ActorSystem.BusiestMailboxes"/>.</summary>
/// <param name="Actor">The actor.</param>
/// <param name="Queued">User messages waiting now.</param>
/// <param name="Peak">The deepest the mailbox was seen since the previous report (at least <paramref name="Queued"/>).</param>
public readonly record struct MailboxDepth(ActorPath Actor, int Queued, int Peak);
