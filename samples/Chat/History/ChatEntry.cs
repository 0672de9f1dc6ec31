namespace ActorWs.Samples.Chat.History;

/// <summary>One chat message as a room keeps it and sends it.</summary>
/// <remarks>Immutable; thread-safe.</remarks>
/// <param name="Id">The room's number for it: 1 for the room's first message, then one more for each (never reused, also across restarts).</param>
/// <param name="AuthorId">The author's member id (session id) when it was sent.</param>
/// <param name="AuthorName">The author's display name.</param>
/// <param name="Text">The message, trimmed.</param>
/// <param name="SentAtUnixMs">When the room received it (server time, milliseconds since 1970-01-01 UTC).</param>
/// <param name="ClientId">The sender's own id for it (<c>cid</c>), which makes a resend after a lost connection harmless; null when none was given.</param>
public sealed record ChatEntry(long Id, string AuthorId, string AuthorName, string Text, long SentAtUnixMs, string? ClientId);
