using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ActorWs.Server.Dispatch;
using Akka.Actor;
using Microsoft.Extensions.Logging;

namespace ActorWs.Server.Rooms;

/// <summary>
/// Parent of all rooms and their matchmaker: creates rooms, reserves seats, forwards each join to its room,
/// lists rooms, stops a room once it has been empty for its linger time, and supervises rooms (restart with
/// backoff, or stop after too many failures).
/// </summary>
/// <remarks>
/// <para>Seats: every join passes through here, one at a time, and reserves a seat (held up to the type's
/// reservation time) before the room admits it; the manager counts members (as rooms report them) plus
/// reservations against each room's capacity, so two clients racing for the last seat never both get it. The
/// room has the last word (its capacity, its lock, its <c>OnAuth</c>); a join-or-create that a room turns
/// down as full comes back here to be placed elsewhere.</para>
/// <para>Idle rooms: the manager counts the joins it forwarded to each room; a room that reports itself idle
/// reports the joins it processed, and only when the counts agree (no join on its way) is it stopped.</para>
/// <para>Listings: rooms are also kept in a sorted set of their <c>type:name</c> keys, so a page starts from its cursor
/// in logarithmic time and looks at no more than <see cref="RoomListCursor.ScanBudget"/> rooms: the cost of a listing
/// does not grow with the number of rooms.</para>
/// </remarks>
internal sealed class RoomManager : UntypedActor, IWithTimers
{
    private sealed class Entry(string id, RoomType type, IActorRef room, RoomLifetime lifetime, bool matchmade) : IListedRoom
    {
        public string Id { get; } = id;
        public bool Matchmade { get; } = matchmade;
        public RoomType Type { get; } = type;
        public IActorRef Room { get; } = room;
        public RoomLifetime Lifetime { get; } = lifetime;
        public long JoinsForwarded;
        public string Key { get; } = RoomManager.Key(type.Name, id);
        public readonly Dictionary<long, long> Reservations = new();

        private RoomListing _listing = new(id, type.Name, 0, int.MaxValue, false, "{}");
        private JsonObject? _metadata;

        /// <summary>What listings show, as the room last reported it.</summary>
        public RoomListing Listing
        {
            get => _listing;
            set
            {
                if (!ReferenceEquals(value.MetadataJson, _listing.MetadataJson)) _metadata = null;
                _listing = value;
            }
        }

        /// <summary>The metadata parsed (once per change, not once per listing that filters on it).</summary>
        public JsonObject Metadata => _metadata ??= JsonNode.Parse(_listing.MetadataJson) as JsonObject ?? new JsonObject();

        public bool HasFreeSeat => !Listing.Locked && Listing.Clients + Reservations.Count < Listing.MaxClients;
    }

    private static readonly TimeSpan ReservationSweep = TimeSpan.FromSeconds(1);

    private readonly ServerRuntime _runtime;
    private readonly Dictionary<string, Entry> _rooms = new(StringComparer.Ordinal);
    private readonly Dictionary<IActorRef, Entry> _byRef = new();
    private readonly SortedSet<string> _order = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _nextIdPerType = new(StringComparer.Ordinal);
    private long _nextActorId;
    private long _nextReservation;

    private readonly ILogger _log;

    public RoomManager(ServerRuntime runtime)
    {
        _runtime = runtime;
        _log = runtime.LoggerFactory.CreateLogger("ActorWs.Server.Rooms");
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override SupervisorStrategy SupervisorStrategy()
    {
        var options = _runtime.Options.Rooms;
        // A room that throws is restarted (its actor pauses with backoff); one that keeps failing is stopped.
        // The room logs its own failure once, as it restarts (Akka.NET's failure log is off for this strategy).
        return new OneForOneStrategy(options.MaxRestarts, (int)Math.Min(int.MaxValue, options.RestartWindow.TotalMilliseconds), _ => Directive.Restart, loggingEnabled: false);
    }

    protected override void PreStart() =>
        Timers.StartPeriodicTimer("sweep", SweepReservations.Instance, ReservationSweep);

    private sealed record SweepReservations
    {
        public static readonly SweepReservations Instance = new();
    }

    /// <summary>How many rooms exist (for tests and the status page).</summary>
    internal sealed record CountRooms
    {
        public static readonly CountRooms Instance = new();
    }

    /// <summary>Looks up a room (for embedders): replies with the ref, or <see cref="ActorRefs.Nobody"/> if there is none.</summary>
    internal sealed record FindRoom(string Type, string Name);

    /// <summary>Creates the room if it does not exist; replies with its ref (or a <see cref="RoomJoinRefused"/> for an unknown type).</summary>
    internal sealed record EnsureRoom(string Type, string Name);

    /// <summary>Forwards <paramref name="Message"/> to the room if it exists; replies true/false.</summary>
    internal sealed record TellRoom(string Type, string Name, object Message);

    /// <summary>Creates a matchmade room (as a client's <c>create</c> would, without joining it); replies with its id.</summary>
    internal sealed record CreateRoom(string Type, string OptionsJson);

    /// <summary>Rooms are keyed by id; a room made by name under a type is keyed <c>type:name</c> so types never collide.</summary>
    private static string Key(string type, string name) => type + ":" + name;

    private Entry? Find(string type, string name) => _rooms.GetValueOrDefault(Key(type, name));

    private Entry Create(RoomType type, string? name, string optionsJson)
    {
        string id = name ?? NextId(type.Name);
        var lifetime = new RoomLifetime(optionsJson);
        var runtime = _runtime;
        // The room dispatcher queues fairly: a busy room runs after the deliveries already queued, so its mailbox gathers
        // several members' messages per turn and each connection gets them as one batch (one send) instead of one by one.
        var props = runtime.OnRoomDispatcher(FactoryActorProducer<RoomActor>.Props(() => new RoomActor(runtime, type, id, lifetime)));
        var room = Context.ActorOf(props, "r" + (++_nextActorId).ToString(CultureInfo.InvariantCulture));
        Context.Watch(room);
        var entry = new Entry(id, type, room, lifetime, matchmade: name is null);
        _rooms[entry.Key] = entry;
        _byRef[room] = entry;
        _order.Add(entry.Key);
        type.LiveRooms++;
        return entry;
    }

    /// <summary>
    /// Creates a room a client's request asks for, unless its type already has as many rooms as it may (a client
    /// must not be able to make rooms without bound): then null and <paramref name="refusal"/> says why.
    /// </summary>
    private Entry? CreateForClient(RoomType type, string? name, string optionsJson, out string? refusal)
    {
        int max = type.MaxRooms(_runtime.Options.Rooms);
        if (type.LiveRooms >= max)
        {
            refusal = TooManyRooms(type.Name, max);
            return null;
        }
        refusal = null;
        return Create(type, name, optionsJson);
    }

    /// <summary>The refusal when a type's room cap is reached (also what <c>/rooms/{name}</c> answers with 503).</summary>
    internal static string TooManyRooms(string type, int max) => $"{TooManyRoomsPrefix}\"{type}\" (at most {max}); try again later";

    /// <summary>How every refusal for a type's room cap begins (a relay connection that loses the race to the cap closes with 1013 on it).</summary>
    internal const string TooManyRoomsPrefix = "too many rooms of type ";

    /// <summary>A room left the manager (stopped when idle, or after repeated failures).</summary>
    private void Forget(Entry entry)
    {
        _rooms.Remove(entry.Key);
        _byRef.Remove(entry.Room);
        _order.Remove(entry.Key);
        entry.Type.LiveRooms--;
    }

    /// <summary>
    /// The next matchmade id of <paramref name="type"/> (<c>type-1</c>, <c>type-2</c>…), skipping any a room made by
    /// name already has: a client may name a room anything, and two rooms must never share an id.
    /// </summary>
    private string NextId(string type)
    {
        long n = _nextIdPerType.GetValueOrDefault(type);
        string id;
        do id = type + "-" + (++n).ToString(CultureInfo.InvariantCulture);
        while (_rooms.ContainsKey(Key(type, id)));
        _nextIdPerType[type] = n;
        return id;
    }

    protected override void OnReceive(object message)
    {
        if (!Handle(message)) Unhandled(message);
    }

    private bool Handle(object message)
    {
        switch (message)
        {
            case JoinRoomRequest join:
                Matchmake(join, Sender);
                return true;
            case SeatRefused refused:
                if (_byRef.TryGetValue(Sender, out var full))
                {
                    full.Reservations.Remove(refused.ReservationId);
                    // Its capacity is reached as far as we know now, whatever it reported before.
                    full.Listing = full.Listing with { Clients = Math.Max(full.Listing.Clients, full.Listing.MaxClients) };
                }
                Matchmake(refused.Request, refused.Session);
                return true;
            case SeatSettled settled:
                if (_byRef.TryGetValue(Sender, out var settledIn)) settledIn.Reservations.Remove(settled.ReservationId);
                return true;
            case RoomListing listing:
                if (_byRef.TryGetValue(Sender, out var listed)) listed.Listing = listing;
                return true;
            case SweepReservations:
                long now = _runtime.Time.GetTimestamp();
                foreach (var entry in _rooms.Values)
                {
                    if (entry.Reservations.Count == 0) continue;
                    foreach (var (id, expires) in entry.Reservations.ToArray())
                        if (expires < now) entry.Reservations.Remove(id);
                }
                return true;
            case ListRoomsRequest list:
                Sender.Tell(ListRooms(list), Self);
                return true;
            case RoomIdle idle:
                if (_byRef.TryGetValue(Sender, out var idleEntry) && idleEntry.JoinsForwarded == idle.JoinsProcessed && idleEntry.Reservations.Count == 0)
                {
                    Forget(idleEntry);
                    Context.Stop(Sender);
                }
                return true;
            case Terminated terminated:
                if (_byRef.TryGetValue(terminated.ActorRef, out var gone))
                {
                    // Stopped by the supervisor strategy after too many failures: its members are out (they do not
                    // watch their rooms; the manager, which watches every room, tells them).
                    Forget(gone);
                    _log.LogWarning("Room {Room} ({Type}) stopped after repeated failures", RoomNames.ForLog(gone.Id), gone.Type.Name);
                    var stopped = new RoomStopped(gone.Id, gone.Room);
                    foreach (var member in gone.Lifetime.MemberList) member.Session.Tell(stopped, Self);
                }
                return true;
            case GetRoom get:
                if (Find(get.Type, get.Name) is { } existing)
                    Sender.Tell(new RoomLookup(get.Type, get.Name, existing.Room, null), Self);
                else if (!get.CreateIfMissing)
                    Sender.Tell(new RoomLookup(get.Type, get.Name, null, null), Self);
                else if (!_runtime.RoomTypes.TryGet(get.Type, out var getType))
                    Sender.Tell(new RoomLookup(get.Type, get.Name, null, $"unknown room type \"{get.Type}\""), Self);
                else if (RoomNames.Problem(get.Name) is { } badName)
                    Sender.Tell(new RoomLookup(get.Type, get.Name, null, badName), Self);
                else
                    Sender.Tell(new RoomLookup(get.Type, get.Name, Create(getType, get.Name, "{}").Room, null), Self);
                return true;
            case FindRoom find:
                Sender.Tell(Find(find.Type, find.Name)?.Room ?? ActorRefs.Nobody, Self);
                return true;
            case EnsureRoom ensure:
                if (!_runtime.RoomTypes.TryGet(ensure.Type, out var ensureType))
                {
                    Sender.Tell(new RoomJoinRefused(ensure.Name, $"unknown room type \"{ensure.Type}\"", null), Self);
                    return true;
                }
                if (Find(ensure.Type, ensure.Name) is null && RoomNames.Problem(ensure.Name) is { } badEnsureName)
                {
                    Sender.Tell(new RoomJoinRefused(ensure.Name, badEnsureName, null), Self);
                    return true;
                }
                Sender.Tell((Find(ensure.Type, ensure.Name) ?? Create(ensureType, ensure.Name, "{}")).Room, Self);
                return true;
            case TellRoom tell:
                var target = Find(tell.Type, tell.Name);
                target?.Room.Forward(tell.Message);
                Sender.Tell(target is not null, Self);
                return true;
            case CountRooms:
                Sender.Tell(_rooms.Count, Self);
                return true;
            case CreateRoom create:
                if (!_runtime.RoomTypes.TryGet(create.Type, out var createType))
                {
                    Sender.Tell(new RoomJoinRefused(create.Type, $"unknown room type \"{create.Type}\"", null), Self);
                    return true;
                }
                Sender.Tell(Create(createType, null, create.OptionsJson).Id, Self);
                return true;
            default:
                return false;
        }
    }

    /// <summary>Picks (or makes) the room for a join, reserves a seat in it, and forwards the join to it.</summary>
    private void Matchmake(JoinRoomRequest join, IActorRef session)
    {
        if (!_runtime.RoomTypes.TryGet(join.RoomType, out var type))
        {
            session.Tell(new RoomJoinRefused(join.Room ?? join.RoomType, $"unknown room type \"{join.RoomType}\"", join.Tag), Self);
            return;
        }
        Entry? entry;
        string? refusal = null;
        switch (join.Kind)
        {
            case MatchmakeKind.ByName:
                if (RoomNames.Problem(join.Room!) is { } badName)
                {
                    session.Tell(new RoomJoinRefused(join.Room!, badName, join.Tag), Self);
                    return;
                }
                entry = Find(type.Name, join.Room!) ?? CreateForClient(type, join.Room!, join.OptionsJson, out refusal);
                break;
            case MatchmakeKind.Create:
                entry = CreateForClient(type, null, join.OptionsJson, out refusal);
                break;
            case MatchmakeKind.JoinById:
                entry = Find(type.Name, join.Room!);
                if (entry is null)
                {
                    session.Tell(new RoomJoinRefused(join.Room!, "no such room", join.Tag), Self);
                    return;
                }
                break;
            default:
                entry = _rooms.Values.FirstOrDefault(e => e.Matchmade && ReferenceEquals(e.Type, type) && e.HasFreeSeat)
                        ?? CreateForClient(type, null, join.OptionsJson, out refusal);
                break;
        }
        if (entry is null)
        {
            session.Tell(new RoomJoinRefused(join.Room ?? join.RoomType, refusal!, join.Tag), Self);
            return;
        }
        if (!entry.HasFreeSeat && join.Kind != MatchmakeKind.Create)
        {
            session.Tell(new RoomJoinRefused(entry.Id, entry.Listing.Locked ? "room is locked" : "room is full", join.Tag), Self);
            return;
        }
        long reservation = ++_nextReservation;
        long expires = _runtime.Time.GetTimestamp() + (long)(type.Options.SeatReservationTime.TotalSeconds * _runtime.Time.TimestampFrequency);
        entry.Reservations[reservation] = expires;
        entry.JoinsForwarded++;
        entry.Room.Tell(new ReservedJoin(reservation, expires, join), session);
    }

    private RoomList ListRooms(ListRoomsRequest request) => RoomListPages.Page(_order, _rooms, request);
}
