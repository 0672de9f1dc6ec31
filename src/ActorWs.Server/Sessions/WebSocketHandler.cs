using System.Net.WebSockets;
using System.Net;
using Akka.Actor;
using ActorWs.Server.Messaging;
using ActorWs.Server.Rooms;

namespace ActorWs.Server.Sessions;

/// <summary>
/// The application's code for one WebSocket connection: one instance per session, created by the
/// route's factory when the connection opens, run inside the session actor.
/// </summary>
/// <remarks>
/// All callbacks for one session run one at a time on the session actor (no locks needed for the
/// handler's own fields). An exception thrown by a callback stops the session and closes the connection
/// with 1011; other connections are not affected.
/// With the epoll transport the callbacks run on the I/O thread that owns the connection's socket (the connection actor,
/// or a resumable route's session actor, is bound to it): they must not block, or every socket on that thread waits
/// (the watchdog logs it, <c>server.io-watchdog-threshold</c>). Blocking work belongs in an actor route
/// (<see cref="ActorWsServer.MapActorRoute"/>) or on another dispatcher.
/// </remarks>
public abstract class WebSocketHandler
{
    /// <summary>The connection is open (after the 101 response); a good place to send a welcome or join rooms.</summary>
    public virtual void OnOpen(IWebSocketSession session)
    {
    }

    /// <summary>A whole message arrived. <paramref name="message"/> is valid only during this call.</summary>
    public abstract void OnMessage(IWebSocketSession session, WebSocketMessage message);

    /// <summary>Something happened in a room this session joined or tried to join.</summary>
    public virtual void OnRoomEvent(IWebSocketSession session, RoomEvent roomEvent)
    {
    }

    /// <summary>
    /// A message told to the session actor that is not the server's own (e.g. from the embedding application).
    /// Return false to have it logged as unhandled.
    /// </summary>
    public virtual bool OnActorMessage(IWebSocketSession session, object message) => false;

    /// <summary>
    /// A resumable session got a new connection (the client came back with its token): called before the messages it
    /// missed (numbered after <paramref name="lastSeq"/>) are sent again; a good place to send a welcome. In a cluster a
    /// client may resume on another node than its session's: a new handler instance there hears this (not
    /// <see cref="OnOpen"/>) once the session's rooms have taken it back.
    /// </summary>
    public virtual void OnReattached(IWebSocketSession session, long lastSeq)
    {
    }

    /// <summary>
    /// The session is over; <paramref name="status"/> says how its last connection closed (1006 when it just dropped).
    /// For a resumable session this comes when the reconnection window expired or the client ended the session.
    /// </summary>
    public virtual void OnClose(IWebSocketSession session, WebSocketClosed status)
    {
    }
}

/// <summary>How a WebSocket connection ended.</summary>
/// <param name="Code">The close code (1000 normal, 1001 going away, 1006 abnormal: no close frame, …).</param>
/// <param name="Reason">The close reason, possibly empty.</param>
/// <param name="ByPeer">Whether the client started the close (or dropped the connection).</param>
public sealed record WebSocketClosed(ushort Code, string Reason, bool ByPeer);

/// <summary>A session as its handler sees it: who the client is and what it can do.</summary>
/// <remarks>Use it only from the handler's callbacks (the session actor's thread).</remarks>
public interface IWebSocketSession
{
    /// <summary>A server-unique id, e.g. <c>s-3f</c>; also the member id in rooms.</summary>
    string Id { get; }

    /// <summary>What the route's accept hook attached (null when anonymous).</summary>
    object? Identity { get; }

    /// <summary>The request path.</summary>
    string Path { get; }

    /// <summary>The query string (without <c>?</c>, not decoded).</summary>
    string Query { get; }

    /// <summary>Route template parameters, e.g. <c>name</c> for <c>/rooms/{name}</c>.</summary>
    IReadOnlyDictionary<string, string> RouteValues { get; }

    /// <summary>The negotiated subprotocol, or null.</summary>
    string? Subprotocol { get; }

    /// <summary>The client's address.</summary>
    EndPoint? RemoteEndPoint { get; }

    /// <summary>The session actor.</summary>
    IActorRef Self { get; }

    /// <summary>The session actor's context (timers, children, watch) for advanced handlers.</summary>
    IActorContext Context { get; }

    /// <summary>The rooms this session is a member of.</summary>
    IReadOnlyCollection<string> Rooms { get; }

    /// <summary>Queues a message to the client.</summary>
    void Send(ReadOnlySpan<byte> payload, WebSocketMessageType type);

    /// <summary>Queues a text message to the client.</summary>
    void SendText(string text);

    /// <summary>Writes a message straight into the outgoing frame with <paramref name="write"/> (no intermediate copy).</summary>
    void Send<TState>(TState state, Action<System.Buffers.IBufferWriter<byte>, TState> write, WebSocketMessageType type);

    /// <summary>Starts the close handshake with the client.</summary>
    void Close(ushort code = 1000, string? reason = null);

    /// <summary>Joins (creating if needed) a room of the route's room type; the outcome arrives as a <see cref="RoomEvent"/>.</summary>
    void JoinRoom(string room, object? tag = null);

    /// <summary>Joins a room of a given registered room type by name, creating it if needed.</summary>
    void JoinRoom(string roomType, string room, object? tag);

    /// <summary>Matchmaking: joins the first room of <paramref name="roomType"/> with a free seat that is not locked, or a new one.</summary>
    /// <param name="roomType">A registered room type.</param>
    /// <param name="optionsJson">A JSON object for the room's <c>OnCreate</c> (if one is made) and <c>OnAuth</c>.</param>
    /// <param name="tag">Comes back in the <see cref="RoomEvent"/>.</param>
    void JoinOrCreate(string roomType, string optionsJson = "{}", object? tag = null);

    /// <summary>Matchmaking: creates a new room of <paramref name="roomType"/> and joins it.</summary>
    void CreateRoom(string roomType, string optionsJson = "{}", object? tag = null);

    /// <summary>Matchmaking: joins an existing room by id (as listed, e.g. <c>arena-3</c>).</summary>
    void JoinById(string roomId, string optionsJson = "{}", object? tag = null);

    /// <summary>
    /// Lists the first page (<see cref="RoomListCursor.DefaultLimit"/> rooms) of the rooms (of a type, or all) whose metadata
    /// has every field of <paramref name="filterJson"/>; a <see cref="RoomsListed"/> event follows, with the cursor of the next page.
    /// </summary>
    void ListRooms(string? roomType, string? filterJson = null, object? tag = null);

    /// <summary>
    /// Lists one page of the rooms (of a type, or all) whose metadata has every field of <paramref name="filterJson"/>: at
    /// most <paramref name="limit"/>, after <paramref name="cursor"/> (the <see cref="RoomsListed.Next"/> of the previous
    /// page; null for the first). A <see cref="RoomsListed"/> event follows.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is not 1 to <see cref="RoomListCursor.MaxLimit"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="cursor"/> did not come from a listing.</exception>
    void ListRooms(string? roomType, string? filterJson, int limit, string? cursor, object? tag = null);

    /// <summary>Leaves a room; a <see cref="RoomLeft"/> event follows.</summary>
    void LeaveRoom(string room, object? tag = null);

    /// <summary>Sends a message to a room this session is a member of (the room's logic decides who gets what).</summary>
    /// <returns>False when the session is not a member of that room.</returns>
    bool SendToRoom(ReadOnlySpan<char> room, ReadOnlySpan<byte> payload, WebSocketMessageType type);

    /// <summary>
    /// Sends a message to a room this session is a member of, tagged: the room answers with a
    /// <see cref="RoomMessageAccepted"/> once its logic took the message (within the room type's limits, not refused),
    /// or a <see cref="RoomMessageRejected"/> with the reason, both carrying <paramref name="tag"/>. The JSON room
    /// protocol tags a <c>send</c> that has a <c>ref</c> this way, to confirm or refuse it.
    /// </summary>
    /// <param name="room">The room's name.</param>
    /// <param name="payload">The message (copied).</param>
    /// <param name="type">Text or binary.</param>
    /// <param name="tag">Comes back in the room event; null sends untagged (then only a refusal is told).</param>
    /// <returns>False when the session is not a member of that room (nothing is sent, no event follows).</returns>
    bool SendToRoom(ReadOnlySpan<char> room, ReadOnlySpan<byte> payload, WebSocketMessageType type, object? tag);

    /// <summary>Sends a message to the room this session joined last (its current game room).</summary>
    /// <returns>False when it is in no room.</returns>
    bool SendToCurrentRoom(ReadOnlySpan<byte> payload, WebSocketMessageType type);

    /// <summary>The resume token (on resumable routes), for the client to come back with; null otherwise.</summary>
    string? ResumeToken { get; }

    /// <summary>Why the resume this connection asked for was refused (the client must join its rooms again); null if none was asked or it worked.</summary>
    string? ResumeError { get; }

    /// <summary>The client has processed every room message up to <paramref name="seq"/>: they need not be kept for a resume.</summary>
    void Acknowledge(long seq);

    /// <summary>Ends the session now: leaves every room (consented) and closes the connection with 1000.</summary>
    void End();
}
