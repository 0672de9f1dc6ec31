using System.Net;
using System.Net.WebSockets;
using System.Text;
using Akka.Actor;
using ActorWs.Protocol.Frames;
using ActorWs.Server.Buffers;
using ActorWs.Server.Messaging;
using ActorWs.Server.Rooms;
using ActorWs.Server.Routing;
using ActorWs.Server.Transport;

namespace ActorWs.Server.Sessions;

/// <summary>
/// One client's session as its route's handler sees it: who the client is, what it may do, and the rooms it joined.
/// It runs inside an actor (its <see cref="ISessionHost"/>): the connection actor on ordinary routes, so an idle
/// connection is one actor and a request–reply message is answered in the same turn it arrived; a
/// <see cref="SessionActor"/> on resumable routes, where the session must outlive its connection.
/// </summary>
/// <remarks>
/// Not thread-safe: every member runs on the host actor's turn. Handler callbacks go through here, so that the
/// host decides what a failing callback means (the session ends and the connection closes with 1011).
/// </remarks>
internal sealed partial class WebSocketSession : IWebSocketSession
{
    private readonly ServerRuntime _runtime;
    private readonly ISessionHost _host;
    private readonly WebSocketHandler _handler;
    private IConnectionTransport _transport;
    private bool _closed;

    /// <summary>A session of a resumable route, in its session actor.</summary>
    public WebSocketSession(ServerRuntime runtime, ISessionHost host, SessionSetup setup)
        : this(runtime, host, 0, setup.Route, setup.Path, setup.Query, setup.RouteValues, setup.Transport, setup.Identity, setup.Subprotocol) =>
        _id = setup.Id;

    /// <summary>
    /// A session of an ordinary route, in its connection actor: its id is made from the connection's number when first
    /// asked for (most handlers never ask, and an idle connection then holds no id string).
    /// </summary>
    public WebSocketSession(ServerRuntime runtime, ISessionHost host, long connectionId, WebSocketRoute route, string path, string query,
        IReadOnlyDictionary<string, string> routeValues, IConnectionTransport transport, object? identity, string? subprotocol)
    {
        _runtime = runtime;
        _host = host;
        _connectionId = connectionId;
        Route = route;
        Path = path;
        Query = query;
        RouteValues = routeValues;
        Identity = identity;
        Subprotocol = subprotocol;
        _transport = transport;
        _handler = route.CreateHandler();
    }

    private readonly long _connectionId;
    private string? _id;

    /// <summary>The session id of the connection numbered <paramref name="connectionId"/>: <c>s-</c> and the number in hex.</summary>
    internal static string IdOf(long connectionId) => "s-" + connectionId.ToString("x", System.Globalization.CultureInfo.InvariantCulture);

    public string Id => _id ??= IdOf(_connectionId);
    public object? Identity { get; }
    public string Path { get; }
    public string Query { get; }
    public IReadOnlyDictionary<string, string> RouteValues { get; }
    public string? Subprotocol { get; }
    public EndPoint? RemoteEndPoint => _transport.RemoteEndPoint;
    public IActorRef Self => _host.Self;
    public IActorContext Context => _host.Context;
    public string? ResumeToken => _host.ResumeToken;
    public string? ResumeError => _host.ResumeError;

    /// <summary>The server the session belongs to.</summary>
    internal ServerRuntime Runtime => _runtime;

    /// <summary>The actor the session runs in.</summary>
    internal ISessionHost Host => _host;

    /// <summary>The route the session was opened on.</summary>
    internal WebSocketRoute Route { get; }

    /// <summary>Whether the handler has heard <see cref="WebSocketHandler.OnClose"/> (nothing more reaches it).</summary>
    internal bool IsClosed => _closed;

    /// <summary>A resumed client is on a new connection.</summary>
    internal void AttachTransport(IConnectionTransport transport) => _transport = transport;

    internal void Open() => _handler.OnOpen(this);

    internal void Deliver(WebSocketMessage message) => _handler.OnMessage(this, message);

    internal void Reattached(long lastSeq) => _handler.OnReattached(this, lastSeq);

    internal bool DeliverActorMessage(object message) => _handler.OnActorMessage(this, message);

    /// <summary>The session is over: the handler hears it once.</summary>
    internal void Close(WebSocketClosed status)
    {
        if (_closed) return;
        _closed = true;
        try
        {
            _handler.OnClose(this, status);
        }
        finally
        {
            FlushRoomMessages();
        }
    }

    /// <summary>The session failed (its handler threw): the handler hears nothing more; what it sent its rooms still goes.</summary>
    internal void MarkFailed()
    {
        _closed = true;
        FlushRoomMessages();
    }

    public void Send(ReadOnlySpan<byte> payload, WebSocketMessageType type) =>
        _host.SendToClient(RoomActor.Opcode(type), payload);

    public void SendText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int max = Encoding.UTF8.GetMaxByteCount(text.Length);
        var frame = OutboundFrame.Rent(max);
        int n = Encoding.UTF8.GetBytes(text, frame.GetSpan(max));
        frame.Advance(n);
        frame.Seal(WebSocketOpcode.Text);
        _host.SendToClient(frame);
    }

    public void Send<TState>(TState state, Action<System.Buffers.IBufferWriter<byte>, TState> write, WebSocketMessageType type)
    {
        var frame = OutboundFrame.Write(state, write);
        frame.Seal(RoomActor.Opcode(type));
        _host.SendToClient(frame);
    }

    public void Close(ushort code = WebSocketCloseCode.NormalClosure, string? reason = null) => _host.CloseClient(code, reason ?? "");

    public void Acknowledge(long seq) => _host.Acknowledge(seq);

    public void End() => _host.End();
}
