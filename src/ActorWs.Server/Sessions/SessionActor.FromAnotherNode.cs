using System.Net.WebSockets;
using Akka.Actor;
using ActorWs.Protocol.Frames;
using ActorWs.Server.Messaging;
using ActorWs.Server.Rooms.Cluster;
using Microsoft.Extensions.Logging;

namespace ActorWs.Server.Sessions;

/// <summary>
/// In a cluster: a client came back to this node with the token of a session of another node (crashed, stopped, or
/// just not where its load balancer sent it). That session cannot be reached, or may be gone, so this new session asks
/// each of the client's rooms to take it as the member the token names, from the position the client processed last.
/// Until they have answered (or <see cref="RoomsAnswerTimeout"/> passed) the client hears nothing: what the rooms replay
/// is numbered after the client's <c>lastSeq</c> and kept; then comes the welcome (resumed, with a new token), what was
/// kept, and a <c>closed</c> notice for each room that could not take it back. If no room knows the token the welcome
/// says what it says for any unknown token, and the session is a fresh one.
/// </summary>
/// <remarks>
/// Until the welcome the rooms keep the token the client came back with (the manager here knows it too): if this
/// connection drops before the welcome, the client's next attempt, here or on any node, still proves who it is.
/// </remarks>
internal sealed partial class SessionActor
{
    /// <summary>How long the rooms have to answer before the client is welcomed without the ones that did not (their answer is still taken when it comes).</summary>
    internal static readonly TimeSpan RoomsAnswerTimeout = TimeSpan.FromSeconds(3);

    /// <summary>The rooms did not all answer in time.</summary>
    private sealed record RoomsAnswerTimedOut
    {
        public static readonly RoomsAnswerTimedOut Instance = new();
    }

    private enum FromAnotherNode
    {
        /// <summary>Not a session resumed from another node (or not yet decided).</summary>
        No,

        /// <summary>Asking the rooms; the client has not been welcomed.</summary>
        Asking,

        /// <summary>Welcomed as resumed: a late answer is still taken.</summary>
        Resumed,

        /// <summary>Welcomed as a fresh session: a room that takes it back late is left again.</summary>
        Refused,
    }

    private FromAnotherNode _fromAnotherNode;

    private bool _resumingFromAnotherNode => _fromAnotherNode == FromAnotherNode.Asking;

    /// <summary>Rooms asked that have not answered, by name.</summary>
    private HashSet<string>? _roomsToAnswer;

    /// <summary>Rooms that would not take the session back, with why (the client hears each closed after its welcome).</summary>
    private List<MembershipNotResumed>? _roomsNotResumed;

    /// <summary>What arrived while asking (the client's messages, another resume): handled after the welcome, in order.</summary>
    private List<(object Message, IActorRef Sender)>? _heldWhileAsking;

    private bool _anyRoomResumed;

    private void BeginResumeFromAnotherNode()
    {
        _fromAnotherNode = FromAnotherNode.Asking;
        // The client's numbering goes on: what the rooms replay comes after what it has processed.
        _seq = _setup.ResumeLastSeq;
        _seqAtDetach = _seq;
        _roomsToAnswer = new(StringComparer.Ordinal);
        foreach (var position in _setup.ResumePositions!)
        {
            _roomsToAnswer.Add(position.Room);
            var request = _session.ResumeRequest(position.RoomType, position.Room, _setup.Connection);
            _runtime.RoomManager.Tell(new ResumeMembership(_setup.ResumeRequestedToken!, position.Position, request), Self);
        }
        StartTimer(RoomsAnswerTimedOut.Instance, RoomsAnswerTimeout);
    }

    /// <summary>While asking: holds what must wait for the welcome; true when it did.</summary>
    private bool HoldWhileResuming(object message)
    {
        switch (message)
        {
            case WebSocketMessage or Reattach:
                (_heldWhileAsking ??= new()).Add((message, Sender));
                return true;
            case ConnectionClosed closed when Sender.Equals(_connection):
                // Nobody to welcome; the rooms still answer, and the session then waits for the client like any other.
                _connection = null;
                _lastStatus = closed.Status;
                return true;
            default:
                return false;
        }
    }

    private void OnMembershipResumed(MembershipResumed resumed)
    {
        switch (_fromAnotherNode)
        {
            case FromAnotherNode.Asking:
                _anyRoomResumed = true;
                _session.RecordResumedRoom(resumed.Room, resumed.RoomRef, resumed.RoomType);
                Answered(resumed.Room);
                break;
            case FromAnotherNode.Resumed:
                // Late, after the welcome: the room is the client's again, and keeps the token the client now has.
                _session.RecordResumedRoom(resumed.Room, resumed.RoomRef, resumed.RoomType);
                resumed.RoomRef.Tell(new MemberTokenChanged(_setup.ResumeToken!), Self);
                break;
            case FromAnotherNode.Refused:
                // The client was told it has a fresh session, in no room: out again.
                _session.RecordResumedRoom(resumed.Room, resumed.RoomRef, resumed.RoomType);
                _session.LeaveSilently(resumed.Room, resumed.RoomRef);
                break;
        }
    }

    private void OnMembershipNotResumed(MembershipNotResumed refused)
    {
        switch (_fromAnotherNode)
        {
            case FromAnotherNode.Asking:
                (_roomsNotResumed ??= new()).Add(refused);
                Answered(refused.Room);
                break;
            case FromAnotherNode.Resumed:
                _session.RoomLost(refused.Room, RoomLostReason(refused.Reason));
                break;
        }
    }

    /// <summary>What the client hears of a room that would not take it back.</summary>
    private static string RoomLostReason(string reason) =>
        reason == SessionManager.UnknownToken ? "the room no longer has this session as a member; join it again" : reason;

    private void Answered(string room)
    {
        if (_roomsToAnswer!.Remove(room) && _roomsToAnswer.Count == 0) FinishResumeFromAnotherNode();
    }

    /// <summary>Every room answered, or the time is up: welcome the client (resumed, or as a fresh session), then what was held.</summary>
    private void FinishResumeFromAnotherNode()
    {
        CancelTimer();
        bool complete = _resumeBuffer is null || _resumeBuffer.LostThrough <= _setup.ResumeLastSeq;
        if (_anyRoomResumed && complete)
        {
            _fromAnotherNode = FromAnotherNode.Resumed;
            SessionLog.LogDebug("Session {Session} resumed a session of another node ({Rooms} of its rooms took it back)", Id, _session.JoinedRooms.Count());
            if (_connection is null)
            {
                // The connection dropped before its welcome: the session waits for the client, which still has the token it came with.
                WaitForClient();
            }
            else
            {
                _setup = _setup with { ResumeToken = RotateToken() };
                _session.Reattached(_setup.ResumeLastSeq);
                foreach (var missed in _resumeBuffer?.After(_setup.ResumeLastSeq) ?? []) _connection.Tell(missed, Self);
                foreach (var refused in _roomsNotResumed ?? []) _session.RoomLost(refused.Room, RoomLostReason(refused.Reason));
            }
        }
        else
        {
            // Nothing to resume (no room knows the token), or more was replayed than a session keeps: a fresh session.
            _fromAnotherNode = FromAnotherNode.Refused;
            string why = _anyRoomResumed ? MissedMessagesGone : SessionManager.UnknownToken;
            _session.LeaveAllSilently();
            _resumeBuffer?.Clear();
            _resumeBuffer = null;
            _seq = 0;
            _setup = _setup with { ResumeToken = RotateToken(), ResumeError = why };
            if (_connection is null) CloseOnce(_lastStatus ?? new WebSocketClosed(WebSocketCloseCode.AbnormalClosure, "", ByPeer: true), consented: false);
            else _session.Open();
        }
        _roomsNotResumed = null;
        var held = _heldWhileAsking;
        _heldWhileAsking = null;
        foreach (var (message, sender) in held ?? []) Self.Tell(message, sender);
    }

    /// <summary>
    /// Spends the current token for a new one: the manager learns it first, and in a cluster every room of the session
    /// too (they are where a resume on another node proves who it is). Returns the new token, for the welcome.
    /// </summary>
    private string RotateToken()
    {
        string token = SessionManager.NewToken();
        Context.Parent.Tell(new TokenRotated(_setup.ResumeToken!, token), Self);
        if (_runtime.ClusterRooms is not null)
        {
            var changed = new MemberTokenChanged(token);
            foreach (var (_, room, _) in _session.JoinedRooms) room.Tell(changed, Self);
        }
        return token;
    }
}
