using Akka.Actor;
using Akka.Event;
using ActorWs.Server.Buffers;
using ActorWs.Server.Dispatch;

namespace ActorWs.Server.Rooms.Cluster;

/// <summary>Room (on another node) → relay: a member connected to this node joined the room.</summary>
/// <param name="Room">The room's actor (the relay watches it, and forgets its members when it stops).</param>
/// <param name="RoomName">The room's name (what deliveries are marked with).</param>
/// <param name="Session">The member's session, on this node.</param>
/// <param name="Connection">The member's connection, on this node.</param>
/// <param name="Sequenced">Whether deliveries go through the session (numbered, kept for resume) rather than straight to the connection.</param>
internal sealed record RelayMemberJoined(IActorRef Room, string RoomName, IActorRef Session, IActorRef Connection, bool Sequenced);

/// <summary>Room → relay: a member connected to this node left the room (sent after everything the room sent it).</summary>
internal sealed record RelayMemberLeft(IActorRef Room, IActorRef Session);

/// <summary>
/// One broadcast of a <see cref="RelayedBroadcasts"/>: the frame as the room encoded it (header and payload, as bytes),
/// its <paramref name="Position"/> among the room's deliveries, and the member it is not for (<paramref name="Except"/>,
/// a session, or null).
/// </summary>
internal sealed record RelayedBroadcast(long Position, RoomPayload Kind, byte[] Frame, IActorRef? Except);

/// <summary>
/// Room → relay: a turn's broadcasts, in order, for all the room's members on the relay's node (one message per node per
/// turn, however many broadcasts the turn made).
/// </summary>
internal sealed record RelayedBroadcasts(IActorRef Room, string RoomName, RelayedBroadcast[] Broadcasts) : IDeadLetterSuppression;

/// <summary>Room → relay: an encoded frame for one member (a room's <c>Send</c>, or a delivery replayed to a member that resumed), with its position.</summary>
internal sealed record RelayedFrame(IActorRef Room, string RoomName, IActorRef Session, RoomPayload Kind, byte[] Frame, long Position) : IDeadLetterSuppression;

/// <summary>Room → relay: a notice of the room's own for one member's session (join accepted, leave confirmed, a refusal…).</summary>
internal sealed record RelayedNotice(IActorRef Room, IActorRef Session, object Notice) : IDeadLetterSuppression;

/// <summary>
/// One per node when rooms are clustered: the node's end of every room on another node that has members here. A room
/// sends it each broadcast once (not once per member), a turn's broadcasts in one message; the relay hands them to its
/// local members exactly as a room does on its own node: through the session for resumable members, and to the other
/// members' connections as one <see cref="OutboundBatch"/> per connection per turn.
/// </summary>
/// <remarks>
/// <para>A room reaches the members it has here only through this relay (broadcasts, frames for one member, and its
/// notices alike), so what one room sends arrives in the order it was sent, as it does on one node.</para>
/// <para>The relay learns a room's members here from the room itself (<see cref="RelayMemberJoined"/>,
/// <see cref="RelayMemberLeft"/>), and watches the room, forgetting its members if it stops.</para>
/// </remarks>
internal sealed class RoomRelay : TurnBatchingActor
{
    private sealed record Member(IActorRef Session, IActorRef Connection, bool Sequenced);

    /// <summary>A room's members on this node, and the broadcasts of this turn waiting for their connections.</summary>
    private sealed class RelayedRoom
    {
        /// <summary>The room's name (what its members know it by).</summary>
        public string? Name;

        public readonly Dictionary<IActorRef, Member> BySession = new();
        public readonly List<Member> Members = new();
        public int ConnectionMembers;
        public OutboundBatch? Pending;
    }

    private readonly Metrics.ActorWsMetrics _metrics;
    private readonly Dictionary<IActorRef, RelayedRoom> _rooms = new();

    /// <summary>Rooms with a batch waiting for the end of the turn.</summary>
    private readonly List<(IActorRef Room, RelayedRoom State)> _pending = new();

    /// <summary>A relay counting what it receives in <paramref name="metrics"/>.</summary>
    public RoomRelay(Metrics.ActorWsMetrics metrics) => _metrics = metrics;

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case RelayedBroadcasts broadcasts:
                _metrics.RelayMessageReceived(broadcasts.Broadcasts.Length);
                if (_rooms.TryGetValue(broadcasts.Room, out var room))
                {
                    foreach (var broadcast in broadcasts.Broadcasts) Deliver(broadcasts.Room, broadcasts.RoomName, broadcast, room);
                }
                break;
            case RelayedFrame single:
                if (_rooms.TryGetValue(single.Room, out var of) && of.BySession.TryGetValue(single.Session, out var target))
                {
                    Flush(single.Room, of);
                    var frame = OutboundFrame.FromEncoded(single.Frame);
                    frame.MarkRoomDelivery(single.RoomName, single.Kind, single.Position);
                    (target.Sequenced ? target.Session : target.Connection).Tell(frame, single.Room);
                }
                break;
            case RelayedNotice notice:
                if (_rooms.TryGetValue(notice.Room, out var noticeRoom)) Flush(notice.Room, noticeRoom);
                notice.Session.Tell(notice.Notice, notice.Room);
                break;
            case RelayMemberJoined joined:
                Join(joined);
                break;
            case RelayMemberLeft left:
                if (_rooms.TryGetValue(left.Room, out var leftRoom) && leftRoom.BySession.Remove(left.Session, out var gone))
                {
                    Flush(left.Room, leftRoom);
                    leftRoom.Members.Remove(gone);
                    if (!gone.Sequenced) leftRoom.ConnectionMembers--;
                    if (leftRoom.Members.Count == 0)
                    {
                        _rooms.Remove(left.Room);
                        Context.Unwatch(left.Room);
                    }
                }
                break;
            case RelayRoomHandedOff handedOff:
                // The room moves to another node and goes on there: what it sent goes out, and its members hear nothing.
                if (_rooms.Remove(handedOff.Room, out var moving))
                {
                    Flush(handedOff.Room, moving);
                    Context.Unwatch(handedOff.Room);
                }
                break;
            case Terminated terminated:
                if (_rooms.Remove(terminated.ActorRef, out var stopped)) RoomLost(terminated.ActorRef, stopped, terminated.AddressTerminated);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    /// <summary>
    /// A room with members here stopped while they were in it: what it sent first goes out, then its members here are
    /// told it is gone, so that no client stays in a room that no longer exists without knowing. Lost with its node
    /// (crashed, or downed), nothing of the room could tell them; stopped on a live node (after too many failures, or
    /// handed off as its node left), its entity may tell them too, and a session takes the first notice only.
    /// </summary>
    private static void RoomLost(IActorRef roomRef, RelayedRoom room, bool nodeLost)
    {
        Flush(roomRef, room);
        if (room.Members.Count == 0 || room.Name is not { } roomName) return;
        var notice = new RoomStopped(roomName, roomRef, nodeLost ? RoomStopped.NodeLost : RoomStopped.StoppedForGood);
        foreach (var member in room.Members) member.Session.Tell(notice, roomRef);
    }

    private void Join(RelayMemberJoined joined)
    {
        if (!_rooms.TryGetValue(joined.Room, out var room))
        {
            room = new RelayedRoom { Name = joined.RoomName };
            _rooms.Add(joined.Room, room);
            Context.Watch(joined.Room);
        }
        if (room.BySession.ContainsKey(joined.Session)) return;
        Flush(joined.Room, room);
        var member = new Member(joined.Session, joined.Connection, joined.Sequenced);
        room.BySession.Add(joined.Session, member);
        room.Members.Add(member);
        if (!member.Sequenced) room.ConnectionMembers++;
    }

    /// <summary>As <see cref="RoomActor.Broadcast"/> does for a room's own node: sessions at once, connections batched per turn.</summary>
    private void Deliver(IActorRef roomRef, string roomName, RelayedBroadcast broadcast, RelayedRoom room)
    {
        Member? except = broadcast.Except is { } e && room.BySession.TryGetValue(e, out var m) ? m : null;
        int recipients = room.Members.Count - (except is null ? 0 : 1);
        if (recipients <= 0) return;
        var frame = OutboundFrame.FromEncoded(broadcast.Frame);
        frame.MarkRoomDelivery(roomName, broadcast.Kind, broadcast.Position);
        frame.AddReferences(recipients - 1);
        var sender = roomRef;
        foreach (var member in room.Members)
        {
            if (member.Sequenced && !ReferenceEquals(member, except)) member.Session.Tell(frame, sender);
        }
        bool exceptTakesConnection = except is { Sequenced: false };
        if (room.ConnectionMembers == 0 || (room.ConnectionMembers == 1 && exceptTakesConnection)) return;
        if (room.Pending is null)
        {
            room.Pending = OutboundBatch.Rent();
            _pending.Add((roomRef, room));
        }
        room.Pending.Add(frame, exceptTakesConnection ? except!.Connection : null);
        if (room.Pending.IsFull) Flush(roomRef, room);
    }

    /// <summary>Tells a room's waiting broadcasts to its members' connections here (one message per connection).</summary>
    private static void Flush(IActorRef roomRef, RelayedRoom room)
    {
        var batch = room.Pending;
        if (batch is null) return;
        room.Pending = null;
        if (batch.Count == 1)
        {
            var frame = batch.FrameAt(0);
            foreach (var member in room.Members)
            {
                if (!member.Sequenced && !batch.IsSkippedBy(0, member.Connection)) member.Connection.Tell(frame, roomRef);
            }
            batch.Release();
            return;
        }
        batch.AddReferences(room.ConnectionMembers - 1);
        foreach (var member in room.Members)
        {
            if (!member.Sequenced) member.Connection.Tell(batch, roomRef);
        }
    }

    protected override void OnBatchCompleted()
    {
        if (_pending.Count == 0) return;
        foreach (var (roomRef, room) in _pending) Flush(roomRef, room);
        _pending.Clear();
    }

    protected override void PostStop()
    {
        foreach (var (roomRef, room) in _pending) Flush(roomRef, room);
        _pending.Clear();
    }
}
