using System.Net.WebSockets;
using Akka.Actor;
using ActorWs.Protocol.Frames;
using ActorWs.Server.Buffers;
using ActorWs.Server.Dispatch;
using ActorWs.Server.Messaging;
using ActorWs.Server.Rooms;
using ActorWs.Server.Rooms.Cluster;
using Microsoft.Extensions.Logging;

namespace ActorWs.Server.Sessions;

/// <summary>
/// A resumable session (routes with <see cref="Routing.WebSocketRoute.Resumable"/>, such as the JSON room protocol's
/// <c>/ws</c>): runs the route's handler, keeps the client's rooms, and outlives a dropped connection for the
/// reconnection window. Ordinary routes need no such actor: their session runs inside the connection actor.
/// </summary>
/// <remarks>
/// <para>Bound to its connection both ways without a watch (a watch would cost every such connection a
/// larger actor state in Akka.NET): the connection tells it <see cref="ConnectionClosed"/> as it stops, and it tells
/// the connection to close with 1011 as it stops (a handler failure, which its supervisor answers by stopping it).</para>
/// <para>While detached, it stays in its rooms, numbering and keeping what they send; a client that comes back with
/// the resume token is attached again and gets exactly what it missed, then live traffic. Only when the window
/// expires (or the client ends the session) do its rooms see it leave.</para>
/// </remarks>
internal sealed partial class SessionActor : TurnBatchingActor, ISessionHost
{
    private readonly ServerRuntime _runtime;
    private SessionSetup _setup = null!;
    private WebSocketSession _session = null!;
    private IActorRef? _connection;
    private bool _ending;

    /// <summary>
    /// True while the handler handles a message from the client: what it sends meanwhile is a reply (marked on the
    /// frame), which its connection never treats as a slow consumer's backlog (it stops reading instead).
    /// </summary>
    private bool _handlingClientMessage;

    /// <summary>Made from one <see cref="Props"/> shared by all sessions; its setup comes with the first message.</summary>
    public SessionActor(ServerRuntime runtime) => _runtime = runtime;

    /// <summary>The session manager's first message to a new session.</summary>
    internal sealed record Begin(SessionSetup Setup, SessionHandoff Handoff);

    /// <summary>
    /// The one timer a session may need (reconnection window, or the pause while leaving its rooms), scheduled only
    /// then: a timer scheduler per session would cost memory for every idle connection.
    /// </summary>
    private ICancelable? _timer;

    private void StartTimer(object message, TimeSpan delay)
    {
        _timer?.Cancel();
        _timer = Context.System.Scheduler.ScheduleTellOnceCancelable(delay, Self, message, Self);
    }

    private void CancelTimer()
    {
        _timer?.Cancel();
        _timer = null;
    }

    private string Id => _setup.Id;

    IActorRef ISessionHost.Self => Self;
    IActorContext ISessionHost.Context => Context;
    IActorRef ISessionHost.Connection => _connection ?? Self;
    bool ISessionHost.SequencedDeliveries => true;
    string? ISessionHost.ResumeToken => _setup.ResumeToken;
    string? ISessionHost.ResumeError => _setup.ResumeError;
    void ISessionHost.Acknowledge(long seq) => _resumeBuffer?.Acknowledge(seq);

    long ISessionHost.OutboundBacklog => 0;
    long ISessionHost.OutboundQueueLimit => _runtime.Options.WebSocket.OutboundQueueLimit;
    void ISessionHost.NotifyWhenOutboundDrained(object notice) => Self.Tell(notice, Self); // the connection's own limit applies there

    void ISessionHost.SendToClient(OutboundFrame frame)
    {
        if (_connection is null)
        {
            frame.Release(); // detached: only room messages are kept for a resume
            return;
        }
        if (_handlingClientMessage) frame.MarkReply(); // a frame of this session's own, never a shared broadcast
        _connection.Tell(frame, Self);
    }

    void ISessionHost.SendToClient(WebSocketOpcode opcode, ReadOnlySpan<byte> payload) =>
        ((ISessionHost)this).SendToClient(OutboundFrame.Create(opcode, payload));

    void ISessionHost.CloseClient(ushort code, string reason) => _connection?.Tell(new CloseRequested(code, reason), Self);

    void ISessionHost.End()
    {
        _connection?.Tell(new CloseRequested(WebSocketCloseCode.NormalClosure, "session ended"), Self);
        CloseOnce(new WebSocketClosed(WebSocketCloseCode.NormalClosure, "session ended", ByPeer: true), consented: true);
    }

    protected override void OnReceive(object message)
    {
        if (_setup is null)
        {
            if (message is not Begin begin) Unhandled(message);
            else if (begin.Handoff.TryTake(Self)) Start(begin.Setup);
            else
            {
                // Its connection stopped before the session began: nobody to open it for. The manager forgets its token.
                Context.Parent.Tell(new SessionEnded(begin.Setup.ResumeToken!), Self);
                Context.Stop(Self);
            }
            return;
        }
        if (_resumingFromAnotherNode && HoldWhileResuming(message)) return;
        switch (message)
        {
            case WebSocketMessage inbound:
                try
                {
                    _handlingClientMessage = true;
                    _clientSpoke = true;
                    if (!_session.IsClosed) _session.Deliver(inbound);
                }
                finally
                {
                    _handlingClientMessage = false;
                    // After the replies were told (same thread, the connection's FIFO mailbox): the connection may be
                    // waiting for this release to send its close behind them (ConnectionActor.SendCloseAfterAnswers).
                    inbound.Release();
                }
                break;
            case OutboundFrame delivery:
                Deliver(delivery);
                break;
            case ConnectionClosed closed when Sender.Equals(_connection):
                OnConnectionLost(closed.Status);
                break;
            case ConnectionClosed:
                break; // a connection this session has already left
            case Reattach reattach:
                OnReattach(reattach.Setup, reattach.Handoff);
                break;
            case ResumeBufferEvicted:
                OnResumeBufferEvicted();
                break;
            case ReconnectionWindowExpired expired:
                if (_connection is null && expired.Detachment == _detachments)
                    CloseOnce(_lastStatus ?? new WebSocketClosed(WebSocketCloseCode.AbnormalClosure, "", ByPeer: true), consented: false);
                break;
            case CloseRequested close:
                // A room closing this member (e.g. rate-limit abuse): pass it on to the connection.
                _connection?.Tell(close, Self);
                break;
            case RoomLeaveConfirmed when _ending:
                if (--_leavesPending <= 0) Context.Stop(Self);
                break;
            case EndingTimedOut:
                Context.Stop(Self);
                break;
            case MembershipResumed resumed:
                OnMembershipResumed(resumed);
                break;
            case MembershipNotResumed notResumed:
                OnMembershipNotResumed(notResumed);
                break;
            case RoomsAnswerDue:
                OnRoomsAnswerDue();
                break;
            case MembershipMovedAway away:
                _session.HandleRoomMessage(away);
                // Waiting for a client that has resumed elsewhere, in no room any more: nothing is left to come back to.
                if (_detached && !_session.JoinedRooms.Any())
                {
                    SessionLog.LogDebug("Session {Session}: its client resumed on another node; ending it", Id);
                    CloseOnce(_lastStatus ?? new WebSocketClosed(WebSocketCloseCode.AbnormalClosure, "", ByPeer: true), consented: false);
                }
                break;
            default:
                if (_session.HandleRoomMessage(message)) break;
                if (_session.IsClosed || !_session.DeliverActorMessage(message)) Unhandled(message);
                break;
        }
    }

    private void Start(SessionSetup setup)
    {
        _setup = setup;
        _connection = setup.Connection;
        _session = new WebSocketSession(_runtime, this, setup);
        _runtime.Metrics.SessionStarted();
        if (setup.ResumesFromAnotherNode) BeginResumeFromAnotherNode();
        else _session.Open();
    }

    /// <summary>The session's messages of this turn to a room on another node cross in one message.</summary>
    protected override void OnBatchCompleted() => _session?.FlushRoomMessages();

    protected override void PostStop()
    {
        if (_setup is null) return; // stopped before it began
        _session.FlushRoomMessages(); // before its death is told to the rooms watching it
        _runtime.Metrics.SessionStopped(_detached);
        CancelTimer();
        _crossNode?.Due?.Cancel();
        _resumeBuffer?.Clear();
        if (_setup.ResumeToken is { } token) Context.Parent.Tell(new SessionEnded(token), Self);
        if (!_session.IsClosed)
        {
            _session.MarkFailed();
            // Stopped without its connection closing first (a handler failure): close the connection.
            _connection?.Tell(new CloseRequested(WebSocketCloseCode.InternalServerError, "session ended"), Self);
        }
    }

    /// <summary>Leaving every room before stopping took too long: stop anyway.</summary>
    private sealed record EndingTimedOut
    {
        public static readonly EndingTimedOut Instance = new();
    }

    private static readonly TimeSpan EndingTimeout = TimeSpan.FromSeconds(2);
    private int _leavesPending;

    /// <summary>The session is over: the handler hears it once, then the session leaves its rooms and stops.</summary>
    private void CloseOnce(WebSocketClosed status, bool consented)
    {
        if (_session.IsClosed) return;
        try
        {
            _session.Close(status);
        }
        finally
        {
            if (consented)
            {
                LeaveAllThenStop();
            }
            else
            {
                // In a cluster the rooms would keep the member's token for a resume from another node: this session is
                // over (its window expired, or it cannot be resumed), so nothing may resume it anywhere.
                if (_runtime.ClusterRooms is not null)
                {
                    _session.FlushRoomMessages();
                    foreach (var (_, room, _) in _session.JoinedRooms) room.Tell(MemberTokenChanged.Ended, Self);
                }
                Context.Stop(Self); // rooms watching the session see it leave (not consented)
            }
        }
    }

    /// <summary>The client ended its session: leave every room (its rooms see a consented leave), then stop.</summary>
    private void LeaveAllThenStop()
    {
        _ending = true;
        _leavesPending = _session.LeaveAllRooms();
        if (_leavesPending == 0)
        {
            Context.Stop(Self);
            return;
        }
        StartTimer(EndingTimedOut.Instance, EndingTimeout);
    }

    private ILogger SessionLog => _runtime.LoggerFactory.CreateLogger("ActorWs.Server.Sessions");
}
