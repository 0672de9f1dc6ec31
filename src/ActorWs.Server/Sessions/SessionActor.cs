using System.Net;
using System.Net.WebSockets;
using System.Text;
using ActorWs.Actors;
using ActorWs.Protocol.Frames;
using ActorWs.Server.Buffers;
using ActorWs.Server.Messaging;
using ActorWs.Server.Rooms;
using Microsoft.Extensions.Logging;

namespace ActorWs.Server.Sessions;

/// <summary>
/// One per WebSocket client: runs the route's handler, keeps the client's identity and the rooms it joined.
/// </summary>
/// <remarks>
/// <para>On ordinary routes a death pact binds it to its connection: when the connection stops, the handler's
/// <see cref="WebSocketHandler.OnClose"/> runs once and the session stops; when the session stops (or fails),
/// the connection closes with 1011.</para>
/// <para>On resumable routes the session outlives a dropped connection for the reconnection window, still in its
/// rooms, numbering and keeping what they send; a client that comes back with the resume token is attached again
/// and gets exactly what it missed, then live traffic. Only when the window expires (or the client ends the session)
/// do its rooms see it leave.</para>
/// </remarks>
internal sealed partial class SessionActor : ActorBase, IWebSocketSession
{
    private readonly ServerRuntime _runtime;
    private SessionSetup _setup = null!;
    private IActorRef? _connection;
    private WebSocketHandler _handler = null!;
    private bool _closed;

    /// <summary>Made from one <see cref="Props"/> shared by all sessions; its setup comes with the first message.</summary>
    public SessionActor(ServerRuntime runtime) => _runtime = runtime;

    /// <summary>The session manager's first message to a new session.</summary>
    internal sealed record Begin(SessionSetup Setup);

    /// <summary>
    /// The one timer a session may need (reconnection window, or the pause while leaving its rooms), scheduled only
    /// then: a timer scheduler per session would cost memory for every idle connection.
    /// </summary>
    private ICancelable? _timer;

    private void StartTimer(object message, TimeSpan delay)
    {
        _timer?.Cancel();
        _timer = Context.System.Scheduler.ScheduleTellOnce(delay, Self, message, Self);
    }

    private void CancelTimer()
    {
        _timer?.Cancel();
        _timer = null;
    }

    public string Id => _setup.Id;
    public object? Identity => _setup.Identity;
    public string Path => _setup.Path;
    public string Query => _setup.Query;
    public IReadOnlyDictionary<string, string> RouteValues => _setup.RouteValues;
    public string? Subprotocol => _setup.Subprotocol;
    public EndPoint? RemoteEndPoint => _setup.Transport.RemoteEndPoint;
    public string? ResumeToken => _setup.ResumeToken;
    public string? ResumeError => _setup.ResumeError;
    IActorRef IWebSocketSession.Self => Self;
    IActorContext IWebSocketSession.Context => Context;

    private bool Unstarted(object message)
    {
        if (message is not Begin begin) return false;
        _setup = begin.Setup;
        _connection = _setup.Connection;
        Context.Watch(_setup.Connection);
        Become(Running);
        _handler = _setup.Route.CreateHandler();
        _handler.OnOpen(this);
        return true;
    }

    protected override void PostStop()
    {
        if (_setup is null) return; // stopped before it began
        CancelTimer();
        _resumeBuffer?.Clear();
        if (_setup.ResumeToken is { } token) Context.Parent.Tell(new SessionEnded(token), Self);
        if (!_closed)
        {
            _closed = true;
            // Stopped without its connection closing first (a handler failure): close the connection.
            _connection?.Tell(new CloseRequested(WebSocketCloseCode.InternalServerError, "session ended"), Self);
        }
    }

    protected override bool Receive(object message) => Unstarted(message);

    private bool Running(object message)
    {
        switch (message)
        {
            case WebSocketMessage inbound:
                try
                {
                    _handler.OnMessage(this, inbound);
                }
                finally
                {
                    inbound.Release();
                }
                return true;
            case OutboundFrame delivery:
                Deliver(delivery);
                return true;
            case ConnectionClosed closed when Sender.Equals(_connection):
                OnConnectionLost(closed.Status);
                return true;
            case ConnectionClosed:
                return true; // a connection this session has already left
            case Terminated terminated when terminated.ActorRef.Equals(_connection):
                OnConnectionLost(new WebSocketClosed(WebSocketCloseCode.AbnormalClosure, "", ByPeer: true));
                return true;
            case Reattach reattach:
                OnReattach(reattach.Setup);
                return true;
            case ReconnectionWindowExpired expired:
                if (_connection is null && expired.Detachment == _detachments) CloseOnce(_lastStatus ?? new WebSocketClosed(WebSocketCloseCode.AbnormalClosure, "", ByPeer: true), consented: false);
                return true;
            case CloseRequested close:
                // A room closing this member (e.g. rate-limit abuse): pass it on to the connection.
                _connection?.Tell(close, Self);
                return true;
            case EndingTimedOut:
                Context.Stop(Self);
                return true;
            default:
                if (HandleRoomMessage(message)) return true;
                return _handler.OnActorMessage(this, message);
        }
    }

    /// <summary>The session is over: the handler hears it once, then the session leaves its rooms and stops.</summary>
    private void CloseOnce(WebSocketClosed status, bool consented)
    {
        if (_closed) return;
        _closed = true;
        try
        {
            _handler.OnClose(this, status);
        }
        finally
        {
            if (consented) LeaveAllThenStop();
            else Context.Stop(Self); // rooms watching the session see it leave (not consented)
        }
    }

    public void Send(ReadOnlySpan<byte> payload, WebSocketMessageType type) =>
        _connection?.Tell(OutboundFrame.Create(RoomActor.Opcode(type), payload), Self);

    public void SendText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var frame = OutboundFrame.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        int n = Encoding.UTF8.GetBytes(text, frame.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length)));
        frame.Advance(n);
        frame.Seal(WebSocketOpcode.Text);
        SendFrame(frame);
    }

    public void Send<TState>(TState state, Action<System.Buffers.IBufferWriter<byte>, TState> write, WebSocketMessageType type)
    {
        var frame = OutboundFrame.Write(state, write);
        frame.Seal(RoomActor.Opcode(type));
        SendFrame(frame);
    }

    private void SendFrame(OutboundFrame frame)
    {
        if (_connection is null) frame.Release(); // detached: only room messages are kept for a resume
        else _connection.Tell(frame, Self);
    }

    public void Close(ushort code = 1000, string? reason = null) =>
        _connection?.Tell(new CloseRequested(code, reason ?? ""), Self);

    public void End()
    {
        _connection?.Tell(new CloseRequested(WebSocketCloseCode.NormalClosure, "session ended"), Self);
        CloseOnce(new WebSocketClosed(WebSocketCloseCode.NormalClosure, "session ended", ByPeer: true), consented: true);
    }
}
