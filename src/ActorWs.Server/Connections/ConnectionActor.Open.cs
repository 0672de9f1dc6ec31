using System.Net.WebSockets;
using Akka.Actor;
using ActorWs.Protocol.Frames;
using ActorWs.Server.Buffers;
using ActorWs.Server.Messaging;
using ActorWs.Server.Sessions;

namespace ActorWs.Server.Connections;

/// <summary>The open WebSocket: frames in, messages to the session, backpressure.</summary>
internal sealed partial class ConnectionActor
{
    internal bool Open(object message)
    {
        if (Common(message)) return true;
        switch (message)
        {
            case ResumeReading:
                ReadAvailable();
                return true;
            case CloseRequested close:
                StartClose(close.Code, close.Reason);
                return true;
            case ServerShuttingDown:
                StartClose(_runtime.ShutdownCloseCode, _runtime.ShutdownCloseReason);
                return true;
            case ActorRoutes.CloseWebSocket close:
                StartClose(close.Code, close.Reason);
                return true;
            case Terminated terminated when terminated.ActorRef.Equals(_sessionActor):
                // The route's actor stopped (or failed and was stopped) while the client was still there.
                StartClose(WebSocketCloseCode.InternalServerError, "session ended");
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// Decodes frames from the input until it is used up, reading pauses, the close starts, or the turn's frame budget
    /// (<paramref name="frames"/>) is spent: then the rest stays buffered for a later turn (<see cref="DeferInput"/>).
    /// </summary>
    private void ProcessFrames(ref int frames)
    {
        var reader = _reader!;
        while (_inStart < _inEnd)
        {
            if (_inputDeferred) return;
            if (_phase == ConnectionPhase.Open && (Volatile.Read(ref _readsPaused) == 1 || _pausedForReplies)) return;
            if (frames <= 0)
            {
                // Stopped between two events, never inside one: the reader keeps its place in a message still in progress.
                reader.ReleaseDeliveredBuffers();
                DeferInput();
                return;
            }
            var frameEvent = reader.Read(_in.AsSpan(_inStart, _inEnd - _inStart), out int consumed);
            _inStart += consumed;
            if (frameEvent.Kind is WebSocketFrameEventKind.Message or WebSocketFrameEventKind.Ping or WebSocketFrameEventKind.Pong) frames--;
            switch (frameEvent.Kind)
            {
                case WebSocketFrameEventKind.NeedMoreData:
                    StartMessageDeadlineIfIncomplete(reader);
                    return;
                case WebSocketFrameEventKind.Message:
                    _messageDeadline = long.MaxValue; // completed in time
                    // After our close frame, data is no longer delivered (RFC 6455 §5.5.1).
                    if (_phase != ConnectionPhase.Open) break;
                    if (frameEvent.IsCompressed)
                    {
                        if (!DeliverCompressed(frameEvent.Opcode, frameEvent.Payload))
                        {
                            _inStart = _inEnd;
                            return;
                        }
                    }
                    else if (!Deliver(frameEvent.Opcode == WebSocketOpcode.Text ? WebSocketMessageType.Text : WebSocketMessageType.Binary, frameEvent.Payload))
                    {
                        _inStart = _inEnd;
                        return;
                    }
                    break;
                case WebSocketFrameEventKind.Ping:
                    // A control frame between the fragments of a message leaves that message's deadline running.
                    if (!reader.IsMessageInProgress) _messageDeadline = long.MaxValue;
                    if (!_closeSent) QueuePong(frameEvent.Payload);
                    break;
                case WebSocketFrameEventKind.Pong:
                    if (!reader.IsMessageInProgress) _messageDeadline = long.MaxValue;
                    break;
                case WebSocketFrameEventKind.Close:
                    _inStart = _inEnd;
                    OnPeerClose(frameEvent.CloseCode, frameEvent.CloseReason);
                    return;
                default:
                    _inStart = _inEnd;
                    FailConnection(frameEvent.ErrorCloseCode, frameEvent.ErrorReason, frameEvent.Violation);
                    return;
            }
        }
        // The input ended right after a frame: it may still be one fragment of a message. A message delivered from the
        // reader's own buffer has been copied: the buffer goes back now, not when the client next sends.
        reader.ReleaseDeliveredBuffers();
        StartMessageDeadlineIfIncomplete(reader);
    }

    /// <summary>
    /// Hands a whole message to the session; pauses reading when too many are waiting there. False when the memory budget
    /// cannot hold the message's copy (the connection is then failing with 1013).
    /// </summary>
    private bool Deliver(WebSocketMessageType type, ReadOnlySpan<byte> payload)
    {
        if (!TryChargeMessage(payload.Length))
        {
            RefuseForMemory();
            return false;
        }
        _messagesIn++;
        var message = WebSocketMessage.Rent(payload, type, this);
        // The payload is copied: a reassembly buffer it came from goes back before the session answers, so a large
        // message and its reply are not held alongside a third copy.
        _reader!.ReleaseDeliveredBuffers();
        if (payload.Length >= ChargedMessageSize) message.HoldCharge(_holder!, payload.Length);
        int waiting = Interlocked.Increment(ref _inflight);
        DeliverToSession(message);
        if (waiting < MaxInflight) return true;
        Volatile.Write(ref _readsPaused, 1);
        // The session may have caught up between the increment and the pause: then carry on at once.
        if (Volatile.Read(ref _inflight) <= ResumeAt) Interlocked.CompareExchange(ref _readsPaused, 0, 1);
        return true;
    }
}
