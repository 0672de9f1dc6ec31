using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Akka.Actor;
using ActorWs.Protocol.Frames;
using ActorWs.Server.Buffers;
using ActorWs.Server.Dispatch;
using ActorWs.Server.Messaging;
using ActorWs.Server.Rooms.Cluster;
using Microsoft.Extensions.Logging;

namespace ActorWs.Server.Rooms;

/// <summary>
/// What survives a room's restarts: its members (a failure of the room's logic must not throw its members
/// out), how it was created, and the counters the manager and the backoff need.
/// </summary>
internal sealed class RoomLifetime(string optionsJson)
{
    /// <summary>Members by session.</summary>
    public readonly Dictionary<IActorRef, RoomMember> Members = new();

    /// <summary>Members in join order.</summary>
    public readonly List<RoomMember> MemberList = new();

    /// <summary>Members on this node whose deliveries go straight to their connection (not resumable), i.e. the receivers of broadcast batches.</summary>
    public int ConnectionMembers;

    /// <summary>Members connected to other nodes of the cluster (reached through their node's relay); 0 on a single node.</summary>
    public int RemoteMembers;

    /// <summary>The relays of the other nodes that have members, with how many each has (empty on a single node).</summary>
    public readonly Dictionary<IActorRef, int> RemoteNodes = new();

    /// <summary>
    /// Deliveries made so far (broadcasts and frames for one member), over all incarnations: in a cluster each carries
    /// its number, its position, to the client, which hands it back to resume on another node.
    /// </summary>
    public long Positions;

    /// <summary>
    /// In a cluster: the room's current life, a number that changes each time the room starts afresh (lost with its
    /// node, or stopped, then joined again) and moves with it to another node (the time it started, in milliseconds
    /// since the Unix epoch); 0 on a single node. Join replies carry it, so a client that joins a room again can tell a
    /// new life from the one it was in.
    /// </summary>
    public long Incarnation { get; init; }

    /// <summary>Whether the room runs as a cluster's sharded entity: it then numbers its deliveries and keeps the last ones for replay.</summary>
    public bool Clustered { get; init; }

    /// <summary>
    /// In a cluster: the room's last deliveries (as many as a session's resume buffer holds, charged to the memory
    /// budget), each with whom it was for, replayed to a member that resumes on another node. Made by the room actor.
    /// </summary>
    public Sessions.ResumeBuffer? Replay;

    /// <summary>
    /// In a cluster: members whose session stopped without leaving (its node crashed or stopped), by resume token, with
    /// until when (a timestamp) their client may still resume into the room from another node.
    /// </summary>
    public Dictionary<string, (RoomMember Member, long Until)>? Departed;

    /// <summary>In a cluster: what the room brought from its old node (taken, once, by the room actor as it starts).</summary>
    public Cluster.RoomSnapshot? Restored;

    /// <summary>
    /// The lifetime of a room that moved here from another node: its numbering and its members as they were there (a
    /// member whose session is on this node is reached directly, the others through their node's relay).
    /// </summary>
    public static RoomLifetime FromSnapshot(Cluster.RoomSnapshot snapshot)
    {
        var lifetime = new RoomLifetime(snapshot.OptionsJson) { Clustered = true, Restored = snapshot, Incarnation = snapshot.Incarnation };
        lifetime.Positions = snapshot.Positions;
        lifetime.JoinsProcessed = snapshot.JoinsProcessed;
        foreach (var m in snapshot.Members)
        {
            var relay = m.Relay.IsLocalRef() ? null : m.Relay;
            var member = new RoomMember(m.Id, m.Identity, m.Session, m.Connection, m.Sequenced, relay) { ResumeToken = m.ResumeToken, JoinedAt = m.JoinedAt };
            if (!lifetime.Members.TryAdd(m.Session, member)) continue;
            lifetime.MemberList.Add(member);
            if (relay is not null)
            {
                lifetime.RemoteMembers++;
                lifetime.RemoteNodes[relay] = lifetime.RemoteNodes.GetValueOrDefault(relay) + 1;
            }
            else if (!m.Sequenced)
            {
                lifetime.ConnectionMembers++;
            }
        }
        return lifetime;
    }

    /// <summary>The creator's options, given to every incarnation's <see cref="Room.OnCreate"/>.</summary>
    public string OptionsJson { get; } = optionsJson;

    /// <summary>Joins this room has processed over all its incarnations (compared with joins forwarded by the manager).</summary>
    public long JoinsProcessed;

    /// <summary>Restarts so far (for the backoff).</summary>
    public int Restarts;

    /// <summary>Why the room last failed.</summary>
    public string LastFailure = "";
}

/// <summary>
/// Hosts one <see cref="Room"/>: admits members on the seats the manager reserved, delivers their messages to it
/// (within the type's size and rate limits), runs its tick loop, and fans its broadcasts out.
/// </summary>
/// <remarks>
/// <para>States: <see cref="Active"/>, and <see cref="BackingOff"/> right after a restart, when messages are
/// stashed until the backoff pause is over.</para>
/// <para>Members are sessions; the room watches each, so a session that ends leaves (not consented unless it
/// asked). A failure in the room's logic goes to the room manager, whose strategy restarts it or, after too
/// many failures, stops it (members then get Terminated). On a restart only the logic is new: the members stay
/// members, the fresh logic is created with the same options and sees each of them join again, and each is told;
/// the message whose handling failed is the only one lost.</para>
/// <para>Delivery: a broadcast is encoded once; members on resumable sessions get it through their session (which
/// numbers and keeps it), the others straight from their connection.</para>
/// </remarks>
internal sealed partial class RoomActor : TurnBatchingActor, IWithUnboundedStash, IWithTimers
{
    private readonly ServerRuntime _runtime;
    private readonly RoomType _type;
    private readonly RoomLifetime _lifetime;
    private readonly Dictionary<IActorRef, RoomMember> _members;
    private readonly List<RoomMember> _memberList;
    private Room _room = null!;
    private bool _listingChanged = true;
    private OutboundBatch? _pendingBroadcasts;

    public RoomActor(ServerRuntime runtime, RoomType type, string roomName, RoomLifetime lifetime)
    {
        _runtime = runtime;
        _type = type;
        RoomName = roomName;
        _lifetime = lifetime;
        _members = lifetime.Members;
        _memberList = lifetime.MemberList;
        Log = runtime.LoggerFactory.CreateLogger("ActorWs.Server.Rooms." + type.Name);
    }

    public IStash Stash { get; set; } = null!;

    public ITimerScheduler Timers { get; set; } = null!;

    public string RoomType => _type.Name;

    public string RoomName { get; }

    public ILogger Log { get; }

    public IReadOnlyCollection<RoomMember> MemberList => _memberList;

    public IActorContext ActorContext => Context;

    internal static WebSocketOpcode Opcode(WebSocketMessageType type) =>
        type == WebSocketMessageType.Text ? WebSocketOpcode.Text : WebSocketOpcode.Binary;

    /// <summary>Seats, lock or metadata changed: the manager hears of it at the end of this turn.</summary>
    internal void ListingChanged() => _listingChanged = true;

    protected override void PreStart()
    {
        _runtime.Metrics.RoomStarted();
        if (_lifetime.Clustered)
        {
            var rooms = _runtime.Options.Rooms;
            // The owner is this actor's ref, the same across restarts: it hears if the memory budget takes the buffer.
            _lifetime.Replay ??= new Sessions.ResumeBuffer(rooms.ResumeBufferMessages, rooms.ResumeBufferBytes, _runtime.MemoryBudget, Self);
        }
        _room = _type.Factory();
        _room.Attach(this);
        var restored = _lifetime.Restored;
        _lifetime.Restored = null;
        if (restored?.LogicState is { } state)
        {
            using var saved = JsonDocument.Parse(state);
            _room.OnRestore(saved.RootElement.Clone());
        }
        else
        {
            using var options = JsonDocument.Parse(_lifetime.OptionsJson);
            _room.OnCreate(options.RootElement.Clone());
        }
        if (restored is not null) TakeOverMembers(logicKept: restored.LogicState is not null);
    }

    protected override void PostStop()
    {
        // What was broadcast before a failure or a stop in this turn is still delivered, as if told at once.
        FlushBroadcasts();
        _runtime.Metrics.RoomStopped();
        StopTicking();
        try
        {
            _room?.OnDispose();
        }
        catch (Exception ex)
        {
            Log.LogError(ex, "Room {Room} failed while disposing", RoomName);
        }
        // Members that did not leave learn of it through DeathWatch (they watch the room).
    }

    protected override void PreRestart(Exception reason, object message)
    {
        _lifetime.LastFailure = reason.Message;
        base.PreRestart(reason, message); // stops children, runs PostStop (the old logic's OnDispose)
    }

    protected override void PostRestart(Exception reason)
    {
        _lifetime.Restarts++;
        var options = _runtime.Options.Rooms;
        double factor = Math.Pow(2, Math.Min(_lifetime.Restarts - 1, 30));
        var pause = TimeSpan.FromTicks((long)Math.Min(options.RestartBackoffMax.Ticks, options.RestartBackoffMin.Ticks * factor));
        Log.LogWarning(reason, "Room {Room} ({Type}) failed and was restarted (restart {Count}); taking messages again in {PauseSeconds:0.###} s", RoomName, RoomType, _lifetime.Restarts, pause.TotalSeconds);
        base.PostRestart(reason); // runs PreStart: a fresh Room instance
        if (pause > TimeSpan.Zero)
        {
            _backingOff = true;
            Timers.StartSingleTimer(RoomBackoffElapsed.Instance, RoomBackoffElapsed.Instance, pause);
        }
        else
        {
            Readmit();
        }
    }

    /// <summary>The fresh logic takes over the members: each joins it again and is told the room restarted.</summary>
    private void Readmit()
    {
        FlushBroadcasts();
        var notice = new RoomRestartNotice(RoomName, _lifetime.LastFailure);
        foreach (var member in _memberList.ToArray())
        {
            Notify(member, notice);
            _room.OnJoin(member);
        }
        _listingChanged = true;
    }

    /// <summary>Right after a restart, while the backoff pause runs: see <see cref="BackingOff"/>.</summary>
    private bool _backingOff;

    protected override void OnReceive(object message)
    {
        if (_handedOff)
        {
            // Moving to another node: nothing more is taken here. A member's message is refused (never silently dropped),
            // so its client can send it again once the room is back; other messages are for the room's next node.
            if (message is WebSocketMessage dropped) RefuseWhileMoving(dropped);
            else if (message is MemberMessages batch)
                foreach (var each in batch.Messages) RefuseWhileMoving(each);
            return;
        }
        if (_backingOff) BackingOff(message);
        else if (!Active(message)) Unhandled(message);
    }

    private void RefuseWhileMoving(WebSocketMessage message)
    {
        if (_members.TryGetValue(Sender, out var from)) Notify(from, new RoomMessageRefused(RoomName, MovingReason, message.RoomTag));
        else RefuseNonMember(Sender, message);
        message.Release();
    }

    private void BackingOff(object message)
    {
        if (message is RoomBackoffElapsed)
        {
            _backingOff = false;
            Readmit();
            Stash.UnstashAll();
            return;
        }
        // Everything else (members' messages included) waits for the pause to end.
        Stash.Stash();
    }

    private bool Active(object message)
    {
        switch (message)
        {
            case WebSocketMessage inbound:
                TakeMemberMessage(inbound);
                return true;
            case MemberMessages batch:
                HandleMemberMessages(batch);
                return true;
            case RoomTickDue:
                Tick();
                return true;
            case ReservedJoin join:
                HandleJoin(join);
                return true;
            case LeaveRoomRequest leave:
                HandleLeave(leave);
                return true;
            case Terminated terminated:
                if (_members.TryGetValue(terminated.ActorRef, out var gone))
                {
                    Remove(gone);
                    RememberDeparted(gone);
                    _room.OnLeave(gone, consented: false);
                    CheckEmpty();
                }
                return true;
            case RoomLingerElapsed:
                if (_members.Count == 0) Context.Parent.Tell(new RoomIdle(_lifetime.JoinsProcessed), Self);
                return true;
            case RoomBroadcast broadcast:
                _room.BroadcastFromOutside(broadcast);
                return true;
            case Cluster.RoomListingWanted:
                _listingChanged = true; // reported at the end of this turn
                return true;
            case Cluster.ResumeMembership resume:
                HandleResumeMembership(resume);
                return true;
            case Cluster.MemberTokenChanged changed:
                if (_members.TryGetValue(Sender, out var renewed)) renewed.ResumeToken = changed.Token;
                return true;
            case Sessions.ResumeBufferEvicted:
                OnReplayEvicted();
                return true;
            case RoomSnapshotWanted:
                HandOff();
                return true;
            default:
                return _room.OnActorMessage(message);
        }
    }

    /// <summary>After each batch of messages: deliver its broadcasts, and tell the manager what listings show if it changed.</summary>
    protected override void OnBatchCompleted()
    {
        FlushBroadcasts();
        if (!_listingChanged || _room is null) return;
        _listingChanged = false;
        Context.Parent.Tell(new RoomListing(RoomName, RoomType, _memberList.Count, _room.MaxClients, _room.IsLocked, MetadataJson()), Self);
    }

    private string MetadataJson()
    {
        if (_room.Metadata.Count == 0) return "{}";
        var node = new JsonObject();
        foreach (var (key, value) in _room.Metadata) node[key] = value?.DeepClone();
        return node.ToJsonString();
    }

    /// <summary>
    /// Seals <paramref name="frame"/> (payload already written) and gives it to every member but one: at once through
    /// the session for resumable members (which numbers it and, for room data, wraps it); for the others it joins this
    /// turn's <see cref="OutboundBatch"/>, told to their connections when the turn ends (or before anything else this
    /// room sends or any change of membership), so a turn of several broadcasts costs each connection one send.
    /// Members on other nodes get it through their node's relay: one message per node for the turn's broadcasts, not one
    /// per member (see <see cref="Relay"/>).
    /// </summary>
    internal void Broadcast(OutboundFrame frame, WebSocketMessageType type, RoomMember? except, RoomPayload kind)
    {
        frame.Seal(Opcode(type));
        long position = ++_lifetime.Positions;
        bool exceptIsMember = except is not null && _members.ContainsKey(except.Session);
        frame.MarkRoomDelivery(RoomName, kind, _lifetime.Clustered ? position : 0);
        if (_lifetime.Replay is not null) KeepForReplay(frame, position, exceptIsMember ? new Cluster.ReplayedExcept(except!) : null);
        if (_lifetime.RemoteMembers > 0) Relay(frame, position, exceptIsMember ? except : null, kind);
        bool exceptIsLocal = exceptIsMember && except!.Relay is null;
        int recipients = _memberList.Count - _lifetime.RemoteMembers - (exceptIsLocal ? 1 : 0);
        if (recipients <= 0)
        {
            frame.Release();
            return;
        }
        frame.AddReferences(recipients - 1);
        var self = Self;
        foreach (var member in _memberList)
        {
            if (member.Sequenced && member.Relay is null && !ReferenceEquals(member, except)) member.Session.Tell(frame, self);
        }
        if (_lifetime.ConnectionMembers == 0) return;
        if (_lifetime.ConnectionMembers == 1 && exceptIsLocal && !except!.Sequenced) return;
        _pendingBroadcasts ??= OutboundBatch.Rent();
        _pendingBroadcasts.Add(frame, exceptIsLocal && !except!.Sequenced ? except!.Connection : null);
        if (_pendingBroadcasts.IsFull) FlushConnectionBatch();
    }

    /// <summary>
    /// Tells a member something of the room's own (join accepted, leave confirmed, a refusal, a notice): straight to its
    /// session on this node; through its node's relay otherwise, so it keeps its place among the room's broadcasts.
    /// </summary>
    internal void Notify(RoomMember member, object notice)
    {
        if (member.Relay is null)
        {
            member.Session.Tell(notice, Self);
            return;
        }
        FlushRelayed();
        member.Relay.Tell(new Cluster.RelayedNotice(Self, member.Session, notice), Self);
    }

    /// <summary>Tells this turn's pending broadcasts to the other nodes' relays and to the connections of the members here that are not resumable.</summary>
    private void FlushBroadcasts()
    {
        FlushRelayed();
        FlushConnectionBatch();
    }

    /// <summary>Tells this turn's pending broadcasts to the connections of the members here that are not resumable (one message each).</summary>
    private void FlushConnectionBatch()
    {
        var batch = _pendingBroadcasts;
        if (batch is null) return;
        _pendingBroadcasts = null;
        var self = Self;
        if (batch.Count == 1)
        {
            // The common case of one broadcast per turn: the frame itself, no batch to unpack.
            var frame = batch.FrameAt(0);
            foreach (var member in _memberList)
            {
                if (!member.Sequenced && member.Relay is null && !batch.IsSkippedBy(0, member.Connection)) member.Connection.Tell(frame, self);
            }
            batch.Release();
            return;
        }
        batch.AddReferences(_lifetime.ConnectionMembers - 1);
        foreach (var member in _memberList)
        {
            if (!member.Sequenced && member.Relay is null) member.Connection.Tell(batch, self);
        }
    }

    /// <summary>Seals <paramref name="frame"/> and gives it to one member.</summary>
    internal void SendTo(RoomMember member, OutboundFrame frame, WebSocketMessageType type)
    {
        FlushBroadcasts();
        frame.Seal(Opcode(type));
        long position = ++_lifetime.Positions;
        frame.MarkRoomDelivery(RoomName, RoomPayload.Data, _lifetime.Clustered ? position : 0);
        KeepForReplay(frame, position, member);
        if (member.Relay is { } relay)
        {
            relay.Tell(new Cluster.RelayedFrame(Self, RoomName, member.Session, RoomPayload.Data, frame.Bytes.ToArray(), position), Self);
            frame.Release();
            return;
        }
        (member.Sequenced ? member.Session : member.Connection).Tell(frame, Self);
    }
}
