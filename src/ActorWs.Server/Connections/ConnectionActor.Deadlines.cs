using Akka.Actor;
using ActorWs.Protocol.Frames;
using ActorWs.Server.Buffers;

namespace ActorWs.Server.Connections;

/// <summary>
/// Time: the handshake timeout, pings to quiet peers, the idle timeout and the close timeout, all through
/// one deadline the listener's periodic scan watches (no timer per connection).
/// </summary>
internal sealed partial class ConnectionActor
{
    private long _phaseDeadline;
    private long _lastReceived;
    private long _lastPing;

    /// <summary>
    /// When the message (or frame) the input ends inside must be complete (<c>message-timeout</c>); <see cref="long.MaxValue"/>
    /// while nothing is half received. Any byte keeps the idle timeout away, so without this one byte now and then would
    /// keep a partial message of up to the size limit alive for ever.
    /// </summary>
    private long _messageDeadline = long.MaxValue;

    /// <summary>The input ends inside a message or frame: it has <c>message-timeout</c> from now to be completed.</summary>
    private void StartMessageDeadlineIfIncomplete(WebSocketFrameReader reader)
    {
        if (_messageDeadline != long.MaxValue || _phase != ConnectionPhase.Open || !reader.IsIncomplete) return;
        var timeout = _runtime.Options.WebSocket.MessageTimeout;
        if (timeout <= TimeSpan.Zero) return;
        _messageDeadline = _runtime.Time.GetTimestamp() + Ticks(timeout);
        ScheduleDeadline();
    }

    private long Ticks(TimeSpan span)
    {
        double ticks = span.TotalSeconds * _runtime.Time.TimestampFrequency;
        return ticks >= long.MaxValue / 4 ? long.MaxValue / 4 : (long)ticks;
    }

    /// <summary>Publishes the next moment this connection needs to look at the clock.</summary>
    private void ScheduleDeadline()
    {
        long next = _phaseDeadline;
        if (_phase == ConnectionPhase.Open)
        {
            var ws = _runtime.Options.WebSocket;
            next = _lastReceived + Ticks(ws.IdleTimeout);
            if (ws.PingInterval > TimeSpan.Zero)
                next = Math.Min(next, Math.Max(_lastReceived, _lastPing) + Ticks(ws.PingInterval));
            next = Math.Min(next, _messageDeadline);
        }
        _entry.SetDeadline(next);
    }

    private void OnDeadline()
    {
        long now = _runtime.Time.GetTimestamp();
        switch (_phase)
        {
            case ConnectionPhase.Open:
                var ws = _runtime.Options.WebSocket;
                if (now >= _messageDeadline)
                {
                    if (Volatile.Read(ref _readsPaused) == 1 || _pausedForReplies || _inputDeferred)
                    {
                        // We are the ones not reading (backpressure, or the rest of a turn's input set aside for the next
                        // turn, which may hold the message's end): the client gets a fresh period once we read again.
                        _messageDeadline = now + Ticks(ws.MessageTimeout);
                    }
                    else
                    {
                        _messageDeadline = long.MaxValue;
                        // Answers what arrived whole before the unfinished message, then closes (a policy, not a protocol error).
                        FailConnection(WebSocketCloseCode.PolicyViolation, "message took too long", WebSocketProtocolViolation.None);
                        return;
                    }
                }
                long silent = now - _lastReceived;
                if (silent >= Ticks(ws.IdleTimeout))
                {
                    StartClose(WebSocketCloseCode.GoingAway, "idle timeout");
                    return;
                }
                long ping = Ticks(ws.PingInterval);
                if (ws.PingInterval > TimeSpan.Zero && silent >= ping && now - _lastPing >= ping)
                {
                    _lastPing = now;
                    Append(OutboundFrame.Create(WebSocketOpcode.Ping, []));
                }
                break;
            case ConnectionPhase.AwaitingAnswers when now >= _phaseDeadline:
                // The session did not answer in time: the close goes out without the answers still missing.
                ConnectionLog.AnswersTimedOut(Log, Id, Volatile.Read(ref _inflight));
                SendHeldClose(); // the closing phase sets its own deadline
                return;
            default:
                if (now >= _phaseDeadline)
                {
                    if (_phase is ConnectionPhase.Handshaking or ConnectionPhase.Authorizing or ConnectionPhase.Opening)
                        ConnectionLog.HandshakeTimedOut(Log, Id, _partialRequest);
                    _transport.Abort();
                    Context.Stop(_self);
                    return;
                }
                break;
        }
        ScheduleDeadline();
    }
}
