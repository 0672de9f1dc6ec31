using ActorWs.Actors;
using ActorWs.Server.Routing;

namespace ActorWs.Server.Sessions;

/// <summary>Everything a session is created with.</summary>
internal sealed record SessionSetup(
    string Id,
    IActorRef Connection,
    WebSocketRoute Route,
    UpgradeRequest Request,
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
