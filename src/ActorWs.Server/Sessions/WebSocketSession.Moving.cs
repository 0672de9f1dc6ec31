using Akka.Actor;
using ActorWs.Server.Messaging;
using ActorWs.Server.Rooms;
using ActorWs.Server.Rooms.Cluster;

namespace ActorWs.Server.Sessions;

/// <summary>
/// In a cluster: rooms moving to another node (their node leaves). Between <see cref="RoomMoving"/> and
/// <see cref="RoomMoved"/> the room takes nothing, so what the client sends it (messages, a leave) waits here, in order,
/// and goes to the room's new address once it is known. Bounded; a room that does not come back in time is told to the
/// client as closed, and what waited for it is refused.
/// </summary>
internal sealed partial class WebSocketSession
{
    /// <summary>The most messages held for one moving room; more are refused at once.</summary>
    internal const int MaxHeldWhileMoving = 1024;

    /// <summary>The most bytes of messages held for one moving room; more are refused at once.</summary>
    internal const int MaxHeldBytesWhileMoving = 1024 * 1024;

    /// <summary>Why a message for a moving room was refused here: too much already waits for it.</summary>
    internal const string TooMuchWaitsReason = "the room is moving to another node and too much already waits for it; send the message again";

    /// <summary>What the client is told when a moving room did not say where it went in time.</summary>
    internal const string MoveTimedOutReason = "the room moved to another node and did not come back in time";

    /// <summary>What waits for a moving room: messages (<see cref="WebSocketMessage"/>) and leaves (<see cref="LeaveRoomRequest"/>).</summary>
    private sealed class MovingRoom(IActorRef oldRef)
    {
        public IActorRef OldRef { get; } = oldRef;
        public List<object> Held { get; } = new();
        public int HeldBytes;
    }

    /// <summary>Time to give up a room that has not said where it moved.</summary>
    internal sealed record RoomMoveTimedOut(string Room, IActorRef OldRef);

    /// <summary>Rooms moving to another node, by name.</summary>
    private Dictionary<string, MovingRoom>? _moving;

    /// <summary>The room <paramref name="room"/> (at <paramref name="oldRef"/>) moves: hold what goes to it until it says where.</summary>
    private void RoomIsMoving(string room, IActorRef oldRef)
    {
        if (_rooms is null || !_rooms.TryGetValue(room, out var joined) || !joined.Ref.Equals(oldRef)) return;
        if (_moving is not null && _moving.ContainsKey(room)) return;
        (_moving ??= new(StringComparer.Ordinal))[room] = new MovingRoom(oldRef);
        Context.System.Scheduler.ScheduleTellOnce(_runtime.Options.Rooms.MoveWait, Self, new RoomMoveTimedOut(room, oldRef), Self);
    }

    /// <summary>The moving room's name if <paramref name="roomRef"/> is the old address of a room that is moving, else null.</summary>
    private string? MovingRoomAt(IActorRef roomRef)
    {
        if (_moving is null || _moving.Count == 0) return null;
        foreach (var (name, moving) in _moving)
            if (moving.OldRef.Equals(roomRef)) return name;
        return null;
    }

    /// <summary>Holds <paramref name="message"/> for the moving room <paramref name="room"/>, or refuses it (and releases it) if too much waits already.</summary>
    private void HoldForMovingRoom(string room, WebSocketMessage message)
    {
        var moving = _moving![room];
        if (moving.Held.Count >= MaxHeldWhileMoving || moving.HeldBytes + message.Length > MaxHeldBytesWhileMoving)
        {
            Self.Tell(new RoomMessageRefused(room, TooMuchWaitsReason, message.RoomTag), Self);
            message.Release();
            return;
        }
        moving.Held.Add(message);
        moving.HeldBytes += message.Length;
    }

    /// <summary>The room moved to <paramref name="newRef"/>: what waited for it goes there, in order.</summary>
    private void MovingRoomArrived(string room, IActorRef newRef)
    {
        if (_moving is null || !_moving.Remove(room, out var moving)) return;
        foreach (var held in moving.Held) newRef.Tell(held, Self);
    }

    /// <summary>
    /// The moving room is gone for this session (it stopped, the member moved away or left, or it did not come back in
    /// time): what waited for it is refused (<paramref name="reason"/>), and a held leave is confirmed.
    /// </summary>
    private void DropMovingRoom(string room, string reason)
    {
        if (_moving is null || !_moving.Remove(room, out var moving)) return;
        foreach (var held in moving.Held)
        {
            switch (held)
            {
                case WebSocketMessage message:
                    Self.Tell(new RoomMessageRefused(room, reason, message.RoomTag), Self);
                    message.Release();
                    break;
                case LeaveRoomRequest leave:
                    Self.Tell(new RoomLeaveConfirmed(room, leave.Tag), Self);
                    break;
            }
        }
    }

    /// <summary>A moving room did not say where it went within <see cref="Options.RoomOptions.MoveWait"/>: the client hears it closed.</summary>
    private void MoveTimedOut(RoomMoveTimedOut due)
    {
        if (_moving is null || !_moving.TryGetValue(due.Room, out var moving) || !moving.OldRef.Equals(due.OldRef)) return;
        DropMovingRoom(due.Room, MoveTimedOutReason);
        if (_rooms is not null && _rooms.TryGetValue(due.Room, out var joined) && joined.Ref.Equals(due.OldRef))
        {
            ForgetRoom(due.Room);
            if (!_closed) _handler.OnRoomEvent(this, new RoomClosed(due.Room, MoveTimedOutReason));
        }
    }
}
