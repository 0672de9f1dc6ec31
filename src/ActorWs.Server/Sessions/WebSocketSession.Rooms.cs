using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using Akka.Actor;
using ActorWs.Server.Messaging;
using ActorWs.Server.Rooms;
using ActorWs.Server.Rooms.Cluster;

namespace ActorWs.Server.Sessions;

/// <summary>The session's rooms: joining (by name or matchmaking), leaving, sending, and what rooms tell it.</summary>
/// <remarks>
/// The session does not watch its rooms (a watch would double what an idle connection costs in Akka.NET): the room
/// manager, which watches every room, tells the members of a room that stopped for good (<see cref="RoomStopped"/>).
/// </remarks>
internal sealed partial class WebSocketSession
{
    private Dictionary<string, (IActorRef Ref, string Type)>? _rooms;
    private IActorRef? _currentRoom;

    /// <summary>
    /// Joins asked for and not answered yet: they count toward <see cref="Options.RoomOptions.MaxPerConnection"/>, so a
    /// burst of joins cannot get past the cap before the first answers arrive. Every join asked for is answered once
    /// (accepted or refused), refusals made here included.
    /// </summary>
    private int _joinsPending;

    /// <summary>The most of a member's messages one <see cref="MemberMessages"/> carries; a turn that sends more sends several.</summary>
    internal const int MaxMessagesPerBatch = 64;

    /// <summary>The room on another node that <see cref="_batched"/> is for.</summary>
    private IActorRef? _batchedRoom;

    /// <summary>
    /// Messages for a room on another node, held until this turn of the session's host ends (see <see cref="MemberMessages"/>);
    /// anything else the session tells a room goes after them (<see cref="FlushRoomMessages"/>).
    /// </summary>
    private List<WebSocketMessage>? _batched;

    /// <summary>
    /// A member's message to its room: told at once to a room on this node; to a room on another node, held with this
    /// turn's other messages for it, which cross to it in one message.
    /// </summary>
    private void TellRoomMessage(IActorRef room, WebSocketMessage message)
    {
        if (room.IsLocalRef())
        {
            room.Tell(message, Self);
            return;
        }
        if (_batched is { Count: > 0 } && !room.Equals(_batchedRoom)) FlushRoomMessages();
        _batchedRoom = room;
        (_batched ??= new()).Add(message);
        if (_batched.Count == MaxMessagesPerBatch) FlushRoomMessages();
    }

    /// <summary>
    /// Sends the messages held for a room on another node. The session's host calls it as each of its turns ends and as
    /// it stops; the session, before it tells a room anything else, or handles anything a room told it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // every connection's every turn calls it, nearly always for nothing
    internal void FlushRoomMessages()
    {
        if (_batched is { Count: > 0 } batched) SendRoomMessages(batched);
    }

    private void SendRoomMessages(List<WebSocketMessage> batched)
    {
        var messages = batched.ToArray();
        batched.Clear();
        var room = _batchedRoom!;
        _batchedRoom = null;
        room.Tell(new MemberMessages(messages), Self);
        _runtime.Metrics.MemberBatchSent(messages.Length);
    }

    public IReadOnlyCollection<string> Rooms => (IReadOnlyCollection<string>?)_rooms?.Keys ?? [];

    /// <summary>The rooms the session is in, with their actors.</summary>
    internal IEnumerable<(string Name, IActorRef Ref, string Type)> JoinedRooms =>
        _rooms is null ? [] : _rooms.Select(r => (r.Key, r.Value.Ref, r.Value.Type));

    private JoinRoomRequest Request(MatchmakeKind kind, string roomType, string? room, string optionsJson, object? tag, IActorRef connection, bool sequenced) =>
        new(kind, roomType, room, optionsJson, Id, Identity, connection, sequenced, tag, _runtime.RoomRelay, RoomKeptToken(sequenced));

    /// <summary>The token a room keeps for this member: a resumable session's, in a cluster only (see <see cref="JoinRoomRequest"/>).</summary>
    private string? RoomKeptToken(bool sequenced) => sequenced && _runtime.RoomRelay is not null ? _host.ResumeToken : null;

    /// <summary>In a cluster: the request that asks <paramref name="room"/> to take this session as a member resuming from another node.</summary>
    internal JoinRoomRequest ResumeRequest(string roomType, string room, IActorRef connection) =>
        Request(MatchmakeKind.ByName, roomType, room, "{}", null, connection, sequenced: true);

    /// <summary>A room took this session as the member it resumed (from another node): it is one of its rooms, with no event for the handler (the client never left it).</summary>
    internal void RecordResumedRoom(string room, IActorRef roomRef, string roomType)
    {
        (_rooms ??= new(StringComparer.Ordinal))[room] = (roomRef, roomType);
        _currentRoom = roomRef;
    }

    /// <summary>Rooms lost with their node that this session is joining again (their next incarnation), by name, with their type and the attempts so far.</summary>
    private Dictionary<string, (string Type, int Attempts, string? Refusal)>? _rejoinsAfterLoss;

    /// <summary>Rooms rejoined after a loss with more than one ask: a second answer may still come, and is not the client's.</summary>
    private HashSet<string>? _answeredTwice;

    /// <summary>Time to ask again to join a room's next incarnation (the first ask may have gone to a shard's old home, which is gone).</summary>
    internal sealed record RejoinAfterLossDue(string Room);

    /// <summary>How long an ask to join a lost room's next incarnation waits for its answer before it is made again.</summary>
    private static readonly TimeSpan RejoinRetry = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Asks made to join a lost room's next incarnation before the client is told it closed: a minute of them. The next
    /// incarnation answers once the room's shard (and perhaps the sharding coordinator and the room type's directory,
    /// if they were on the lost node too) lives again on a survivor; that took up to about 30 s on a loaded 2-core box,
    /// so a budget of just that could run out first.
    /// </summary>
    private const int MaxRejoinAttempts = 20;

    private void AskToRejoin(string room, string type)
    {
        var attempts = (_rejoinsAfterLoss ??= new(StringComparer.Ordinal)).TryGetValue(room, out var before) ? before.Attempts + 1 : 1;
        _rejoinsAfterLoss[room] = (type, attempts, before.Refusal);
        _runtime.RoomManager.Tell(Request(MatchmakeKind.ByName, type, room, "{}", null, _host.Connection, _host.SequencedDeliveries), Self);
        Context.System.Scheduler.ScheduleTellOnce(RejoinRetry, Self, new RejoinAfterLossDue(room), Self);
    }

    /// <summary>
    /// Rooms left without the handler (or the client) hearing of it: a resume from another node that ends as a fresh
    /// session leaves the rooms it had resumed, which the client does not know it is in.
    /// </summary>
    private HashSet<string>? _silentLeaves;

    /// <summary>Leaves <paramref name="room"/> (at <paramref name="roomRef"/>) without the handler hearing of it.</summary>
    internal void LeaveSilently(string room, IActorRef roomRef)
    {
        FlushRoomMessages();
        (_silentLeaves ??= new(StringComparer.Ordinal)).Add(room);
        ForgetRoom(room);
        roomRef.Tell(new LeaveRoomRequest(room, null), Self);
    }

    /// <summary>The session is no longer in <paramref name="room"/>: out of its rooms, and no longer its current room.</summary>
    private void ForgetRoom(string room)
    {
        if (_rooms is not null && _rooms.Remove(room, out var joined) && joined.Ref.Equals(_currentRoom)) _currentRoom = null;
    }

    /// <summary>Leaves every room without the handler hearing of it.</summary>
    internal void LeaveAllSilently()
    {
        if (_rooms is null) return;
        foreach (var (name, room) in _rooms.ToArray()) LeaveSilently(name, room.Ref);
    }

    /// <summary>The client believes it is in <paramref name="room"/>, which could not be resumed: the handler hears it closed.</summary>
    internal void RoomLost(string room, string reason)
    {
        ForgetRoom(room);
        if (!_closed) _handler.OnRoomEvent(this, new RoomClosed(room, reason));
    }

    private void AskManager(MatchmakeKind kind, string roomType, string? room, string optionsJson, object? tag)
    {
        _joinsPending++;
        if (JoinRefusal(room) is { } refusal)
        {
            Self.Tell(new RoomJoinRefused(room ?? roomType, refusal, tag), Self);
            return;
        }
        _runtime.RoomManager.Tell(Request(kind, roomType, room, optionsJson, tag, _host.Connection, _host.SequencedDeliveries), Self);
    }

    /// <summary>
    /// Why a join (of <paramref name="room"/> by name or id; null for matchmaking into a room not known yet) is refused
    /// before it reaches the rooms: a name over the bound, or as many rooms joined or on their way as one session may have
    /// (joining a room the session is already in adds none). Null when it may go ahead.
    /// </summary>
    private string? JoinRefusal(string? room)
    {
        if (room is not null && RoomNames.Problem(room) is { } badName) return badName;
        if (room is not null && _rooms is not null && _rooms.ContainsKey(room)) return null;
        int max = _runtime.Options.Rooms.MaxPerConnection;
        // This join is already counted in _joinsPending.
        return (_rooms?.Count ?? 0) + _joinsPending > max ? $"too many rooms for this connection (at most {max})" : null;
    }

    public void JoinRoom(string room, object? tag = null) =>
        JoinRoom(Route.RoomType ?? throw new InvalidOperationException($"Route {Route.Template} has no room type; name one."), room, tag);

    public void JoinRoom(string roomType, string room, object? tag)
    {
        ArgumentException.ThrowIfNullOrEmpty(roomType);
        ArgumentException.ThrowIfNullOrEmpty(room);
        AskManager(MatchmakeKind.ByName, roomType, room, "{}", tag);
    }

    public void JoinOrCreate(string roomType, string optionsJson = "{}", object? tag = null) =>
        AskManager(MatchmakeKind.JoinOrCreate, roomType, null, optionsJson, tag);

    public void CreateRoom(string roomType, string optionsJson = "{}", object? tag = null) =>
        AskManager(MatchmakeKind.Create, roomType, null, optionsJson, tag);

    public void JoinById(string roomId, string optionsJson = "{}", object? tag = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(roomId);
        // Matchmade rooms are named "<type>-<n>": the type is everything before the last dash.
        int dash = roomId.LastIndexOf('-');
        if (dash <= 0)
        {
            _joinsPending++; // answered like every join, below
            Self.Tell(new RoomJoinRefused(roomId, "no such room", tag), Self);
            return;
        }
        AskManager(MatchmakeKind.JoinById, roomId[..dash], roomId, optionsJson, tag);
    }

    public void ListRooms(string? roomType, string? filterJson = null, object? tag = null) =>
        ListRooms(roomType, filterJson, RoomListCursor.DefaultLimit, null, tag);

    public void ListRooms(string? roomType, string? filterJson, int limit, string? cursor, object? tag = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, RoomListCursor.MaxLimit);
        string? after = null;
        if (cursor is not null && !RoomListCursor.TryDecode(cursor, out after)) throw new ArgumentException(RoomListCursor.BadCursor, nameof(cursor));
        _runtime.RoomManager.Tell(new ListRoomsRequest(roomType, filterJson, limit, after, tag), Self);
    }

    public void LeaveRoom(string room, object? tag = null)
    {
        if (_rooms is not null && _rooms.TryGetValue(room, out var joined)) TellRoom(room, joined.Ref, new LeaveRoomRequest(room, tag));
        else Self.Tell(new RoomLeaveConfirmed(room, tag), Self);
    }

    /// <summary>Tells a joined room a leave: held while the room moves to another node (see <see cref="MovingRoom"/>).</summary>
    private void TellRoom(string room, IActorRef roomRef, LeaveRoomRequest leave)
    {
        FlushRoomMessages();
        if (_moving is not null && _moving.TryGetValue(room, out var moving)) moving.Held.Add(leave);
        else roomRef.Tell(leave, Self);
    }

    public bool SendToRoom(ReadOnlySpan<char> room, ReadOnlySpan<byte> payload, WebSocketMessageType type) =>
        SendToRoom(room, payload, type, tag: null);

    public bool SendToRoom(ReadOnlySpan<char> room, ReadOnlySpan<byte> payload, WebSocketMessageType type, object? tag)
    {
        if (_rooms is null || !_rooms.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(room, out string? name, out var joined)) return false;
        var message = WebSocketMessage.Rent(payload, type, flow: null);
        message.RoomTag = tag;
        if (_moving is not null && _moving.ContainsKey(name)) HoldForMovingRoom(name, message);
        else TellRoomMessage(joined.Ref, message);
        return true;
    }

    public bool SendToCurrentRoom(ReadOnlySpan<byte> payload, WebSocketMessageType type)
    {
        if (_currentRoom is null) return false;
        var message = WebSocketMessage.Rent(payload, type, flow: null);
        if (MovingRoomAt(_currentRoom) is { } moving) HoldForMovingRoom(moving, message);
        else TellRoomMessage(_currentRoom, message);
        return true;
    }

    /// <summary>
    /// Leaves every room (a consented leave: the session ended on purpose); returns how many leaves were asked.
    /// The rooms answer the host; a host that stops right after is still seen leaving first, because the request is
    /// queued at each room before the host's termination is.
    /// </summary>
    internal int LeaveAllRooms()
    {
        if (_rooms is null) return 0;
        foreach (var (name, room) in _rooms) TellRoom(name, room.Ref, new LeaveRoomRequest(name, null));
        return _rooms.Count;
    }

    /// <summary>What rooms and the room manager tell the session; false for anything else.</summary>
    internal bool HandleRoomMessage(object message)
    {
        // What a room tells the session may change where its rooms are (moved, lost): what the client sent before goes first.
        FlushRoomMessages();
        switch (message)
        {
            case RejoinAfterLossDue due:
                if (_rejoinsAfterLoss is null || !_rejoinsAfterLoss.TryGetValue(due.Room, out var pending) || _closed) return true;
                if (pending.Attempts < MaxRejoinAttempts)
                {
                    AskToRejoin(due.Room, pending.Type);
                }
                else
                {
                    _rejoinsAfterLoss.Remove(due.Room);
                    _handler.OnRoomEvent(this, new RoomClosed(due.Room, pending.Refusal is { } why
                        ? $"{RoomStopped.NodeLost} (joining it again failed: {why})"
                        : $"{RoomStopped.NodeLost} (its next incarnation did not answer)"));
                }
                return true;
            case RoomJoinAccepted joined when _rejoinsAfterLoss is not null && _rejoinsAfterLoss.Remove(joined.Room, out var asked):
                // The room's next incarnation took this session back: the client is told it restarted, as a new life.
                (_rooms ??= new(StringComparer.Ordinal))[joined.Room] = (joined.RoomRef, joined.RoomType);
                if (asked.Attempts > 1) (_answeredTwice ??= new(StringComparer.Ordinal)).Add(joined.Room);
                if (!_closed) _handler.OnRoomEvent(this, new RoomRestarted(joined.Room, RoomStopped.CameBackEmpty) { Incarnation = joined.Incarnation });
                return true;
            case RoomJoinRefused refused when _rejoinsAfterLoss is not null && _rejoinsAfterLoss.TryGetValue(refused.Room, out var tried):
                // Possibly passing (the room's next incarnation was still starting): asked again when the ask's time is up,
                // and the client is told the room closed, with this reason, only once every ask was refused or unanswered.
                _rejoinsAfterLoss[refused.Room] = (tried.Type, tried.Attempts, refused.Reason);
                return true;
            case RoomJoinAccepted again when _answeredTwice is not null && _rooms is not null && _rooms.TryGetValue(again.Room, out var current)
                                              && current.Ref.Equals(again.RoomRef) && _answeredTwice.Remove(again.Room):
                return true; // a slow answer to an earlier ask to rejoin the same next incarnation
            case RoomJoinAccepted joined:
                if (_joinsPending > 0) _joinsPending--;
                (_rooms ??= new(StringComparer.Ordinal))[joined.Room] = (joined.RoomRef, joined.RoomType);
                _currentRoom = joined.RoomRef;
                if (!_closed) _handler.OnRoomEvent(this, new RoomJoined(joined.Room, joined.RoomType, joined.Members, joined.Tag) { Incarnation = joined.Incarnation > 0 ? joined.Incarnation : null });
                return true;
            case RoomJoinRefused refused:
                if (_joinsPending > 0) _joinsPending--;
                if (!_closed) _handler.OnRoomEvent(this, new RoomJoinFailed(refused.Room, refused.Reason, refused.Tag));
                return true;
            case RoomLeaveConfirmed left when _silentLeaves is not null && _silentLeaves.Remove(left.Room):
                return true;
            case RoomLeaveConfirmed left:
                ForgetRoom(left.Room);
                if (!_closed) _handler.OnRoomEvent(this, new RoomLeft(left.Room, left.Tag));
                return true;
            case RoomRestartNotice restarted:
                if (!_closed) _handler.OnRoomEvent(this, new RoomRestarted(restarted.Room, restarted.Reason));
                return true;
            case RoomMessageRefused refused:
                if (!_closed) _handler.OnRoomEvent(this, new RoomMessageRejected(refused.Room, refused.Reason) { Tag = refused.Tag });
                return true;
            case RoomMessageTaken taken:
                if (!_closed) _handler.OnRoomEvent(this, new RoomMessageAccepted(taken.Room, taken.Tag));
                return true;
            case RoomList list:
                if (!_closed)
                {
                    _handler.OnRoomEvent(this, new RoomsListed(
                        list.Rooms.Select(r => new RoomInfo(r.Room, r.Type, r.Clients, r.MaxClients, r.Locked, r.MetadataJson)).ToArray(), list.Tag) { Next = list.Next });
                }
                return true;
            case RoomListRefused refused:
                if (!_closed) _handler.OnRoomEvent(this, new RoomListFailed(refused.Reason, refused.Tag));
                return true;
            case RoomMoving moving:
                RoomIsMoving(moving.Room, moving.RoomRef);
                return true;
            case RoomMoveTimedOut due:
                MoveTimedOut(due);
                return true;
            case RoomMoved moved:
                // The room goes on on another node: the same room, at a new address, where what waited for it goes now.
                if (_rooms is not null && _rooms.TryGetValue(moved.Room, out var before))
                {
                    if (before.Ref.Equals(_currentRoom)) _currentRoom = moved.RoomRef;
                    _rooms[moved.Room] = (moved.RoomRef, before.Type);
                    MovingRoomArrived(moved.Room, moved.RoomRef);
                }
                return true;
            case MembershipMovedAway away:
                // The client resumed elsewhere; this session is no longer the member.
                if (_rooms is not null && _rooms.TryGetValue(away.Room, out var movedFrom) && movedFrom.Ref.Equals(away.RoomRef))
                {
                    DropMovingRoom(away.Room, $"not a member of room \"{away.Room}\"");
                    ForgetRoom(away.Room);
                }
                return true;
            case RoomStopped stopped:
                if (_rooms is null || !_rooms.TryGetValue(stopped.Room, out var room) || !room.Ref.Equals(stopped.RoomRef)) return true;
                DropMovingRoom(stopped.Room, stopped.Reason);
                ForgetRoom(stopped.Room);
                if (stopped.Reason == RoomStopped.NodeLost && !_closed)
                {
                    // Lost with its node: the room comes back on a survivor with this member in it (its next incarnation,
                    // empty of anything else); the client hears which when it is in.
                    AskToRejoin(stopped.Room, room.Type);
                    return true;
                }
                if (!_closed) _handler.OnRoomEvent(this, new RoomClosed(stopped.Room, stopped.Reason));
                return true;
            default:
                return false;
        }
    }
}
