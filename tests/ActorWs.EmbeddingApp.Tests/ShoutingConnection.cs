using Akka.Actor;
using ActorWs.Server.ActorRoutes;

namespace ActorWs.EmbeddingApp.Tests;

/// <summary>The application's actor for one connection of <c>/actor</c>: answers every message upper-cased.</summary>
public sealed class ShoutingConnection : UntypedActor
{
    protected override void OnReceive(object message)
    {
        if (message is WebSocketMessageReceived received) Sender.Tell(SendWebSocketMessage.OfText(received.Text.ToUpperInvariant()));
    }
}
