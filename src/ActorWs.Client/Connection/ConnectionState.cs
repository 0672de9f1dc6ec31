namespace ActorWs.Client.Connection;

/// <summary>Where an <see cref="ActorWsClient"/> is in its life; reported by <see cref="Events.ConnectionStateChanged"/>.</summary>
public enum ConnectionState
{
    /// <summary>Created; <see cref="ActorWsClient.ConnectAsync"/> has not been called yet.</summary>
    Idle,
    /// <summary>The first connection is being opened.</summary>
    Connecting,
    /// <summary>Connected (and, when resuming, welcomed and back in its rooms): requests go out at once.</summary>
    Open,
    /// <summary>The connection dropped; the client is waiting out its backoff or opening a new connection. Requests wait.</summary>
    Reconnecting,
    /// <summary>Closed for good: by <see cref="ActorWsClient.CloseAsync"/>, by the server with a final close code, or after the last reconnection attempt.</summary>
    Closed,
}
