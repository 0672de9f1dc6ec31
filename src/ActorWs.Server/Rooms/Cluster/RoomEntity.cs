using Akka.Actor;
using Akka.Cluster.Sharding;
using ActorWs.Server.Dispatch;
using Microsoft.Extensions.Logging;

namespace ActorWs.Server.Rooms.Cluster;

/// <summary>
/// Directory → room entity: a seat is reserved for the sender (the session) for <paramref name="ValidFor"/> from now. A
/// duration, not a timestamp: the directory's clock is another process's.
/// </summary>
internal sealed record SeatReserved(long ReservationId, TimeSpan ValidFor, JoinRoomRequest Request);

/// <summary>Directory → room entity: the room was made by matchmaking (or an embedder's <c>CreateAsync</c>) with these options; start it.</summary>
internal sealed record MatchmadeRoomOpened(string OptionsJson);

/// <summary>
/// Directory → room entity: report the room's listing (a directory that started again does not know the room). Only a
/// room that is running reports; the message does not start one.
/// </summary>
internal sealed record RoomListingWanted
{
    public static readonly RoomListingWanted Instance = new();
}

/// <summary>Directory → room entity: the room was empty and idle, with no join on its way: it may stop.</summary>
internal sealed record RoomStopApproved
{
    public static readonly RoomStopApproved Instance = new();
}

/// <summary>
/// A room as a sharded entity (entity id <c>type:name</c>): the parent of the room's <see cref="RoomActor"/>, in the
/// place the <see cref="RoomManager"/> has on a single node. It starts the room on the first message for it (with the
/// options that message carries), supervises it (restart with backoff, stop after too many failures), and passes
/// what the room reports (listing, seats settled or refused, idleness) to its type's <see cref="RoomTypeDirectory"/>.
/// </summary>
/// <remarks>
/// <para>Members talk to the room actor itself (its ref, which <see cref="RoomJoinAccepted"/> carries), wherever it
/// lives: only what is addressed by name (seats, lookups, messages told by name) comes through the shard.</para>
/// <para>An idle room asks its directory before it stops (the directory knows of joins on their way); once approved,
/// the entity passivates through its shard, which holds any message for it until it is gone and then starts it again.</para>
/// </remarks>
internal sealed partial class RoomEntity : UntypedActor, IWithUnboundedStash
{
    /// <summary>Shard → entity (the passivation's stop message).</summary>
    private sealed record StopRoomEntity
    {
        public static readonly StopRoomEntity Instance = new();
    }

    private readonly ServerRuntime _runtime;
    private readonly ClusterRooms _cluster;
    private readonly string _entityId;
    private readonly string _typeName;
    private readonly string _name;
    private readonly ILogger _log;
    private RoomType? _type;
    private IActorRef? _room;
    private RoomLifetime? _lifetime;
    private bool _passivating;

    public RoomEntity(ServerRuntime runtime, ClusterRooms cluster, string entityId)
    {
        _runtime = runtime;
        _cluster = cluster;
        _entityId = entityId;
        (_typeName, _name) = ClusterRooms.SplitRoomEntityId(entityId);
        _log = runtime.LoggerFactory.CreateLogger("ActorWs.Server.Rooms");
    }

    protected override SupervisorStrategy SupervisorStrategy()
    {
        var options = _runtime.Options.Rooms;
        // As the room manager does on a single node: restart (the room backs off), and stop after too many failures.
        return new OneForOneStrategy(options.MaxRestarts, (int)Math.Min(int.MaxValue, options.RestartWindow.TotalMilliseconds), _ => Directive.Restart, loggingEnabled: false);
    }

    protected override void PostStop()
    {
        _handingOff?.Cancel();
        if (_type is not null) _type.LiveRooms--;
        _lifetime?.Replay?.Clear(); // the room actor (its owner) has stopped before its parent
    }

    /// <summary>
    /// Why a membership cannot be resumed in a room that is not running: it was lost with its node (or stopped), so what
    /// the member missed is gone; a join starts it afresh.
    /// </summary>
    internal const string RoomNotRunning = "the room is no longer running (lost with its node, or stopped); join it again to continue in its new incarnation";

    /// <summary>The room's actor, started with <paramref name="optionsJson"/> if it is not running; null for a type this node does not know.</summary>
    private IActorRef? EnsureStarted(string optionsJson) =>
        EnsureStarted(() => new RoomLifetime(optionsJson) { Clustered = true, Incarnation = _runtime.Time.GetUtcNow().ToUnixTimeMilliseconds() });

    /// <summary>The room's actor, started with the lifetime <paramref name="makeLifetime"/> gives if it is not running; null for a type this node does not know.</summary>
    private IActorRef? EnsureStarted(Func<RoomLifetime> makeLifetime)
    {
        if (_room is not null) return _room;
        if (!_runtime.RoomTypes.TryGet(_typeName, out var type)) return null;
        var runtime = _runtime;
        var lifetime = _lifetime = makeLifetime();
        string name = _name;
        var props = runtime.OnRoomDispatcher(FactoryActorProducer<RoomActor>.Props(() => new RoomActor(runtime, type, name, lifetime)));
        _room = Context.Watch(Context.ActorOf(props, "room"));
        _type = type;
        type.LiveRooms++;
        return _room;
    }

    private void TellDirectory(object message) => _cluster.Directories.Tell(new ShardingEnvelope(_typeName, message), Self);

    protected override void OnReceive(object message)
    {
        if (_loading)
        {
            Loading(message);
            return;
        }
        if (_handingOff is not null)
        {
            HandingOff(message);
            return;
        }
        if (message is HandOffRoom)
        {
            BeginHandOff();
            return;
        }
        if (_passivating && message is not StopRoomEntity and not Terminated)
        {
            // Sent before the shard saw the passivation: back through the region, which holds it until this entity is
            // gone and then gives it to the next one.
            _cluster.Rooms.Tell(new ShardingEnvelope(_entityId, message), Sender);
            return;
        }
        switch (message)
        {
            case SeatReserved seat:
                if (EnsureStarted(seat.Request.OptionsJson) is { } forSeat)
                {
                    long expires = _runtime.Time.GetTimestamp() + (long)(seat.ValidFor.TotalSeconds * _runtime.Time.TimestampFrequency);
                    forSeat.Forward(new ReservedJoin(seat.ReservationId, expires, seat.Request));
                }
                else
                {
                    Sender.Tell(new RoomJoinRefused(_name, $"unknown room type \"{_typeName}\"", seat.Request.Tag), Self);
                    TellDirectory(new RoomSeatSettled(_name, seat.ReservationId));
                }
                return;
            case RoomListingWanted:
                // The room reports at the end of the turn in which it is asked (see RoomActor.OnBatchCompleted).
                _room?.Tell(RoomListingWanted.Instance, Self);
                if (_room is null) Passivate(); // started by this message alone: there was no room
                return;
            case ResumeMembership resume:
                if (_room is not null)
                {
                    _room.Forward(resume);
                }
                else
                {
                    // Never starts the room: a room that is not running has nothing of the member's to resume.
                    Sender.Tell(new MembershipNotResumed(_name, RoomNotRunning), Self);
                    Passivate();
                }
                return;
            case MatchmadeRoomOpened opened:
                EnsureStarted(opened.OptionsJson);
                return;
            case GetRoom get:
                var found = EnsureStarted("{}");
                Sender.Tell(new RoomLookup(get.Type, get.Name, found, found is null ? $"unknown room type \"{_typeName}\"" : null), Self);
                return;
            case RoomListing listing when Sender.Equals(_room):
                TellDirectory(new RoomListed(listing, _room!));
                return;
            case SeatSettled settled when Sender.Equals(_room):
                TellDirectory(new RoomSeatSettled(_name, settled.ReservationId));
                return;
            case SeatRefused refused when Sender.Equals(_room):
                TellDirectory(new RoomSeatRefused(_name, refused.ReservationId, refused.Request, refused.Session));
                return;
            case RoomIdle idle when Sender.Equals(_room):
                TellDirectory(new RoomWentIdle(_name, idle.JoinsProcessed));
                return;
            case RoomStopApproved:
                Passivate();
                return;
            case StopRoomEntity:
                Context.Stop(Self);
                return;
            case Terminated terminated when terminated.ActorRef.Equals(_room):
                // Stopped by the strategy after too many failures: its members are out, and its directory forgets it.
                _log.LogWarning("Room {Room} ({Type}) stopped after repeated failures", RoomNames.ForLog(_name), _typeName);
                // The directory first: a member told of the stop may join again at once, and should find the name free.
                TellDirectory(new RoomFailedForGood(_name, _room!));
                var stopped = new RoomStopped(_name, _room!);
                foreach (var member in _lifetime!.MemberList) member.Session.Tell(stopped, Self);
                Passivate();
                return;
            default:
                // Anything else told to the room by name (an embedder's message, a broadcast): for the room's own logic.
                EnsureStarted("{}")?.Forward(message);
                return;
        }
    }

    private void Passivate()
    {
        if (_passivating) return;
        _passivating = true;
        Context.Parent.Tell(new Passivate(StopRoomEntity.Instance));
    }
}
