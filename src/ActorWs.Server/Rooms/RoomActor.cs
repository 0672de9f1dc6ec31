using System.Net.WebSockets;
using ActorWs.Actors;
using ActorWs.Protocol.Frames;
using ActorWs.Server.Buffers;
using ActorWs.Server.Messaging;
using Microsoft.Extensions.Logging;

namespace ActorWs.Server.Rooms;

/// <summary>
/// What survives a room's restarts: its members (a failure of the room's logic must not throw its members
/// out) and the counters the manager and the backoff need.
/// </summary>
internal sealed class RoomLifetime
{
    /// <summary>Members by session.</summary>
    public readonly Dictionary<IActorRef, RoomMember> Members = new();

    /// <summary>Members in join order.</summary>
    public readonly List<RoomMember> MemberList = new();

    /// <summary>Joins this room has processed over all its incarnations (compared with joins forwarded by the manager).</summary>
    public long JoinsProcessed;

    /// <summary>Restarts so far (for the backoff).</summary>
    public int Restarts;

    /// <summary>Why the room last failed.</summary>
    public string LastFailure = "";
}

/// <summary>
/// Hosts one <see cref="Room"/>: keeps its members, delivers their messages to it, and fans its
/// broadcasts out to their connections.
/// </summary>
/// <remarks>
/// States: <see cref="Active"/>, and <see cref="BackingOff"/> right after a restart, when messages are
/// stashed until the backoff pause is over. Members are sessions; the room watches each, so a session that
/// stops leaves (not consented). A failure in the room's logic goes to the room manager, whose strategy
/// restarts it or, after too many failures, stops it (members then get Terminated). On a restart only the
/// logic is new: the members stay members, the fresh logic sees each of them join again, and each is told;
/// the message whose handling failed is the only one lost.
/// </remarks>
internal sealed class RoomActor : ActorBase, IWithStash, IWithTimers
{
    private readonly ServerRuntime _runtime;
    private readonly Func<Room> _factory;
    private readonly RoomLifetime _lifetime;
    private readonly Dictionary<IActorRef, RoomMember> _members;
    private readonly List<RoomMember> _memberList;
    private Room _room = null!;

    public RoomActor(ServerRuntime runtime, string roomType, string roomName, Func<Room> factory, RoomLifetime lifetime)
    {
        _runtime = runtime;
        RoomType = roomType;
        RoomName = roomName;
        _factory = factory;
        _lifetime = lifetime;
        _members = lifetime.Members;
        _memberList = lifetime.MemberList;
        Log = runtime.LoggerFactory.CreateLogger("ActorWs.Server.Rooms." + roomType);
    }

    public IStash Stash { get; set; } = null!;

    public ITimerScheduler Timers { get; set; } = null!;

    public string RoomType { get; }

    public string RoomName { get; }

    public ILogger Log { get; }

    public IReadOnlyCollection<RoomMember> MemberList => _memberList;

    public IActorContext ActorContext => Context;

    internal static WebSocketOpcode Opcode(WebSocketMessageType type) =>
        type == WebSocketMessageType.Text ? WebSocketOpcode.Text : WebSocketOpcode.Binary;

    protected override void PreStart()
    {
        _runtime.Metrics.RoomStarted();
        _room = _factory();
        _room.Attach(this);
        _room.OnCreate();
        Become(Active);
    }

    protected override void PostStop()
    {
        _runtime.Metrics.RoomStopped();
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

    protected override void PreRestart(Exception reason, object? message)
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
        Log.LogWarning(reason, "Room {Room} ({Type}) failed and was restarted (restart {Count}); taking messages again in {Pause}", RoomName, RoomType, _lifetime.Restarts, pause);
        base.PostRestart(reason); // runs PreStart: a fresh Room instance
        if (pause > TimeSpan.Zero)
        {
            Become(BackingOff);
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
        var notice = new RoomRestartNotice(RoomName, _lifetime.LastFailure);
        foreach (var member in _memberList.ToArray())
        {
            member.Session.Tell(notice, Self);
            _room.OnJoin(member);
        }
    }

    protected override bool Receive(object message) => Active(message);

    private bool BackingOff(object message)
    {
        if (message is RoomBackoffElapsed)
        {
            Become(Active);
            Readmit();
            Stash.UnstashAll();
            return true;
        }
        // Everything else (members' messages included) waits for the pause to end.
        Stash.Stash();
        return true;
    }

    private bool Active(object message)
    {
        switch (message)
        {
            case WebSocketMessage inbound:
                try
                {
                    if (_members.TryGetValue(Sender, out var from)) _room.OnMessage(from, inbound);
                }
                finally
                {
                    inbound.Release();
                }
                return true;
            case JoinRoomRequest join:
                HandleJoin(join);
                return true;
            case LeaveRoomRequest leave:
                if (_members.TryGetValue(Sender, out var leaving))
                {
                    Remove(leaving);
                    Context.Unwatch(leaving.Session);
                    Sender.Tell(new RoomLeaveConfirmed(RoomName, leave.Tag), Self);
                    _room.OnLeave(leaving, consented: true);
                    CheckEmpty();
                }
                else
                {
                    Sender.Tell(new RoomLeaveConfirmed(RoomName, leave.Tag), Self);
                }
                return true;
            case Terminated terminated:
                if (_members.TryGetValue(terminated.ActorRef, out var gone))
                {
                    Remove(gone);
                    _room.OnLeave(gone, consented: false);
                    CheckEmpty();
                }
                return true;
            case RoomLingerElapsed:
                if (_members.Count == 0) Context.Parent.Tell(new RoomIdle(_lifetime.JoinsProcessed), Self);
                return true;
            default:
                return _room.OnActorMessage(message);
        }
    }

    private void HandleJoin(JoinRoomRequest join)
    {
        _lifetime.JoinsProcessed++;
        if (_members.ContainsKey(Sender))
        {
            Sender.Tell(new RoomJoinAccepted(RoomName, Self, MemberIds(), join.Tag), Self);
            return;
        }
        var member = new RoomMember(join.MemberId, join.Identity, Sender, join.Connection);
        _members.Add(Sender, member);
        _memberList.Add(member);
        Context.Watch(Sender);
        Timers.Cancel(RoomLingerElapsed.Instance);
        Sender.Tell(new RoomJoinAccepted(RoomName, Self, MemberIds(), join.Tag), Self);
        _room.OnJoin(member);
    }

    private string[] MemberIds()
    {
        var ids = new string[_memberList.Count];
        for (int i = 0; i < ids.Length; i++) ids[i] = _memberList[i].Id;
        return ids;
    }

    private void Remove(RoomMember member)
    {
        _members.Remove(member.Session);
        _memberList.Remove(member);
    }

    private void CheckEmpty()
    {
        if (_members.Count > 0) return;
        var linger = _runtime.Options.Rooms.Linger;
        if (linger <= TimeSpan.Zero) Context.Parent.Tell(new RoomIdle(_lifetime.JoinsProcessed), Self);
        else Timers.StartSingleTimer(RoomLingerElapsed.Instance, RoomLingerElapsed.Instance, linger);
    }

    /// <summary>Seals <paramref name="frame"/> (payload already written) and gives it to every member's connection but one.</summary>
    internal void Broadcast(OutboundFrame frame, WebSocketMessageType type, RoomMember? except)
    {
        frame.Seal(Opcode(type));
        int recipients = _memberList.Count - (except is not null && _members.ContainsKey(except.Session) ? 1 : 0);
        if (recipients <= 0)
        {
            frame.Release();
            return;
        }
        frame.AddReferences(recipients - 1);
        var self = Self;
        foreach (var member in _memberList)
        {
            if (!ReferenceEquals(member, except)) member.Connection.Tell(frame, self);
        }
    }
}
