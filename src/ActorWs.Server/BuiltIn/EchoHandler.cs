using ActorWs.Server.Messaging;
using ActorWs.Server.Sessions;

namespace ActorWs.Server.BuiltIn;

/// <summary><c>/echo</c>: every message comes back as it was sent (text or binary, any size up to the limit).</summary>
/// <remarks>Stateless, so one instance serves every connection (<see cref="Shared"/>).</remarks>
public sealed class EchoHandler : WebSocketHandler
{
    /// <summary>The instance the default route hands every session.</summary>
    public static readonly EchoHandler Shared = new();

    /// <inheritdoc />
    public override void OnMessage(IWebSocketSession session, WebSocketMessage message) =>
        session.Send(message.Span, message.Type);
}
