using System.Net.WebSockets;
using System.Text;
using ActorWs.Server.Messaging;
using ActorWs.Server.Protocols.JsonRooms;
using ActorWs.Server.Rooms;
using ActorWs.Server.Sessions;

namespace ActorWs.Server.BuiltIn;

/// <summary>
/// <c>/ws</c>: the JSON room protocol (documented in the README). Bad requests get an
/// <c>{"op":"error",…}</c> reply; the connection stays.
/// </summary>
public sealed class JsonRoomsHandler : WebSocketHandler
{
    /// <inheritdoc />
    public override void OnMessage(IWebSocketSession session, WebSocketMessage message)
    {
        if (message.Type != WebSocketMessageType.Text)
        {
            Reply(session, default, "binary messages are not part of the JSON room protocol");
            return;
        }
        Span<byte> scratch = stackalloc byte[JsonRoomCommandParser.MaxRoomNameBytes];
        if (!JsonRoomCommandParser.TryParse(message.Span, scratch, out var command, out var error, out var errorRef))
        {
            Reply(session, errorRef, error!);
            return;
        }
        switch (command.Op)
        {
            case JsonRoomOp.Join:
                session.JoinRoom(Encoding.UTF8.GetString(command.Room), Tag(command.Ref));
                break;
            case JsonRoomOp.Leave:
                session.LeaveRoom(Encoding.UTF8.GetString(command.Room), Tag(command.Ref));
                break;
            case JsonRoomOp.Send:
                Span<char> room = stackalloc char[JsonRoomCommandParser.MaxRoomNameBytes];
                int length = Encoding.UTF8.GetChars(command.Room, room);
                if (!session.SendToRoom(room[..length], command.Data, WebSocketMessageType.Text))
                    Reply(session, command.Ref, $"not a member of room \"{room[..length]}\"");
                else if (!command.Ref.IsEmpty)
                    ReplyOk(session, command.Ref, default);
                break;
            case JsonRoomOp.Ping:
                ReplyOk(session, command.Ref, default);
                break;
        }
    }

    /// <inheritdoc />
    public override void OnRoomEvent(IWebSocketSession session, RoomEvent roomEvent)
    {
        switch (roomEvent)
        {
            case RoomJoined joined:
                session.Send((Ref: RefBytes(joined.Tag), Room: joined.Room, joined.Members),
                    static (w, s) => JsonRoomEvents.WriteOk(w, s.Ref, Encoding.UTF8.GetBytes(s.Room), s.Members.ToArray()), WebSocketMessageType.Text);
                break;
            case RoomJoinFailed failed:
                Reply(session, RefBytes(failed.Tag), failed.Reason);
                break;
            case RoomLeft left:
                ReplyOk(session, RefBytes(left.Tag), Encoding.UTF8.GetBytes(left.Room));
                break;
            case RoomRestarted restarted:
                session.Send(restarted, static (w, s) => JsonRoomEvents.WriteRoomNotice(w, s.Room, restarted: true, s.Reason), WebSocketMessageType.Text);
                break;
            case RoomClosed closed:
                session.Send(closed, static (w, s) => JsonRoomEvents.WriteRoomNotice(w, s.Room, restarted: false, s.Reason), WebSocketMessageType.Text);
                break;
        }
    }

    /// <summary>The ref travels through the room as a tag: its raw JSON text (null when absent).</summary>
    private static string? Tag(ReadOnlySpan<byte> @ref) => @ref.IsEmpty ? null : Encoding.UTF8.GetString(@ref);

    private static byte[] RefBytes(object? tag) => tag is string s ? Encoding.UTF8.GetBytes(s) : [];

    private static void ReplyOk(IWebSocketSession session, ReadOnlySpan<byte> @ref, ReadOnlySpan<byte> room)
    {
        // The spans are copied into arrays only for the writer callback's state; replies are not the hot path.
        session.Send((Ref: @ref.ToArray(), Room: room.ToArray()), static (w, s) => JsonRoomEvents.WriteOk(w, s.Ref, s.Room), WebSocketMessageType.Text);
    }

    private static void Reply(IWebSocketSession session, ReadOnlySpan<byte> @ref, string reason) =>
        session.Send((Ref: @ref.ToArray(), Reason: reason), static (w, s) => JsonRoomEvents.WriteError(w, s.Ref, s.Reason), WebSocketMessageType.Text);
}
