using System.Net.WebSockets;
using System.Text;
using ActorWs.Server.Messaging;
using ActorWs.Server.Protocols.JsonRooms;
using ActorWs.Server.Rooms;
using ActorWs.Server.Sessions;

namespace ActorWs.Server.BuiltIn;

/// <summary>
/// <c>/ws</c>: the JSON room protocol (documented in the README): chat rooms by name, game rooms by matchmaking,
/// numbered room messages and session resume. Bad requests get an <c>{"op":"error",…}</c> reply; the connection stays.
/// </summary>
public sealed class JsonRoomsHandler : WebSocketHandler
{
    /// <inheritdoc />
    public override void OnOpen(IWebSocketSession session) => SendWelcome(session, resumed: false, lastSeq: 0);

    /// <inheritdoc />
    public override void OnReattached(IWebSocketSession session, long lastSeq) => SendWelcome(session, resumed: true, lastSeq);

    private static void SendWelcome(IWebSocketSession session, bool resumed, long lastSeq)
    {
        // On a cluster node room messages carry their room's position (to resume on another node): the welcome says so.
        bool cluster = session is WebSocketSession { Runtime.ClusterRooms: not null };
        session.Send((session.Id, session.ResumeToken, resumed, lastSeq, session.ResumeError, cluster),
            static (w, s) => JsonRoomEvents.WriteWelcome(w, s.Id, s.ResumeToken, s.resumed, s.lastSeq, s.ResumeError, s.cluster), WebSocketMessageType.Text);
    }

    /// <inheritdoc />
    public override void OnMessage(IWebSocketSession session, WebSocketMessage message)
    {
        if (message.Type != WebSocketMessageType.Text)
        {
            // Binary messages are a game room's own business: they go to the room the client joined last.
            if (!session.SendToCurrentRoom(message.Span, message.Type))
                Reply(session, default, "binary messages need a game room: join one first");
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
                // With a ref, the room answers whether it took the message (RoomMessageAccepted / RoomMessageRejected):
                // the reply waits for that, so "ok" means the room accepted it.
                if (!session.SendToRoom(room[..length], command.Data, WebSocketMessageType.Text, Tag(command.Ref)))
                    Reply(session, command.Ref, $"not a member of room \"{room[..length]}\"");
                break;
            case JsonRoomOp.Ping:
                ReplyOk(session, command.Ref, default);
                break;
            case JsonRoomOp.JoinOrCreate:
                session.JoinOrCreate(Encoding.UTF8.GetString(command.Type), Options(command.Options), Tag(command.Ref));
                break;
            case JsonRoomOp.Create:
                session.CreateRoom(Encoding.UTF8.GetString(command.Type), Options(command.Options), Tag(command.Ref));
                break;
            case JsonRoomOp.JoinById:
                session.JoinById(Encoding.UTF8.GetString(command.Room), Options(command.Options), Tag(command.Ref));
                break;
            case JsonRoomOp.ListRooms:
                string? cursor = command.Cursor.IsEmpty ? null : Encoding.UTF8.GetString(command.Cursor);
                // Checked here so that a cursor the server never gave gets an error reply, not an exception in the session.
                if (cursor is not null && !RoomListCursor.TryDecode(cursor, out _))
                {
                    Reply(session, command.Ref, RoomListCursor.BadCursor);
                    break;
                }
                session.ListRooms(command.Type.IsEmpty ? null : Encoding.UTF8.GetString(command.Type),
                    command.Filter.IsEmpty ? null : Encoding.UTF8.GetString(command.Filter),
                    command.Limit == 0 ? RoomListCursor.DefaultLimit : command.Limit, cursor, Tag(command.Ref));
                break;
            case JsonRoomOp.Ack:
                session.Acknowledge(command.Seq);
                break;
            case JsonRoomOp.End:
                session.End();
                break;
        }
    }

    private static string Options(ReadOnlySpan<byte> options) => options.IsEmpty ? "{}" : Encoding.UTF8.GetString(options);

    /// <inheritdoc />
    public override void OnRoomEvent(IWebSocketSession session, RoomEvent roomEvent)
    {
        switch (roomEvent)
        {
            case RoomJoined joined:
                session.Send((Ref: RefBytes(joined.Tag), joined.Room, joined.RoomType, joined.Members, joined.Incarnation),
                    static (w, s) => JsonRoomEvents.WriteJoined(w, s.Ref, s.Room, s.RoomType, s.Members, s.Incarnation), WebSocketMessageType.Text);
                break;
            case RoomJoinFailed failed:
                Reply(session, RefBytes(failed.Tag), failed.Reason);
                break;
            case RoomLeft left:
                ReplyOk(session, RefBytes(left.Tag), Encoding.UTF8.GetBytes(left.Room));
                break;
            case RoomsListed listed:
                session.Send((Ref: RefBytes(listed.Tag), listed.Rooms, listed.Next), static (w, s) => JsonRoomEvents.WriteRoomList(w, s.Ref, s.Rooms, s.Next), WebSocketMessageType.Text);
                break;
            case RoomListFailed failed:
                Reply(session, RefBytes(failed.Tag), failed.Reason);
                break;
            case RoomMessageAccepted accepted:
                ReplyOk(session, RefBytes(accepted.Tag), default);
                break;
            case RoomMessageRejected rejected:
                Reply(session, RefBytes(rejected.Tag), rejected.Reason);
                break;
            case RoomRestarted restarted:
                session.Send(restarted, static (w, s) => JsonRoomEvents.WriteRoomNotice(w, s.Room, restarted: true, s.Reason, s.Incarnation), WebSocketMessageType.Text);
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
