using System.Net.WebSockets;
using ActorWs.Actors;
using ActorWs.Server.Messaging;
using ActorWs.Server.Rooms;

namespace ActorWs.Server.Sessions;

/// <summary>The session's rooms: joining (by name or matchmaking), leaving, sending, and what rooms tell it.</summary>
internal sealed partial class SessionActor
{
    /// <summary>Leaving every room before stopping took too long: stop anyway.</summary>
    private sealed record EndingTimedOut
    {
        public static readonly EndingTimedOut Instance = new();
    }

    private static readonly TimeSpan EndingTimeout = TimeSpan.FromSeconds(2);

    private Dictionary<string, (IActorRef Ref, string Type)>? _rooms;
    private IActorRef? _currentRoom;
    private int _leavesPending;

    public IReadOnlyCollection<string> Rooms => (IReadOnlyCollection<string>?)_rooms?.Keys ?? [];

    private JoinRoomRequest Request(MatchmakeKind kind, string roomType, string? room, string optionsJson, object? tag) =>
        new(kind, roomType, room, optionsJson, Id, Identity, _setup.Connection, Sequenced: _setup.Route.Resumable, tag);

    public void JoinRoom(string room, object? tag = null) =>
        JoinRoom(_setup.Route.RoomType ?? throw new InvalidOperationException($"Route {_setup.Route.Template} has no room type; name one."), room, tag);

    public void JoinRoom(string roomType, string room, object? tag)
    {
        ArgumentException.ThrowIfNullOrEmpty(roomType);
        ArgumentException.ThrowIfNullOrEmpty(room);
        _runtime.RoomManager.Tell(Request(MatchmakeKind.ByName, roomType, room, "{}", tag), Self);
    }

    public void JoinOrCreate(string roomType, string optionsJson = "{}", object? tag = null) =>
        _runtime.RoomManager.Tell(Request(MatchmakeKind.JoinOrCreate, roomType, null, optionsJson, tag), Self);

    public void CreateRoom(string roomType, string optionsJson = "{}", object? tag = null) =>
        _runtime.RoomManager.Tell(Request(MatchmakeKind.Create, roomType, null, optionsJson, tag), Self);

    public void JoinById(string roomId, string optionsJson = "{}", object? tag = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(roomId);
        // Matchmade rooms are named "<type>-<n>": the type is everything before the last dash.
        int dash = roomId.LastIndexOf('-');
        if (dash <= 0)
        {
            Self.Tell(new RoomJoinRefused(roomId, "no such room", tag), Self);
            return;
        }
        _runtime.RoomManager.Tell(Request(MatchmakeKind.JoinById, roomId[..dash], roomId, optionsJson, tag), Self);
    }

    public void ListRooms(string? roomType, string? filterJson = null, object? tag = null) =>
        _runtime.RoomManager.Tell(new ListRoomsRequest(roomType, filterJson, tag), Self);

    public void LeaveRoom(string room, object? tag = null)
    {
        if (_rooms is not null && _rooms.TryGetValue(room, out var joined)) joined.Ref.Tell(new LeaveRoomRequest(room, tag), Self);
        else Self.Tell(new RoomLeaveConfirmed(room, tag), Self);
    }

    public bool SendToRoom(ReadOnlySpan<char> room, ReadOnlySpan<byte> payload, WebSocketMessageType type)
    {
        if (_rooms is null || !_rooms.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(room, out var joined)) return false;
        joined.Ref.Tell(WebSocketMessage.Rent(payload, type, flow: null), Self);
        return true;
    }

    public bool SendToCurrentRoom(ReadOnlySpan<byte> payload, WebSocketMessageType type)
    {
        if (_currentRoom is null) return false;
        _currentRoom.Tell(WebSocketMessage.Rent(payload, type, flow: null), Self);
        return true;
    }

    /// <summary>What rooms and the manager tell the session; false for anything else.</summary>
    private bool HandleRoomMessage(object message)
    {
        switch (message)
        {
            case RoomJoinAccepted joined:
                (_rooms ??= new(StringComparer.Ordinal))[joined.Room] = (joined.RoomRef, joined.RoomType);
                _currentRoom = joined.RoomRef;
                Context.Watch(joined.RoomRef);
                _handler.OnRoomEvent(this, new RoomJoined(joined.Room, joined.RoomType, joined.Members, joined.Tag));
                return true;
            case RoomJoinRefused refused:
                _handler.OnRoomEvent(this, new RoomJoinFailed(refused.Room, refused.Reason, refused.Tag));
                return true;
            case RoomLeaveConfirmed left:
                if (_rooms is not null && _rooms.Remove(left.Room, out var leftRoom))
                {
                    Context.Unwatch(leftRoom.Ref);
                    if (leftRoom.Ref.Equals(_currentRoom)) _currentRoom = null;
                }
                if (_closed)
                {
                    if (--_leavesPending <= 0) Context.Stop(Self);
                    return true;
                }
                _handler.OnRoomEvent(this, new RoomLeft(left.Room, left.Tag));
                return true;
            case RoomRestartNotice restarted:
                _handler.OnRoomEvent(this, new RoomRestarted(restarted.Room, restarted.Reason));
                return true;
            case RoomMessageRefused refused:
                _handler.OnRoomEvent(this, new RoomMessageRejected(refused.Room, refused.Reason));
                return true;
            case RoomList list:
                _handler.OnRoomEvent(this, new RoomsListed(
                    list.Rooms.Select(r => new RoomInfo(r.Room, r.Type, r.Clients, r.MaxClients, r.Locked, r.MetadataJson)).ToArray(), list.Tag));
                return true;
            case Terminated terminated:
                if (_rooms is null) return true;
                foreach (var (name, room) in _rooms)
                {
                    if (!room.Ref.Equals(terminated.ActorRef)) continue;
                    _rooms.Remove(name);
                    if (room.Ref.Equals(_currentRoom)) _currentRoom = null;
                    if (!_closed) _handler.OnRoomEvent(this, new RoomClosed(name, "the room stopped"));
                    break;
                }
                return true;
            default:
                return false;
        }
    }

    /// <summary>The client ended its session: leave every room (its rooms see a consented leave), then stop.</summary>
    private void LeaveAllThenStop()
    {
        if (_rooms is null || _rooms.Count == 0)
        {
            Context.Stop(Self);
            return;
        }
        _leavesPending = _rooms.Count;
        foreach (var (name, room) in _rooms) room.Ref.Tell(new LeaveRoomRequest(name, null), Self);
        StartTimer(EndingTimedOut.Instance, EndingTimeout);
    }
}
