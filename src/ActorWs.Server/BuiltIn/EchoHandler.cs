using ActorWs.Server.Messaging;
using ActorWs.Server.Sessions;

namespace ActorWs.Server.BuiltIn;

/// <summary><c>/echo</c>: every message comes back as it was sent (text or binary, any size up to the limit).</summary>
public sealed class EchoHandler : WebSocketHandler
{
    /// <inheritdoc />
    public override void OnMessage(IWebSocketSession session, WebSocketMessage message) =>
        session.Send(message.Span, message.Type);
}
