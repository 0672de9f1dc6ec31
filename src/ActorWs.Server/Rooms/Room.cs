using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Akka.Actor;
using ActorWs.Server.Buffers;
using ActorWs.Server.Messaging;
using Microsoft.Extensions.Logging;

namespace ActorWs.Server.Rooms;

/// <summary>
/// The logic of one room, run inside its room actor: one message at a time, so a room's own fields
/// need no locks. Subclass it and register the type with the server (<c>server.DefineRoom&lt;T&gt;("name")</c>).
/// </summary>
/// <remarks>
/// <para>Lifecycle: <see cref="OnCreate"/> → (<see cref="OnAuth"/> → <see cref="OnJoin"/>)* with
/// <see cref="OnMessage"/>, <see cref="OnTick"/> and <see cref="OnLeave"/> as they come → <see cref="OnDispose"/>.</para>
/// <para>An exception thrown from a callback fails the room: it is restarted with a fresh instance (its
/// members stay, are told, and are joined to the fresh logic again) or, after too many failures, stopped; no
/// connection is dropped. To refuse a member's message without failing the room, throw
/// <see cref="RoomMessageRejectedException"/>: the sender gets an error reply.</para>
/// <para>Broadcasts encode the message once; the same bytes go to every member.</para>
/// </remarks>
public abstract class Room
{
    private RoomActor? _host;
    private int _maxClients = int.MaxValue;
    private readonly Dictionary<string, JsonNode?> _metadata = new(StringComparer.Ordinal);

    internal void Attach(RoomActor host) => _host = host;

    private RoomActor Host => _host ?? throw new InvalidOperationException("The room is not running yet (use OnCreate, not the constructor).");

    /// <summary>The room's id: its name for rooms joined by name, <c>type-n</c> for rooms made by matchmaking.</summary>
    public string Name => Host.RoomName;

    /// <summary>The registered room type it was created as.</summary>
    public string Type => Host.RoomType;

    /// <summary>Current members, in join order.</summary>
    public IReadOnlyCollection<RoomMember> Members => Host.MemberList;

    /// <summary>Seats: matchmaking admits no more members than this (reserved seats count). Default: unlimited.</summary>
    public int MaxClients
    {
        get => _maxClients;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maxClients = value;
            _host?.ListingChanged();
        }
    }

    /// <summary>Whether matchmaking skips the room (and joins by id are refused).</summary>
    public bool IsLocked { get; private set; }

    /// <summary>Data shown in room listings and matched by their filters.</summary>
    public IReadOnlyDictionary<string, JsonNode?> Metadata => _metadata;

    /// <summary>The room actor's context (timers, scheduler, self).</summary>
    protected IActorContext Context => Host.ActorContext;

    /// <summary>The room's logger.</summary>
    protected ILogger Log => Host.Log;

    /// <summary>Stops new members from joining (members already in stay).</summary>
    protected void Lock()
    {
        IsLocked = true;
        Host.ListingChanged();
    }

    /// <summary>Lets new members join again.</summary>
    protected void Unlock()
    {
        IsLocked = false;
        Host.ListingChanged();
    }

    /// <summary>Sets (or with null, removes) a metadata field.</summary>
    protected void SetMetadata(string key, JsonNode? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (value is null) _metadata.Remove(key);
        else _metadata[key] = value;
        Host.ListingChanged();
    }

    /// <summary>
    /// Runs <see cref="OnTick"/> <paramref name="hz"/> times a second (1–120), driven by the actor scheduler with the
    /// measured time since the last tick; 0 stops it. A tick that overruns its slot is logged and the next one
    /// comes on the next slot: ticks are never stacked.
    /// </summary>
    protected void SetTickRate(double hz) => Host.SetTickRate(hz);

    /// <summary>The room was created (or re-created after a failure) with the creator's options (an empty object when none).</summary>
    protected internal virtual void OnCreate(JsonElement options)
    {
    }

    /// <summary>A client asks to join with <paramref name="options"/>: accept it, or refuse with a reason it will be told.</summary>
    protected internal virtual RoomAuthResult OnAuth(RoomMember client, JsonElement options) => RoomAuthResult.Accept();

    /// <summary>A member joined.</summary>
    protected internal virtual void OnJoin(RoomMember member)
    {
    }

    /// <summary>
    /// A member left: <paramref name="consented"/> is true when it asked to (leave, or ended its session), false when
    /// its connection went away and did not come back within the reconnection window.
    /// </summary>
    protected internal virtual void OnLeave(RoomMember member, bool consented)
    {
    }

    /// <summary>
    /// A member sent a message to the room: the <c>data</c> of a JSON <c>send</c>, or a binary message's bytes.
    /// <paramref name="message"/> is valid only during this call.
    /// </summary>
    protected internal virtual void OnMessage(RoomMember member, WebSocketMessage message)
    {
    }

    /// <summary>One tick of the loop started by <see cref="SetTickRate"/>; <paramref name="delta"/> is the time since the previous one.</summary>
    protected internal virtual void OnTick(TimeSpan delta)
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

    /// <summary>
    /// In a cluster, the room is moving to another node (its node is leaving the cluster): the logic's state as a JSON
    /// text, which the room's next instance there gets in <see cref="OnRestore"/>. Its members, their resume tokens and the
    /// room's numbering move with it whatever this returns (<see cref="RoomMember.State"/> does not: keep what a member
    /// needs in this state, by <see cref="RoomMember.Id"/>). Null (the default) when the logic keeps nothing worth
    /// moving: there it starts afresh (<see cref="OnCreate"/>, each member joins it again, and the members are told the
    /// room restarted).
    /// </summary>
    protected internal virtual string? OnSnapshot() => null;

    /// <summary>
    /// The room continues on this node with the state <see cref="OnSnapshot"/> gave on its old node, instead of
    /// <see cref="OnCreate"/>: <see cref="Members"/> are already its members (no <see cref="OnJoin"/>).
    /// </summary>
    protected internal virtual void OnRestore(JsonElement state)
    {
    }

    /// <summary>Sends <paramref name="payload"/> to every member (but <paramref name="except"/>), encoded once.</summary>
    /// <remarks>JSON-protocol clients get text as <c>{"op":"message","room":…,"data":&lt;payload&gt;}</c>, so text must be JSON.</remarks>
    protected void Broadcast(ReadOnlySpan<byte> payload, WebSocketMessageType type, RoomMember? except = null)
    {
        var frame = OutboundFrame.Rent(payload.Length);
        payload.CopyTo(frame.GetSpan(payload.Length));
        frame.Advance(payload.Length);
        Host.Broadcast(frame, type, except, RoomPayload.Data);
    }

    /// <summary>A <see cref="RoomBroadcast"/> told to the room from outside.</summary>
    internal void BroadcastFromOutside(RoomBroadcast broadcast) => Broadcast(broadcast.Payload.Span, broadcast.Type);

    /// <summary>Writes a message once with <paramref name="write"/> and sends it to every member (but <paramref name="except"/>).</summary>
    protected void Broadcast<TState>(TState state, Action<IBufferWriter<byte>, TState> write, WebSocketMessageType type, RoomMember? except = null) =>
        BroadcastCore(state, write, type, except, RoomPayload.Data);

    /// <summary>Broadcasts a whole protocol event (already wrapped; only the sequence number is added).</summary>
    internal void BroadcastEvent<TState>(TState state, Action<IBufferWriter<byte>, TState> write, RoomMember? except = null) =>
        BroadcastCore(state, write, WebSocketMessageType.Text, except, RoomPayload.Event);

    private void BroadcastCore<TState>(TState state, Action<IBufferWriter<byte>, TState> write, WebSocketMessageType type, RoomMember? except, RoomPayload kind)
    {
        var frame = OutboundFrame.Write(state, write);
        Host.Broadcast(frame, type, except, kind);
    }

    /// <summary>Sends a message to one member.</summary>
    protected void Send(RoomMember member, ReadOnlySpan<byte> payload, WebSocketMessageType type)
    {
        ArgumentNullException.ThrowIfNull(member);
        var frame = OutboundFrame.Rent(payload.Length);
        payload.CopyTo(frame.GetSpan(payload.Length));
        frame.Advance(payload.Length);
        Host.SendTo(member, frame, type);
    }

    /// <summary>Writes a message with <paramref name="write"/> and sends it to one member.</summary>
    protected void Send<TState>(RoomMember member, TState state, Action<IBufferWriter<byte>, TState> write, WebSocketMessageType type)
    {
        ArgumentNullException.ThrowIfNull(member);
        var frame = OutboundFrame.Write(state, write);
        Host.SendTo(member, frame, type);
    }
}

/// <summary>What <see cref="Room.OnAuth"/> decided.</summary>
public readonly record struct RoomAuthResult(bool Accepted, string? Reason)
{
    /// <summary>Let the client in.</summary>
    public static RoomAuthResult Accept() => new(true, null);

    /// <summary>Keep the client out; it is told <paramref name="reason"/>.</summary>
    public static RoomAuthResult Reject(string reason) => new(false, reason);
}

/// <summary>
/// Thrown by a room's logic for a member's invalid message: the member gets an error reply with this message,
/// and the room carries on (it is not a failure of the room).
/// </summary>
public sealed class RoomMessageRejectedException(string reason) : Exception(reason);

/// <summary>A session that is a member of a room.</summary>
/// <remarks>Owned by the room actor; use it only from the room's callbacks.</remarks>
public sealed class RoomMember
{
    internal RoomMember(string id, object? identity, IActorRef session, IActorRef connection, bool sequenced, IActorRef? relay = null)
    {
        Id = id;
        Identity = identity;
        Session = session;
        Connection = connection;
        Sequenced = sequenced;
        Relay = relay;
    }

    /// <summary>The session id (unique on this server).</summary>
    public string Id { get; }

    /// <summary>What the route's accept hook attached to the session.</summary>
    public object? Identity { get; }

    /// <summary>Room-specific state the room's logic keeps for this member.</summary>
    public object? State { get; set; }

    /// <summary>The member's session (in a cluster, another one after the member resumed on another node).</summary>
    internal IActorRef Session { get; private set; }

    internal IActorRef Connection { get; private set; }

    /// <summary>Whether deliveries go through the session (numbered and kept for resume) rather than straight to the connection.</summary>
    internal bool Sequenced { get; }

    /// <summary>
    /// For a member connected to another node of the cluster: that node's room relay, through which the room sends it
    /// everything (so it all arrives in the order sent, and a broadcast crosses the network once per node). Null for a
    /// member on the room's own node.
    /// </summary>
    internal IActorRef? Relay { get; private set; }

    /// <summary>
    /// In a cluster: the resume token of the member's session as the room last heard it (a client resuming on another
    /// node proves it is this member with it). Null on a single node, where the session keeps its own token.
    /// </summary>
    internal string? ResumeToken { get; set; }

    /// <summary>In a cluster: the room's delivery position when the member joined (nothing before it is replayed to it).</summary>
    internal long JoinedAt { get; init; }

    /// <summary>The member resumed on another node: the room reaches it through its new session (and relay) from now on.</summary>
    internal void MoveTo(IActorRef session, IActorRef connection, IActorRef? relay, string? resumeToken)
    {
        Session = session;
        Connection = connection;
        Relay = relay;
        ResumeToken = resumeToken;
    }

    /// <summary>Rate-limit state (token buckets and recent violations), kept by the room actor.</summary>
    internal double MessageTokens;
    internal double ByteTokens;
    internal long LastRefill;
    internal int Violations;
    internal long ViolationWindowStart;

    /// <inheritdoc />
    public override string ToString() => Id;
}
