using System.Text;
using Akka.Actor;
using ActorWs.Protocol.Frames;
using ActorWs.Server.Buffers;
using ActorWs.Server.Messaging;
using ActorWs.Server.Sessions;

namespace ActorWs.Server.Connections;

/// <summary>The close handshake (RFC 6455 §7) and the TCP close after it.</summary>
internal sealed partial class ConnectionActor
{
    private bool _closeSent;
    private bool _closeReceived;
    private bool _failing;
    private bool _closeAfterResponse;
    private ushort _closeCode;
    private string _closeReason = "";
    private bool _closeByPeer;

    /// <summary>
    /// Most bytes read after we closed the connection for the peer's fault, looking for its close frame (or FIN); then
    /// reading stops and the close timeout ends the connection. A peer that keeps sending after its 1002 or 1008 is not
    /// read (and decoded, and discarded) for the whole close timeout.
    /// </summary>
    private const int ReadLimitAfterFailedClose = 64 * 1024;

    /// <summary>Bytes read since our close went out, counted only while <see cref="ReadsBoundedAfterClose"/>.</summary>
    private int _readAfterFailedClose;

    /// <summary>
    /// Whether our close went out because the peer failed us (a protocol error, a policy such as the slow-consumer limit or
    /// the message timeout): reading after it is bounded. After a normal or going-away close, or when echoing the peer's
    /// close, a well-behaved peer may still be finishing a message and is read on (so after a cluster node's service-restart close too).
    /// </summary>
    private bool ReadsBoundedAfterClose =>
        _closeSent && !_closeByPeer && _closeCode is not (WebSocketCloseCode.NormalClosure or WebSocketCloseCode.GoingAway or WebSocketCloseCode.ServiceRestart);

    /// <summary>
    /// 1 while our close waits for the session's answers (<see cref="ConnectionPhase.AwaitingAnswers"/>): the session's
    /// thread then tells <see cref="AnswersDelivered"/> when the in-flight count reaches zero. The close frame itself is
    /// not kept meanwhile: the close status already says what it will be (<see cref="HeldCloseFrame"/>).
    /// </summary>
    private int _awaitingAnswers;

    internal bool Closing(object message)
    {
        if (Common(message)) return true;
        switch (message)
        {
            case ResumeReading:
                ReadAvailable();
                return true;
            case AnswersDelivered:
                // A second notice (both sides saw the count reach zero) or one after the close timeout finds nothing held.
                if (_phase == ConnectionPhase.AwaitingAnswers && Volatile.Read(ref _inflight) == 0) SendHeldClose();
                return true;
            case CloseRequested:
            case ServerShuttingDown:
            case ActorRoutes.CloseWebSocket:
            case Terminated terminated when terminated.ActorRef.Equals(_sessionActor):
                return true; // already closing
            case SessionStarted started:
                // Too late: the session hears the connection is gone as this actor stops.
                _sessionActor = started.Session;
                return true;
            default:
                return false;
        }
    }

    private void SetCloseStatus(ushort code, string reason, bool byPeer)
    {
        _closeCode = code;
        _closeReason = reason;
        _closeByPeer = byPeer;
    }

    private WebSocketClosed CloseStatus() =>
        _closeCode == 0
            ? new WebSocketClosed(WebSocketCloseCode.AbnormalClosure, "", ByPeer: true)
            : new WebSocketClosed(_closeCode, _closeReason, _closeByPeer);

    /// <summary>Sends our Close frame and waits (up to the close timeout) for the peer's.</summary>
    private void StartClose(ushort code, string reason)
    {
        if (_closeSent || _phase == ConnectionPhase.AwaitingAnswers) return; // a close is already on its way
        if (_closeCode == 0) SetCloseStatus(code, reason, byPeer: false);
        SendCloseNow(OutboundFrame.CreateClose(code, reason));
    }

    /// <summary>Queues our Close frame (nothing is sent after it) and enters the closing phase.</summary>
    private void SendCloseNow(OutboundFrame close)
    {
        _closeSent = true;
        Append(close);
        EnterClosing();
        TryFinish();
    }

    /// <summary>
    /// Sends our close (failing, or echoing the peer's: its status is set, <see cref="HeldCloseFrame"/>) once every
    /// message that arrived whole before it has been answered (RFC 6455 §5.1, §7.1.7: the peer's messages before its
    /// error or its close are still the peer's messages).
    /// </summary>
    /// <remarks>
    /// A session running in this actor answered each message in the turn it arrived, so its close goes out now. A
    /// session actor answers later: the close is held until the messages it was handed are released (the in-flight count
    /// reaches zero, <see cref="IInboundFlow.MessageHandled"/> tells <see cref="AnswersDelivered"/>, which lands behind
    /// the answers) or the close timeout passes, so that a slow or stuck session cannot hold a failing connection open.
    /// Meanwhile nothing more is read: what follows the error or the close is not the peer's to have answered. Even
    /// with nothing in flight the notice goes through the mailbox, since answers to messages already released may be
    /// queued there still.
    /// </remarks>
    private void SendCloseAfterAnswers()
    {
        if (_sessionActor is null && Volatile.Read(ref _inflight) == 0)
        {
            SendCloseNow(HeldCloseFrame());
            return;
        }
        _phase = ConnectionPhase.AwaitingAnswers;
        _phaseDeadline = _runtime.Time.GetTimestamp() + Ticks(_runtime.Options.WebSocket.CloseTimeout);
        ScheduleDeadline();
        SwitchTo(ConnectionBehavior.Closing);
        // Publish the wait before reading the count (the exchange is a full fence; see IInboundFlow.MessageHandled).
        Interlocked.Exchange(ref _awaitingAnswers, 1);
        if (Volatile.Read(ref _inflight) == 0) _self.Tell(AnswersDelivered.Instance, ActorRefs.NoSender);
    }

    /// <summary>The held close goes out: every answer came, or the close timeout passed, or the client stopped reading.</summary>
    private void SendHeldClose()
    {
        Volatile.Write(ref _awaitingAnswers, 0);
        SendCloseNow(HeldCloseFrame());
    }

    /// <summary>
    /// The close frame the status calls for: the peer's code echoed (a close without one is answered by a close without
    /// one, §5.5.1), or our own code and reason when we fail the connection.
    /// </summary>
    private OutboundFrame HeldCloseFrame() =>
        !_closeByPeer ? OutboundFrame.CreateClose(_closeCode, _closeReason)
        : _closeCode == WebSocketCloseCode.NoStatusReceived ? OutboundFrame.Create(WebSocketOpcode.Close, [])
        : OutboundFrame.CreateClose(_closeCode, "");

    private void EnterClosing()
    {
        _phase = ConnectionPhase.Closing;
        _phaseDeadline = _runtime.Time.GetTimestamp() + Ticks(_runtime.Options.WebSocket.CloseTimeout);
        ScheduleDeadline();
        SwitchTo(ConnectionBehavior.Closing);
        if (!_writeBlocked) Flush();
    }

    /// <summary>
    /// The peer's Close frame: echo it (if we have not sent ours) once the messages before it are answered, then end the
    /// TCP connection.
    /// </summary>
    private void OnPeerClose(ushort code, ReadOnlySpan<byte> reason)
    {
        _closeReceived = true;
        if (!_closeSent && _phase != ConnectionPhase.AwaitingAnswers)
        {
            SetCloseStatus(code, Encoding.UTF8.GetString(reason), byPeer: true);
            SendCloseAfterAnswers();
            return;
        }
        TryFinish();
    }

    /// <summary>
    /// The peer broke the protocol: close with the rule's code without waiting for its close (§7.1.7), once the messages
    /// that arrived whole before the error are answered.
    /// </summary>
    private void FailConnection(ushort code, string reason, WebSocketProtocolViolation violation)
    {
        ConnectionLog.ProtocolViolation(Log, Id, violation == WebSocketProtocolViolation.None ? reason : violation.ToString(), code);
        _failing = true;
        if (_closeSent || _phase == ConnectionPhase.AwaitingAnswers)
        {
            TryFinish();
            return;
        }
        SetCloseStatus(code, reason, byPeer: false);
        SendCloseAfterAnswers();
    }

    /// <summary>Once both Close frames are exchanged (or the connection is failing) and our bytes are out: send FIN.</summary>
    private void TryFinish()
    {
        if (_phase != ConnectionPhase.Closing || !(_closeReceived || _failing) || !OutputDrained) return;
        StartFinishing();
    }

    /// <summary>Our side is done: FIN, then wait for the peer's FIN so that the server holds TIME_WAIT (§7.1.1).</summary>
    private void StartFinishing()
    {
        _transport.ShutdownSend();
        if (_peerFinished)
        {
            Context.Stop(_self);
            return;
        }
        _phase = ConnectionPhase.AwaitingPeerFin;
        _phaseDeadline = _runtime.Time.GetTimestamp() + Ticks(_runtime.Options.WebSocket.CloseTimeout);
        ScheduleDeadline();
        SwitchTo(ConnectionBehavior.Closing);
        ReadAvailable(); // the FIN may already be there
    }

    /// <summary>Called when every queued byte has been sent.</summary>
    private void OnOutputDrained()
    {
        switch (_phase)
        {
            case ConnectionPhase.Closing:
                TryFinish();
                break;
            case ConnectionPhase.Finishing:
                Context.Stop(_self);
                break;
            case ConnectionPhase.Handshaking when _closeAfterResponse:
                if (_peerFinished) Context.Stop(_self);
                else StartFinishing();
                break;
        }
    }
}
