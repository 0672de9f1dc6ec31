using ActorWs.Server.Rooms.Cluster;
using Microsoft.Extensions.Logging;

namespace ActorWs.Server.Rooms;

/// <summary>
/// In a cluster: moving to another node when this one leaves. The room hands its entity a snapshot (numbering, members,
/// the logic's <see cref="Room.OnSnapshot"/>) and takes nothing more; on its next node the room starts from it, tells
/// every member where it is now, and goes on numbering where it stopped, so that members on the other nodes notice
/// nothing but the pause, and a member resuming from before the move is refused only what the old node kept.
/// </summary>
internal sealed partial class RoomActor
{
    /// <summary>Why a member's message that reached the room while it was moving was not taken (the client may send it again).</summary>
    internal const string MovingReason = "the room is moving to another node; send the message again";

    /// <summary>Whether the room has handed itself off (it takes nothing more; its entity stops it).</summary>
    private bool _handedOff;

    private void HandOff()
    {
        FlushBroadcasts();
        string? state = null;
        try
        {
            state = _room.OnSnapshot();
        }
        catch (Exception ex)
        {
            Log.LogError(ex, "Room {Room} ({Type}) failed to take its snapshot; it starts afresh on its next node", RoomNames.ForLog(RoomName), RoomType);
        }
        var relayHere = _runtime.RoomRelay!;
        var members = new RoomSnapshotMember[_memberList.Count];
        for (int i = 0; i < members.Length; i++)
        {
            var m = _memberList[i];
            members[i] = new RoomSnapshotMember(m.Id, m.Identity, m.Session, m.Connection, m.Sequenced, m.Relay ?? relayHere, m.ResumeToken, m.JoinedAt);
        }
        // Its members' sessions hold what their clients send it until they hear where it went (RoomMoved).
        var moving = new RoomMoving(RoomName, Self);
        foreach (var member in _memberList) Notify(member, moving);
        // The relays forget this room without telling its members it closed: it goes on elsewhere.
        var handedOff = new RelayRoomHandedOff(Self);
        foreach (var relay in _lifetime.RemoteNodes.Keys) relay.Tell(handedOff, Self);
        _handedOff = true;
        StopTicking();
        Context.Parent.Tell(new RoomSnapshot(_lifetime.OptionsJson, _lifetime.Incarnation, _lifetime.Positions, _lifetime.JoinsProcessed, members, state,
            _runtime.Time.GetUtcNow().ToUnixTimeMilliseconds()), Self);
    }

    /// <summary>
    /// Started from a snapshot: the members of the room's old node are members here, watched and reached as if they had
    /// joined here, and each is told where the room is now. A logic that kept no state started afresh: the members join
    /// it again, and are told the room restarted.
    /// </summary>
    private void TakeOverMembers(bool logicKept)
    {
        // Nothing before the move can be replayed from here: a resume from before it is refused, not answered with a gap.
        _lifetime.Replay?.DropAll(_lifetime.Positions);
        var moved = new RoomMoved(RoomName, RoomType, Self);
        var restarted = logicKept ? null : new RoomRestartNotice(RoomName, "the room moved to another node without its state");
        foreach (var member in _memberList.ToArray())
        {
            Context.Watch(member.Session);
            member.Relay?.Tell(new RelayMemberJoined(Self, RoomName, member.Session, member.Connection, member.Sequenced), Self);
            Notify(member, moved);
            if (restarted is null) continue;
            Notify(member, restarted);
            _room.OnJoin(member);
        }
        _listingChanged = true;
        CheckEmpty(); // a room that moved without members lingers and stops here as it would have there
        Log.LogInformation("Room {Room} ({Type}) moved here with {Members} members{State}", RoomNames.ForLog(RoomName), RoomType, _memberList.Count, logicKept ? " and its state" : " (its logic started afresh)");
    }
}
