using Akka.Actor;
using ActorWs.Server.Buffers;
using ActorWs.Server.Rooms.Cluster;
using ActorWs.Server.Sessions;
using Microsoft.Extensions.Logging;

namespace ActorWs.Server.Rooms;

/// <summary>
/// In a cluster: resuming a membership from another node. The room numbers its deliveries (positions), keeps the last
/// ones with whom each was for, keeps each resumable member's current resume token, and remembers members whose session
/// stopped without leaving for a reconnection window. A client whose session's node is gone comes back on another node
/// with the token and, per room, the position of the last delivery it processed; the room takes the new session as the
/// same member and replays what it missed: nothing lost, nothing twice.
/// </summary>
internal sealed partial class RoomActor
{
    /// <summary>
    /// The refusal when no member of this room has the token (or the identity differs): the same words as a session's,
    /// so that a refusal tells nothing about which tokens are live.
    /// </summary>
    internal const string UnknownMember = SessionManager.UnknownToken;

    /// <summary>Keeps a sealed delivery for replay (cluster only), with whom it was for: null for all, a member, or all but one.</summary>
    private void KeepForReplay(OutboundFrame frame, long position, object? addressee)
    {
        if (_lifetime.Replay is not { } replay) return;
        frame.AddReferences(1);
        if (!replay.Add(position, frame, addressee))
            Log.LogDebug("Room {Room}: the memory budget cannot hold its replay buffer; its kept deliveries are dropped", RoomNames.ForLog(RoomName));
    }

    /// <summary>The memory budget took the replay buffer: a resume from before now can no longer be complete, and is refused.</summary>
    private void OnReplayEvicted()
    {
        if (_lifetime.Replay is { Evicted: true } replay) replay.DropAll(_lifetime.Positions);
    }

    /// <summary>
    /// A resumable member's session stopped without leaving (its node crashed or shut down): its client may come back on
    /// another node within the reconnection window, so the room remembers it by its token until then.
    /// </summary>
    private void RememberDeparted(RoomMember gone)
    {
        if (gone.ResumeToken is not { } token || _lifetime.Replay is null) return;
        var departed = _lifetime.Departed ??= new(StringComparer.Ordinal);
        long now = _runtime.Time.GetTimestamp();
        if (departed.Count >= MaxDeparted)
        {
            foreach (var (expired, _) in departed.Where(d => d.Value.Until <= now).ToList()) departed.Remove(expired);
            if (departed.Count >= MaxDeparted) return; // a room that lost this many members at once keeps the first ones
        }
        departed[token] = (gone, now + (long)(DepartedWindow.TotalSeconds * _runtime.Time.TimestampFrequency));
    }

    /// <summary>The most departed members a room remembers at once.</summary>
    private const int MaxDeparted = 10_000;

    /// <summary>How long a departed member may come back: its room type's reconnection window, or the server's.</summary>
    private TimeSpan DepartedWindow => _type.Options.ReconnectionWindow ?? _runtime.Options.Rooms.ReconnectionWindow;

    /// <summary>Until when (a timestamp) some departed member may still come back; 0 when none may.</summary>
    private long DepartedUntil()
    {
        if (_lifetime.Departed is not { Count: > 0 } departed) return 0;
        long now = _runtime.Time.GetTimestamp();
        long until = 0;
        foreach (var (_, entry) in departed)
            if (entry.Until > now && entry.Until > until) until = entry.Until;
        return until;
    }

    private void HandleResumeMembership(ResumeMembership resume)
    {
        var session = Sender;
        var request = resume.Request;
        var member = FindByToken(resume.Token, out bool departed);
        string? refusal = null;
        long from = 0;
        if (_lifetime.Replay is not { } replay || member is null || !Equals(member.Identity, request.Identity)) refusal = UnknownMember;
        else if (resume.FromPosition > _lifetime.Positions) refusal = "the position is ahead of what the room delivered";
        else
        {
            from = Math.Max(resume.FromPosition, member.JoinedAt);
            if (replay.LostThrough > from) refusal = SessionActor.MissedMessagesGone;
        }
        if (refusal is not null)
        {
            session.Tell(new MembershipNotResumed(RoomName, refusal), Self);
            return;
        }
        if (!departed && member!.Session.Equals(session))
        {
            // Asked again by the session that already took the membership over (its first ask was slow): nothing to move or replay.
            Notify(member, new MembershipResumed(RoomName, RoomType, Self));
            return;
        }
        if (departed)
        {
            _lifetime.Departed!.Remove(resume.Token);
        }
        else
        {
            // The member's old session (on a node that is gone, or that the client left) is no longer this member.
            Remove(member!);
            Context.Unwatch(member!.Session);
            member.Session.Tell(new MembershipMovedAway(RoomName, Self), Self);
        }
        var relay = request.Relay is { } remote && !remote.IsLocalRef() ? remote : null;
        member!.MoveTo(session, request.Connection, relay, request.ResumeToken);
        Admit(member);
        Notify(member, new MembershipResumed(RoomName, RoomType, Self));
        ReplayTo(member, from);
        Log.LogDebug("Room {Room}: member {Member} resumed from position {Position} on a session of another node", RoomNames.ForLog(RoomName), member.Id, from);
        // A departed member was seen leaving; it is back, and the room's logic sees it join again.
        if (departed) _room.OnJoin(member);
    }

    /// <summary>The member (present, or departed within its window) whose current resume token is <paramref name="token"/>.</summary>
    private RoomMember? FindByToken(string token, out bool departed)
    {
        departed = false;
        foreach (var member in _memberList)
        {
            if (string.Equals(member.ResumeToken, token, StringComparison.Ordinal)) return member;
        }
        if (_lifetime.Departed is { } gone && gone.TryGetValue(token, out var entry))
        {
            if (entry.Until > _runtime.Time.GetTimestamp())
            {
                departed = true;
                return entry.Member;
            }
            gone.Remove(token);
        }
        return null;
    }

    /// <summary>Sends <paramref name="member"/>, in order, every kept delivery after <paramref name="from"/> that was for it.</summary>
    private void ReplayTo(RoomMember member, long from)
    {
        FlushBroadcasts();
        foreach (var (position, frame, addressee) in _lifetime.Replay!.EntriesAfter(from))
        {
            bool forMember = addressee switch
            {
                null => true,
                RoomMember target => ReferenceEquals(target, member),
                ReplayedExcept except => !ReferenceEquals(except.Member, member),
                _ => false,
            };
            if (!forMember) continue;
            if (member.Relay is { } relay)
            {
                relay.Tell(new RelayedFrame(Self, RoomName, member.Session, frame.PayloadKind, frame.Bytes.ToArray(), position), Self);
            }
            else
            {
                frame.AddReferences(1);
                member.Session.Tell(frame, Self);
            }
        }
    }
}
