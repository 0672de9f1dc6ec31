using ActorWs.Actors;
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
    System.Net.EndPoint? RemoteEndPoint,
    object? Identity,
    string? Subprotocol);

/// <summary>Connection → session manager: create my session.</summary>
internal sealed record StartSession(SessionSetup Setup);

/// <summary>Session manager → connection: here it is.</summary>
internal sealed record SessionStarted(IActorRef Session);

/// <summary>Connection → session: the WebSocket is closed (sent once, as the connection stops).</summary>
internal sealed record ConnectionClosed(WebSocketClosed Status);

/// <summary>Session → connection: start the close handshake.</summary>
internal sealed record CloseRequested(ushort Code, string Reason);
