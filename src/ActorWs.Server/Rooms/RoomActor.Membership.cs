using System.Text.Json;
using Akka.Actor;
using ActorWs.Server.Rooms.Cluster;
using Microsoft.Extensions.Logging;

namespace ActorWs.Server.Rooms;

/// <summary>Admission (on reserved seats, through the logic's OnAuth), leaving, and lingering when empty.</summary>
internal sealed partial class RoomActor
{
    private void HandleJoin(ReservedJoin join)
    {
        _lifetime.JoinsProcessed++;
        var request = join.Request;
        var session = Sender;
        if (_members.TryGetValue(session, out var already))
        {
            Context.Parent.Tell(new SeatSettled(join.ReservationId), Self);
            Notify(already, new RoomJoinAccepted(RoomName, RoomType, Self, MemberIds(), request.Tag, _lifetime.Incarnation));
            return;
        }
        string? refusal = null;
        if (_runtime.Time.GetTimestamp() > join.ExpiresAt) refusal = "seat reservation expired";
        else if (_room.IsLocked) refusal = "room is locked";
        else if (_memberList.Count >= _room.MaxClients) refusal = "room is full";
        if (refusal is not null && request.Kind == MatchmakeKind.JoinOrCreate && refusal != "seat reservation expired")
        {
            // The manager's view was stale: let it find (or make) another room.
            Context.Parent.Tell(new SeatRefused(join.ReservationId, request, session), Self);
            return;
        }
        // A member whose session lives on another node is reached through that node's relay (null: on this node).
        var relay = request.Relay is { } remote && !remote.IsLocalRef() ? remote : null;
        var member = new RoomMember(request.MemberId, request.Identity, session, request.Connection, request.Sequenced, relay)
        {
            // In a cluster the room is where a resume on another node proves who it is, and from where it replays.
            ResumeToken = _lifetime.Clustered && request.Sequenced ? request.ResumeToken : null,
            JoinedAt = _lifetime.Positions,
        };
        if (refusal is null)
        {
            using var options = JsonDocument.Parse(request.OptionsJson);
            var auth = _room.OnAuth(member, options.RootElement);
            if (!auth.Accepted) refusal = auth.Reason ?? "refused by the room";
        }
        Context.Parent.Tell(new SeatSettled(join.ReservationId), Self);
        if (refusal is not null)
        {
            session.Tell(new RoomJoinRefused(RoomName, refusal, request.Tag), Self);
            CheckEmpty();
            return;
        }
        Admit(member);
        Notify(member, new RoomJoinAccepted(RoomName, RoomType, Self, MemberIds(), request.Tag, _lifetime.Incarnation));
        _room.OnJoin(member);
    }

    /// <summary>Makes <paramref name="member"/> a member: reached from now on (through its node's relay if it has one), and watched.</summary>
    private void Admit(RoomMember member)
    {
        _members.Add(member.Session, member);
        FlushBroadcasts();
        _memberList.Add(member);
        if (member.Relay is { } relay)
        {
            _lifetime.RemoteMembers++;
            _lifetime.RemoteNodes[relay] = _lifetime.RemoteNodes.GetValueOrDefault(relay) + 1;
            relay.Tell(new Cluster.RelayMemberJoined(Self, RoomName, member.Session, member.Connection, member.Sequenced), Self);
        }
        else if (!member.Sequenced)
        {
            _lifetime.ConnectionMembers++;
        }
        Context.Watch(member.Session);
        Timers.Cancel(RoomLingerElapsed.Instance);
        _listingChanged = true;
    }

    private void HandleLeave(LeaveRoomRequest leave)
    {
        if (_members.TryGetValue(Sender, out var leaving))
        {
            Remove(leaving);
            Context.Unwatch(leaving.Session);
            Notify(leaving, new RoomLeaveConfirmed(RoomName, leave.Tag));
            _room.OnLeave(leaving, consented: true);
            CheckEmpty();
        }
        else
        {
            Sender.Tell(new RoomLeaveConfirmed(RoomName, leave.Tag), Self);
        }
    }

    private string[] MemberIds()
    {
        var ids = new string[_memberList.Count];
        for (int i = 0; i < ids.Length; i++) ids[i] = _memberList[i].Id;
        return ids;
    }

    private void Remove(RoomMember member)
    {
        FlushBroadcasts();
        _members.Remove(member.Session);
        if (_memberList.Remove(member))
        {
            if (member.Relay is { } relay)
            {
                _lifetime.RemoteMembers--;
                int left = _lifetime.RemoteNodes[relay] - 1;
                if (left == 0) _lifetime.RemoteNodes.Remove(relay);
                else _lifetime.RemoteNodes[relay] = left;
                // Told after what was sent to it (the relay drops the member only once those are delivered).
                relay.Tell(new Cluster.RelayMemberLeft(Self, member.Session), Self);
            }
            else if (!member.Sequenced)
            {
                _lifetime.ConnectionMembers--;
            }
        }
        _listingChanged = true;
    }

    private void CheckEmpty()
    {
        if (_members.Count > 0) return;
        var linger = _runtime.Options.Rooms.Linger;
        if (DepartedUntil() is > 0 and var until)
        {
            // Members that may still resume from another node keep the room (and what it kept for them) at least that long.
            var departedFor = _runtime.Time.GetElapsedTime(_runtime.Time.GetTimestamp(), until);
            if (departedFor > linger) linger = departedFor;
        }
        if (linger <= TimeSpan.Zero) Context.Parent.Tell(new RoomIdle(_lifetime.JoinsProcessed), Self);
        else Timers.StartSingleTimer(RoomLingerElapsed.Instance, RoomLingerElapsed.Instance, linger);
    }
}
