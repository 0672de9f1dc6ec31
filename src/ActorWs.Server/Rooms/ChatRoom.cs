using System.Net.WebSockets;
using System.Text;
using ActorWs.Server.Messaging;
using ActorWs.Server.Protocols.JsonRooms;

namespace ActorWs.Server.Rooms;

/// <summary>
/// The room behind the JSON room protocol (<c>/ws</c>): a member's <c>send</c> reaches every member as
/// <c>{"op":"message","room":…,"from":…,"data":…}</c>, and joins and leaves are announced to the others
/// as <c>{"op":"presence",…}</c>.
/// </summary>
public sealed class ChatRoom : Room
{
    /// <summary>The name this room type is registered under by default.</summary>
    public const string TypeName = "chat";

    private byte[]? _nameUtf8;

    private byte[] NameUtf8 => _nameUtf8 ??= Encoding.UTF8.GetBytes(Name);

    /// <inheritdoc />
    protected internal override void OnJoin(RoomMember member) =>
        BroadcastEvent((Name, member.Id), static (w, s) => JsonRoomEvents.WritePresence(w, s.Name, joined: true, s.Id), except: member);

    /// <inheritdoc />
    protected internal override void OnLeave(RoomMember member, bool consented) =>
        BroadcastEvent((Name, member.Id), static (w, s) => JsonRoomEvents.WritePresence(w, s.Name, joined: false, s.Id));

    /// <summary>Nothing but its members, which move with the room: it goes on on its new node without re-announcing them.</summary>
    protected internal override string? OnSnapshot() => "{}";

    /// <summary>The message's payload is the raw JSON <c>data</c> of the member's <c>send</c>.</summary>
    protected internal override void OnMessage(RoomMember member, WebSocketMessage message)
    {
        // Chat messages are the JSON data of a "send"; binary has no place in them.
        if (message.Type != WebSocketMessageType.Text) throw new RoomMessageRejectedException("chat rooms take JSON messages (op send), not binary");
        BroadcastEvent((Room: NameUtf8, From: member.Id, Data: message), static (w, s) => JsonRoomEvents.WriteMessage(w, s.Room, s.From, s.Data.Span));
    }
}
