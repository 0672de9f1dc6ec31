using Akka.Actor;
using ActorWs.Protocol.Frames;
using ActorWs.Server.Buffers;

namespace ActorWs.Server.Sessions;

/// <summary>
/// The actor a <see cref="WebSocketSession"/> runs in: the connection actor itself on ordinary routes, a
/// <see cref="SessionActor"/> on resumable routes (whose sessions outlive a dropped connection).
/// </summary>
/// <remarks>Every member is called on the host actor's own turn.</remarks>
internal interface ISessionHost
{
    /// <summary>The host actor: rooms and the room manager answer it, and the handler's <c>Self</c> is it.</summary>
    IActorRef Self { get; }

    /// <summary>The host actor's context, for handlers that need timers, children or watches.</summary>
    IActorContext Context { get; }

    /// <summary>The connection actor (the host itself on ordinary routes): where a room sends what it broadcasts to non-numbered members.</summary>
    IActorRef Connection { get; }

    /// <summary>Whether room deliveries go through the host to be numbered and kept for a resume (resumable routes).</summary>
    bool SequencedDeliveries { get; }

    /// <summary>Queues <paramref name="frame"/> to the client, taking over its reference (released if no client is attached).</summary>
    void SendToClient(OutboundFrame frame);

    /// <summary>Sends a data message to the client (copied; nothing of <paramref name="payload"/> is kept).</summary>
    void SendToClient(WebSocketOpcode opcode, ReadOnlySpan<byte> payload);

    /// <summary>Starts the close handshake with the client, if one is attached.</summary>
    void CloseClient(ushort code, string reason);

    /// <summary>The resume token (resumable sessions only).</summary>
    string? ResumeToken { get; }

    /// <summary>Why the resume this connection asked for was refused (resumable sessions only).</summary>
    string? ResumeError { get; }

    /// <summary>The client has processed room messages up to <paramref name="seq"/> (resumable sessions only).</summary>
    void Acknowledge(long seq);

    /// <summary>Bytes queued to the client and not yet written to its socket.</summary>
    long OutboundBacklog { get; }

    /// <summary>The connection's outbound queue limit (<c>server.websocket.outbound-queue-limit</c>).</summary>
    long OutboundQueueLimit { get; }

    /// <summary>
    /// Tells the host actor <paramref name="notice"/> (once) when the outbound backlog has fallen to half the limit or
    /// below: how a producer that must not outrun the client (a Flow route's output) waits.
    /// </summary>
    void NotifyWhenOutboundDrained(object notice);

    /// <summary>The client ends the session: leave every room (consented) and close with 1000.</summary>
    void End();
}
