using ActorWs.Server.Messaging;

namespace ActorWs.Server.Rooms;

/// <summary>
/// A raw relay: every message a member sends goes, unchanged, to every member, the sender included.
/// No presence messages are sent (they would mix with the members' own payloads).
/// </summary>
public sealed class RelayRoom : Room
{
    /// <summary>The name this room type is registered under by default.</summary>
    public const string TypeName = "relay";

    /// <summary>Nothing but its members, which move with the room: it goes on on its new node without re-announcing them.</summary>
    protected internal override string? OnSnapshot() => "{}";

    /// <inheritdoc />
    protected internal override void OnMessage(RoomMember member, WebSocketMessage message) =>
        Broadcast(message.Span, message.Type);
}
