using System.Text;
using Akka.Actor;
using ActorWs.Protocol.Frames;
using ActorWs.Server.Buffers;
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

    internal bool Closing(object message)
    {
        if (Common(message)) return true;
        switch (message)
        {
            case ResumeReading:
                ReadAvailable();
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
        if (_closeSent) return;
        if (_closeCode == 0) SetCloseStatus(code, reason, byPeer: false);
        _closeSent = true;
        Append(OutboundFrame.CreateClose(code, reason));
        EnterClosing();
    }

    private void EnterClosing()
    {
        _phase = ConnectionPhase.Closing;
        _phaseDeadline = _runtime.Time.GetTimestamp() + Ticks(_runtime.Options.WebSocket.CloseTimeout);
        ScheduleDeadline();
        SwitchTo(ConnectionBehavior.Closing);
        if (!_writeBlocked) Flush();
    }

    /// <summary>The peer's Close frame: echo it (if we have not sent ours), then end the TCP connection.</summary>
    private void OnPeerClose(ushort code, ReadOnlySpan<byte> reason)
    {
        _closeReceived = true;
        if (!_closeSent)
        {
            SetCloseStatus(code, Encoding.UTF8.GetString(reason), byPeer: true);
            _closeSent = true;
            // Echo the status code; a close without one is answered by a close without one (§5.5.1).
            Append(code == WebSocketCloseCode.NoStatusReceived
                ? OutboundFrame.Create(WebSocketOpcode.Close, [])
                : OutboundFrame.CreateClose(code, ""));
            EnterClosing();
        }
        TryFinish();
    }

    /// <summary>The peer broke the protocol: close with the rule's code without waiting for its close (§7.1.7).</summary>
    private void FailConnection(ushort code, string reason, WebSocketProtocolViolation violation)
    {
        ConnectionLog.ProtocolViolation(_log, Id, violation == WebSocketProtocolViolation.None ? reason : violation.ToString(), code);
        _failing = true;
        StartClose(code, reason);
        TryFinish();
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
