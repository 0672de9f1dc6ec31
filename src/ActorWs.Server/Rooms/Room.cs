using System.Net.WebSockets;
using System.Buffers;
using ActorWs.Actors;
using ActorWs.Server.Buffers;
using ActorWs.Server.Messaging;
using Microsoft.Extensions.Logging;

namespace ActorWs.Server.Rooms;

/// <summary>
/// The logic of one room, run inside its room actor: one message at a time, so a room's own fields
/// need no locks. Subclass it and register the type with the server.
/// </summary>
/// <remarks>
/// An exception thrown from a callback fails the room: it is restarted with a fresh instance (its
/// members are told and re-joined) or, after too many failures, stopped; no connection is dropped.
/// Broadcasts encode the frame once and hand the same bytes to every member's connection.
/// </remarks>
public abstract class Room
{
    private RoomActor? _host;

    internal void Attach(RoomActor host) => _host = host;

    private RoomActor Host => _host ?? throw new InvalidOperationException("The room is not running yet (use OnCreate, not the constructor).");

    /// <summary>The room's name, e.g. <c>lobby</c>.</summary>
    public string Name => Host.RoomName;

    /// <summary>The registered room type it was created as.</summary>
    public string Type => Host.RoomType;

    /// <summary>Current members, in join order.</summary>
    public IReadOnlyCollection<RoomMember> Members => Host.MemberList;

    /// <summary>The room actor's context (timers, scheduler, self).</summary>
    protected IActorContext Context => Host.ActorContext;

    /// <summary>The room's logger (the room name is in its scope).</summary>
    protected ILogger Log => Host.Log;

    /// <summary>The room was created (or re-created after a failure).</summary>
    protected internal virtual void OnCreate()
    {
    }

    /// <summary>A member joined.</summary>
    protected internal virtual void OnJoin(RoomMember member)
    {
    }

    /// <summary>A member left: <paramref name="consented"/> is true when it asked to, false when its connection went away.</summary>
    protected internal virtual void OnLeave(RoomMember member, bool consented)
    {
    }

    /// <summary>A member sent a message to the room. <paramref name="message"/> is valid only during this call.</summary>
    protected internal virtual void OnMessage(RoomMember member, WebSocketMessage message)
    {
    }

    /// <summary>
    /// A message told to the room from outside its members (the embedding application through
    /// <see cref="RoomDirectory"/>, a timer, another actor). Return false to have it logged as unhandled.
    /// </summary>
    protected internal virtual bool OnActorMessage(object message) => false;

    /// <summary>The room is stopping (or being replaced after a failure).</summary>
    protected internal virtual void OnDispose()
    {
    }

    /// <summary>Sends <paramref name="payload"/> to every member (but <paramref name="except"/>), encoded once.</summary>
    protected void Broadcast(ReadOnlySpan<byte> payload, WebSocketMessageType type, RoomMember? except = null)
    {
        var frame = OutboundFrame.Rent(payload.Length);
        payload.CopyTo(frame.GetSpan(payload.Length));
        frame.Advance(payload.Length);
        Host.Broadcast(frame, type, except);
    }

    /// <summary>Writes a message once with <paramref name="write"/> and sends it to every member (but <paramref name="except"/>).</summary>
    protected void Broadcast<TState>(TState state, Action<IBufferWriter<byte>, TState> write, WebSocketMessageType type, RoomMember? except = null)
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
        Host.Broadcast(frame, type, except);
    }

    /// <summary>Sends a message to one member.</summary>
    protected void Send(RoomMember member, ReadOnlySpan<byte> payload, WebSocketMessageType type)
    {
        ArgumentNullException.ThrowIfNull(member);
        member.Connection.Tell(OutboundFrame.Create(RoomActor.Opcode(type), payload), Host.ActorContext.Self);
    }

    /// <summary>Writes a message with <paramref name="write"/> and sends it to one member.</summary>
    protected void Send<TState>(RoomMember member, TState state, Action<IBufferWriter<byte>, TState> write, WebSocketMessageType type)
    {
        ArgumentNullException.ThrowIfNull(member);
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
        member.Connection.Tell(frame, Host.ActorContext.Self);
    }
}

/// <summary>A session that is a member of a room.</summary>
/// <remarks>Owned by the room actor; use it only from the room's callbacks.</remarks>
public sealed class RoomMember
{
    internal RoomMember(string id, object? identity, IActorRef session, IActorRef connection)
    {
        Id = id;
        Identity = identity;
        Session = session;
        Connection = connection;
    }

    /// <summary>The session id (unique on this server).</summary>
    public string Id { get; }

    /// <summary>What the route's accept hook attached to the session.</summary>
    public object? Identity { get; }

    /// <summary>Room-specific state the room's logic keeps for this member.</summary>
    public object? State { get; set; }

    internal IActorRef Session { get; }

    internal IActorRef Connection { get; }

    /// <inheritdoc />
    public override string ToString() => Id;
}
