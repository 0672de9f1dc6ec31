using System.Net.WebSockets;
using ActorWs.Protocol.Frames;
using ActorWs.Server.Messaging;
using ActorWs.Server.Rooms;
using ActorWs.Server.Sessions;

namespace ActorWs.Server.BuiltIn;

/// <summary>
/// <c>/rooms/{name}</c>: the connection joins room <c>name</c> as it opens; every message it sends is
/// relayed as-is to every member, itself included.
/// </summary>
/// <remarks>
/// Messages that arrive before the join is confirmed are held (in order) and relayed once it is, so none
/// is lost. If the room cannot be joined, the connection is closed with 1011.
/// </remarks>
public sealed class RelayRoomHandler : WebSocketHandler
{
    private string _room = "";
    private bool _joined;
    private List<(byte[] Payload, WebSocketMessageType Type)>? _early;

    /// <inheritdoc />
    public override void OnOpen(IWebSocketSession session)
    {
        _room = session.RouteValues.TryGetValue("name", out var name) ? name : "default";
        session.JoinRoom(_room);
    }

    /// <inheritdoc />
    public override void OnMessage(IWebSocketSession session, WebSocketMessage message)
    {
        if (_joined) session.SendToRoom(_room, message.Span, message.Type);
        else (_early ??= new()).Add((message.ToArray(), message.Type));
    }

    /// <inheritdoc />
    public override void OnRoomEvent(IWebSocketSession session, RoomEvent roomEvent)
    {
        switch (roomEvent)
        {
            case RoomJoined:
            case RoomRestarted:
                _joined = true;
                if (_early is not null)
                {
                    foreach (var (payload, type) in _early) session.SendToRoom(_room, payload, type);
                    _early = null;
                }
                break;
            case RoomJoinFailed failed:
                session.Close(WebSocketCloseCode.InternalServerError, "cannot join room: " + failed.Reason);
                break;
            case RoomClosed:
                session.Close(WebSocketCloseCode.GoingAway, "room closed");
                break;
        }
    }
}
