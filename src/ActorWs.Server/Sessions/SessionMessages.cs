using Akka.Actor;
using Akka.Event;
using ActorWs.Server.Routing;

namespace ActorWs.Server.Sessions;

/// <summary>
/// Everything a session is created with. It lives as long as the session, so it keeps only what the session
/// exposes, not the request's header fields (which would cost about a kilobyte per idle connection).
/// </summary>
internal sealed record SessionSetup(
    string Id,
    IActorRef Connection,
    WebSocketRoute Route,
    string Path,
    string Query,
    IReadOnlyDictionary<string, string> RouteValues,
    Transport.IConnectionTransport Transport,
    object? Identity,
    string? Subprotocol)
{
    /// <summary>The resume token this session answers to (resumable routes only).</summary>
    public string? ResumeToken { get; init; }

    /// <summary>The token the client came back with, asking to resume an earlier session.</summary>
    public string? ResumeRequestedToken { get; init; }

    /// <summary>The last sequence number the resuming client processed.</summary>
    public long ResumeLastSeq { get; init; }

    /// <summary>Why the requested resume was refused (then this is a fresh session).</summary>
    public string? ResumeError { get; init; }
}

/// <summary>
/// Session manager → an earlier session: a client came back with your token (<see cref="SessionSetup.ResumeRequestedToken"/>)
/// on <paramref name="Setup"/>'s connection.
/// </summary>
internal sealed record Reattach(SessionSetup Setup, SessionHandoff Handoff);

/// <summary>
/// Session → session manager: a resume succeeded, so the token it used is spent; <paramref name="Current"/> replaces
/// <paramref name="Spent"/>. Told before the welcome carrying <paramref name="Current"/> goes to the client, so the manager
/// always knows a token before any client can come back with it.
/// </summary>
internal sealed record TokenRotated(string Spent, string Current);

/// <summary>Session → session manager: the resume was refused; make a fresh session instead.</summary>
internal sealed record ReattachRefused(SessionSetup Setup, string Reason, SessionHandoff Handoff);

/// <summary>
/// Session → session manager: forget my token (I am stopping). With <paramref name="Refusal"/>, the session ends because
/// it cannot be resumed: answer a resume with its token with those words for a while, not as an unknown token.
/// </summary>
internal sealed record SessionEnded(string Token, ResumeRefusal? Refusal = null) : IDeadLetterSuppression;

/// <summary>
/// Why a session that had to end cannot be resumed (<paramref name="Reason"/>), told to its client's resume if the
/// identity is the session's (<paramref name="Identity"/>; to any other the token is unknown), for <paramref name="For"/>.
/// </summary>
internal sealed record ResumeRefusal(object? Identity, string Reason, TimeSpan For);

/// <summary>Memory budget → session (from any thread): your resume buffer is the greediest; give it up.</summary>
internal sealed class ResumeBufferEvicted : IDeadLetterSuppression
{
    public static readonly ResumeBufferEvicted Instance = new();
}

/// <summary>Connection → session manager: create my session (whoever takes the connection takes it through <paramref name="Handoff"/>).</summary>
internal sealed record StartSession(SessionSetup Setup, SessionHandoff Handoff);

/// <summary>Session manager → connection: here it is.</summary>
internal sealed record SessionStarted(IActorRef Session);

/// <summary>Connection → session: the WebSocket is closed (sent once, as the connection stops).</summary>
internal sealed record ConnectionClosed(WebSocketClosed Status) : IDeadLetterSuppression;

/// <summary>Session → connection: start the close handshake.</summary>
internal sealed record CloseRequested(ushort Code, string Reason) : IDeadLetterSuppression;
