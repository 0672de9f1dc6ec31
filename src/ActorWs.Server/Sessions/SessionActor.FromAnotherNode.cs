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
/// Until the first room has taken it back (or all refused, or <see cref="RoomsAnswerTimeout"/> passed) the client hears
/// nothing: what the rooms replay is numbered after the client's <c>lastSeq</c> and kept; then comes the welcome
/// (resumed, with a new token), what was kept, and then, as the other rooms answer, what they replay, or a
/// <c>closed</c> notice for each room that could not take it back. If no room knows the token the welcome says what it
/// says for any unknown token, and the session is a fresh one.
/// </summary>
/// <remarks>
/// <para>Until the welcome the rooms keep the token the client came back with (the manager here knows it too): if this
/// connection drops before the welcome, the client's next attempt, here or on any node, still proves who it is.</para>
/// <para>A room whose node is gone cannot answer until the cluster has removed that node and its shard lives again on
/// another (the ask may even be dropped meanwhile), so the rooms that have not answered are asked again every
/// <see cref="RoomsAnswerTimeout"/>, for one reconnection window; a room still silent then is told to the client as
/// closed. Everything about a resume from another node is in one object, made only for such a session: the others pay
/// one field for it.</para>
/// </remarks>
internal sealed partial class SessionActor
{
    /// <summary>
    /// How long the rooms have to answer before the client is welcomed as a fresh session if none took it back, and the
    /// interval at which the rooms that have not answered are asked again.
    /// </summary>
    internal static readonly TimeSpan RoomsAnswerTimeout = TimeSpan.FromSeconds(3);

    /// <summary>Time to welcome without the rooms that have not answered, or to ask them again.</summary>
    private sealed record RoomsAnswerDue
    {
        public static readonly RoomsAnswerDue Instance = new();
    }

    private enum CrossNodePhase
    {
        /// <summary>Asking the rooms; the client has not been welcomed.</summary>
        Asking,

        /// <summary>Welcomed as resumed: a late answer is still taken.</summary>
        Resumed,

        /// <summary>Welcomed as a fresh session: a room that takes it back late is left again.</summary>
        Refused,
    }

    /// <summary>The state of a resume from another node.</summary>
    private sealed class CrossNodeResume(IReadOnlyList<ResumePosition> positions)
    {
        public CrossNodePhase Phase = CrossNodePhase.Asking;

        /// <summary>Rooms asked that have not answered, by name, with where the client is in each.</summary>
        public readonly Dictionary<string, ResumePosition> Unanswered = positions.ToDictionary(p => p.Room, StringComparer.Ordinal);

        /// <summary>Rooms that would not take the session back while asking, with why (the client hears each closed after its welcome).</summary>
        public List<MembershipNotResumed>? NotResumed;

        /// <summary>What arrived while asking (the client's messages, another resume): handled after the welcome, in order.</summary>
        public List<(object Message, IActorRef Sender)>? Held;

        public bool AnyResumed;

        /// <summary>Rounds of asking so far.</summary>
        public int Rounds;

        public ICancelable? Due;
    }

    private CrossNodeResume? _crossNode;

    private bool _resumingFromAnotherNode => _crossNode is { Phase: CrossNodePhase.Asking };

    private void BeginResumeFromAnotherNode()
    {
        var resume = _crossNode = new CrossNodeResume(_setup.ResumePositions!);
        // The client's numbering goes on: what the rooms replay comes after what it has processed.
        _seq = _setup.ResumeLastSeq;
        _seqAtDetach = _seq;
        AskRooms(resume);
    }

    /// <summary>Asks every room that has not answered to take this session as its member, and when to look again.</summary>
    private void AskRooms(CrossNodeResume resume)
    {
        resume.Rounds++;
        foreach (var position in resume.Unanswered.Values)
        {
            var request = _session.ResumeRequest(position.RoomType, position.Room, _setup.Connection);
            _runtime.RoomManager.Tell(new ResumeMembership(_setup.ResumeRequestedToken!, position.Position, request), Self);
        }
        resume.Due = Context.System.Scheduler.ScheduleTellOnceCancelable(RoomsAnswerTimeout, Self, RoomsAnswerDue.Instance, Self);
    }

    private void OnRoomsAnswerDue()
    {
        if (_crossNode is not { } resume) return;
        switch (resume.Phase)
        {
            case CrossNodePhase.Asking:
                FinishResumeFromAnotherNode(); // none took it back in time: a fresh session
                break;
            case CrossNodePhase.Resumed when resume.Unanswered.Count > 0:
                if (RoomsAnswerTimeout * resume.Rounds < ReconnectionWindow())
                {
                    AskRooms(resume);
                    break;
                }
                // Silent for a whole reconnection window: whatever became of the room, the client is not in it.
                foreach (var room in resume.Unanswered.Keys.ToList()) _session.RoomLost(room, RoomDidNotAnswer);
                resume.Unanswered.Clear();
                break;
        }
    }

    /// <summary>What the client hears of a room that never answered a resume from another node.</summary>
    internal const string RoomDidNotAnswer = "the room did not answer the resume; join it again";

    /// <summary>While asking: holds what must wait for the welcome; true when it did.</summary>
    private bool HoldWhileResuming(object message)
    {
        switch (message)
        {
            case WebSocketMessage or Reattach:
                (_crossNode!.Held ??= new()).Add((message, Sender));
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
        // Only the first answer of each room counts (a room asked again may answer twice).
        if (_crossNode is not { } resume || !resume.Unanswered.Remove(resumed.Room)) return;
        _session.RecordResumedRoom(resumed.Room, resumed.RoomRef, resumed.RoomType);
        switch (resume.Phase)
        {
            case CrossNodePhase.Asking:
                // The first room that takes it back proves the token: welcome the client now.
                resume.AnyResumed = true;
                FinishResumeFromAnotherNode();
                break;
            case CrossNodePhase.Resumed:
                // After the welcome: the room keeps the token the client now has.
                resumed.RoomRef.Tell(new MemberTokenChanged(_setup.ResumeToken!), Self);
                break;
            case CrossNodePhase.Refused:
                // The client was told it has a fresh session, in no room: out again.
                _session.LeaveSilently(resumed.Room, resumed.RoomRef);
                break;
        }
    }

    private void OnMembershipNotResumed(MembershipNotResumed refused)
    {
        if (_crossNode is not { } resume || !resume.Unanswered.Remove(refused.Room)) return;
        switch (resume.Phase)
        {
            case CrossNodePhase.Asking:
                (resume.NotResumed ??= new()).Add(refused);
                if (resume.Unanswered.Count == 0) FinishResumeFromAnotherNode();
                break;
            case CrossNodePhase.Resumed:
                _session.RoomLost(refused.Room, RoomLostReason(refused.Reason));
                break;
        }
    }

    /// <summary>What the client hears of a room that would not take it back.</summary>
    private static string RoomLostReason(string reason) =>
        reason == SessionManager.UnknownToken ? "the room no longer has this session as a member; join it again" : reason;

    /// <summary>A room took the session back, or all refused, or the time is up: welcome the client (resumed, or as a fresh session), then what was held.</summary>
    private void FinishResumeFromAnotherNode()
    {
        var resume = _crossNode!;
        resume.Due?.Cancel();
        bool complete = _resumeBuffer is null || _resumeBuffer.LostThrough <= _setup.ResumeLastSeq;
        if (resume.AnyResumed && complete)
        {
            resume.Phase = CrossNodePhase.Resumed;
            SessionLog.LogDebug("Session {Session} resumed a session of another node", Id);
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
                foreach (var refused in resume.NotResumed ?? []) _session.RoomLost(refused.Room, RoomLostReason(refused.Reason));
            }
            // The rooms that have not answered are asked again until they do (or a reconnection window has passed).
            if (resume.Unanswered.Count > 0) resume.Due = Context.System.Scheduler.ScheduleTellOnceCancelable(RoomsAnswerTimeout, Self, RoomsAnswerDue.Instance, Self);
        }
        else
        {
            // Nothing to resume (no room knows the token), or more was replayed than a session keeps: a fresh session.
            resume.Phase = CrossNodePhase.Refused;
            string why = resume.AnyResumed ? MissedMessagesGone : SessionManager.UnknownToken;
            _session.LeaveAllSilently();
            _resumeBuffer?.Clear();
            _resumeBuffer = null;
            _seq = 0;
            _setup = _setup with { ResumeToken = RotateToken(), ResumeError = why };
            if (_connection is null) CloseOnce(_lastStatus ?? new WebSocketClosed(WebSocketCloseCode.AbnormalClosure, "", ByPeer: true), consented: false);
            else _session.Open();
        }
        resume.NotResumed = null;
        var held = resume.Held;
        resume.Held = null;
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
            _session.FlushRoomMessages();
            foreach (var (_, room, _) in _session.JoinedRooms) room.Tell(changed, Self);
        }
        return token;
    }
}
