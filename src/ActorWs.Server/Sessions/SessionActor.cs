using System.Net.WebSockets;
using System.Net;
using System.Text;
using ActorWs.Actors;
using ActorWs.Server.Buffers;
using ActorWs.Server.Messaging;
using ActorWs.Server.Rooms;
using ActorWs.Server.Routing;
using Microsoft.Extensions.Logging;

namespace ActorWs.Server.Sessions;

/// <summary>
/// One per WebSocket connection: runs the route's handler, keeps the client's identity and the rooms it
/// joined. A death pact binds it to its connection: when the connection stops, the handler's
/// <see cref="WebSocketHandler.OnClose"/> runs once and the session stops; when the session stops
/// (or fails), the connection closes.
/// </summary>
internal sealed class SessionActor : ActorBase, IWebSocketSession
{
    private readonly ServerRuntime _runtime;
    private readonly SessionSetup _setup;
    private WebSocketHandler _handler = null!;
    private Dictionary<string, IActorRef>? _rooms;
    private bool _closed;

    public SessionActor(ServerRuntime runtime, SessionSetup setup)
    {
        _runtime = runtime;
        _setup = setup;
    }

    public string Id => _setup.Id;
    public object? Identity => _setup.Identity;
    public string Path => _setup.Path;
    public string Query => _setup.Query;
    public IReadOnlyDictionary<string, string> RouteValues => _setup.RouteValues;
    public string? Subprotocol => _setup.Subprotocol;
    public EndPoint? RemoteEndPoint => _setup.RemoteEndPoint;
    IActorRef IWebSocketSession.Self => Self;
    IActorContext IWebSocketSession.Context => Context;
    public IReadOnlyCollection<string> Rooms => (IReadOnlyCollection<string>?)_rooms?.Keys ?? [];

    protected override void PreStart()
    {
        Context.Watch(_setup.Connection);
        _handler = _setup.Route.CreateHandler();
        _handler.OnOpen(this);
    }

    protected override void PostStop()
    {
        // Rooms watch their members, so they notice this stop by themselves.
        if (!_closed)
        {
            _closed = true;
            // Stopped without its connection closing first (a handler failure): close the connection.
            _setup.Connection.Tell(new CloseRequested(Protocol.Frames.WebSocketCloseCode.InternalServerError, "session ended"), Self);
        }
    }

    protected override bool Receive(object message)
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
            case RoomJoinAccepted joined:
                (_rooms ??= new Dictionary<string, IActorRef>(StringComparer.Ordinal))[joined.Room] = joined.RoomRef;
                Context.Watch(joined.RoomRef);
                _handler.OnRoomEvent(this, new RoomJoined(joined.Room, joined.Members, joined.Tag));
                return true;
            case RoomJoinRefused refused:
                _handler.OnRoomEvent(this, new RoomJoinFailed(refused.Room, refused.Reason, refused.Tag));
                return true;
            case RoomLeaveConfirmed left:
                if (_rooms is not null && _rooms.Remove(left.Room, out var leftRef)) Context.Unwatch(leftRef);
                _handler.OnRoomEvent(this, new RoomLeft(left.Room, left.Tag));
                return true;
            case RoomRestartNotice restarted:
                _handler.OnRoomEvent(this, new RoomRestarted(restarted.Room, restarted.Reason));
                return true;
            case ConnectionClosed closed:
                CloseOnce(closed.Status);
                return true;
            case Terminated terminated when terminated.ActorRef.Equals(_setup.Connection):
                CloseOnce(new WebSocketClosed(Protocol.Frames.WebSocketCloseCode.AbnormalClosure, "", ByPeer: true));
                return true;
            case Terminated terminated:
                if (_rooms is not null)
                {
                    foreach (var (name, room) in _rooms)
                    {
                        if (!room.Equals(terminated.ActorRef)) continue;
                        _rooms.Remove(name);
                        _handler.OnRoomEvent(this, new RoomClosed(name, "the room stopped"));
                        break;
                    }
                }
                return true;
            default:
                return _handler.OnActorMessage(this, message);
        }
    }

    private void CloseOnce(WebSocketClosed status)
    {
        if (_closed) return;
        _closed = true;
        try
        {
            _handler.OnClose(this, status);
        }
        finally
        {
            Context.Stop(Self);
        }
    }

    private JoinRoomRequest Join(string roomType, string room, object? tag) =>
        new(roomType, room, Id, Identity, _setup.Connection, tag);

    public void Send(ReadOnlySpan<byte> payload, WebSocketMessageType type) =>
        _setup.Connection.Tell(OutboundFrame.Create(RoomActor.Opcode(type), payload), Self);

    public void SendText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var frame = OutboundFrame.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        int n = Encoding.UTF8.GetBytes(text, frame.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length)));
        frame.Advance(n);
        frame.Seal(Protocol.Frames.WebSocketOpcode.Text);
        _setup.Connection.Tell(frame, Self);
    }

    public void Send<TState>(TState state, Action<System.Buffers.IBufferWriter<byte>, TState> write, WebSocketMessageType type)
    {
        ArgumentNullException.ThrowIfNull(write);
        var frame = OutboundFrame.Rent();
        try
        {
            write(frame, state);
        }
        catch
        {
            frame.Release();
            throw;
        }
        frame.Seal(RoomActor.Opcode(type));
        _setup.Connection.Tell(frame, Self);
    }

    public void Close(ushort code = 1000, string? reason = null) =>
        _setup.Connection.Tell(new CloseRequested(code, reason ?? ""), Self);

    public void JoinRoom(string room, object? tag = null) =>
        JoinRoom(_setup.Route.RoomType ?? throw new InvalidOperationException($"Route {_setup.Route.Template} has no room type; name one."), room, tag);

    public void JoinRoom(string roomType, string room, object? tag)
    {
        ArgumentException.ThrowIfNullOrEmpty(roomType);
        ArgumentException.ThrowIfNullOrEmpty(room);
        _runtime.RoomManager.Tell(Join(roomType, room, tag), Self);
    }

    public void LeaveRoom(string room, object? tag = null)
    {
        if (_rooms is not null && _rooms.TryGetValue(room, out var roomRef)) roomRef.Tell(new LeaveRoomRequest(room, tag), Self);
        else Self.Tell(new RoomLeaveConfirmed(room, tag), Self);
    }

    public bool SendToRoom(ReadOnlySpan<char> room, ReadOnlySpan<byte> payload, WebSocketMessageType type)
    {
        if (_rooms is null || !_rooms.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(room, out var roomRef)) return false;
        roomRef.Tell(WebSocketMessage.Rent(payload, type, flow: null), Self);
        return true;
    }
}
