using System.Net.WebSockets;
using ActorWs.Protocol.Frames;
using ActorWs.Server.Messaging;
using ActorWs.Server.Rooms;
using ActorWs.Server.Routing;
using ActorWs.Server.Sessions;

namespace ActorWs.Server.BuiltIn;

/// <summary>
/// <c>/rooms/{name}</c>: the connection joins room <c>name</c> as it opens; every message it sends is
/// relayed as-is to every member, itself included.
/// </summary>
/// <remarks>
/// <para>Before the 101 (<see cref="AcceptHook"/>): a name over <see cref="RoomNames.MaxBytes"/> UTF-8 bytes gets 400, and
/// when the room type already has as many rooms as it may and this room is not one of them, 503.</para>
/// <para>Messages that arrive before the join is confirmed are held (in order) and relayed once it is, so none
/// is lost. If the room cannot be joined, the connection is closed: with 1013 when the type's room cap was reached
/// meanwhile (another client made the last room between the check and the join), otherwise with 1011.</para>
/// </remarks>
public sealed class RelayRoomHandler : WebSocketHandler
{
    private string _room = "";
    private bool _joined;
    private List<(byte[] Payload, WebSocketMessageType Type)>? _early;

    /// <summary>
    /// The route's accept hook: refuses a room name over the bound with 400 and, when rooms of <paramref name="roomType"/>
    /// are at their cap, a room that does not exist yet with 503 (joining an existing room is still fine). Below the cap
    /// it answers at once without asking the room manager.
    /// </summary>
    internal static AcceptHook AcceptHook(ActorWsServer server, string roomType) => request =>
    {
        string name = request.RouteValues.TryGetValue("name", out var value) ? value : "";
        if (RoomNames.Problem(name) is { } problem) return ValueTask.FromResult(AcceptDecision.Reject(400, problem));
        if (!server.RoomTypes.TryGet(roomType, out var type)) return ValueTask.FromResult(AcceptDecision.Accept());
        int max = type.MaxRooms(server.Options.Rooms);
        if (type.LiveRooms < max) return ValueTask.FromResult(AcceptDecision.Accept());
        return AtCapAsync(server, roomType, name, max);
    };

    private static async ValueTask<AcceptDecision> AtCapAsync(ActorWsServer server, string roomType, string name, int max) =>
        await server.Rooms.FindAsync(roomType, name).ConfigureAwait(false) is not null
            ? AcceptDecision.Accept()
            : AcceptDecision.ServiceUnavailable(RoomManager.TooManyRooms(roomType, max));

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
                session.Close(failed.Reason.StartsWith(RoomManager.TooManyRoomsPrefix, StringComparison.Ordinal) ? WebSocketCloseCode.TryAgainLater : WebSocketCloseCode.InternalServerError,
                    "cannot join room: " + failed.Reason);
                break;
            case RoomClosed:
                session.Close(WebSocketCloseCode.GoingAway, "room closed");
                break;
        }
    }
}
