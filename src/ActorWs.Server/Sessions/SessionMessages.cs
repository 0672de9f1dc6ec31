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

    /// <summary>
    /// In a cluster: the resuming client's rooms, each with the position of the last delivery it processed from it, so
    /// that a session of another node can be resumed here (null when the client sent none).
    /// </summary>
    public IReadOnlyList<ResumePosition>? ResumePositions { get; init; }

    /// <summary>Whether this session resumes, on this node, one that lived on another node (its rooms are asked).</summary>
    public bool ResumesFromAnotherNode { get; init; }
}

/// <summary>
/// A resuming client's place in one of its rooms: the room (type and name) and the room's position of the last
/// delivery it processed. Sent as <c>pos=&lt;position&gt;:&lt;type&gt;:&lt;room&gt;</c> (type names have no ':';
/// room names may).
/// </summary>
internal readonly record struct ResumePosition(string RoomType, string Room, long Position)
{
    /// <summary>The well-formed ones of <paramref name="values"/> (at most <paramref name="max"/>, one per room); others are ignored.</summary>
    public static IReadOnlyList<ResumePosition>? ParseAll(IReadOnlyList<string> values, int max)
    {
        if (values.Count == 0) return null;
        var positions = new List<ResumePosition>();
        foreach (var value in values)
        {
            if (positions.Count >= max) break;
            if (TryParse(value, out var position) && !positions.Exists(p => p.Room == position.Room)) positions.Add(position);
        }
        return positions.Count == 0 ? null : positions;
    }

    /// <summary>Parses <c>&lt;position&gt;:&lt;type&gt;:&lt;room&gt;</c>.</summary>
    public static bool TryParse(string value, out ResumePosition position)
    {
        position = default;
        int first = value.IndexOf(':');
        if (first <= 0) return false;
        int second = value.IndexOf(':', first + 1);
        if (second <= first + 1 || second == value.Length - 1) return false;
        if (!long.TryParse(value.AsSpan(0, first), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long at)) return false;
        string room = value[(second + 1)..];
        if (Rooms.RoomNames.Problem(room) is not null) return false;
        position = new ResumePosition(value[(first + 1)..second], room, at);
        return true;
    }
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
