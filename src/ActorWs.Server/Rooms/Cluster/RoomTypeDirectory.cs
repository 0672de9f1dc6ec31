using System.Globalization;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Microsoft.Extensions.Logging;

namespace ActorWs.Server.Rooms.Cluster;

/// <summary>Room entity → its type's directory: what listings show changed (the room's actor comes with it).</summary>
internal sealed record RoomListed(RoomListing Listing, IActorRef Room);

/// <summary>Room entity → directory: a reserved seat was used or given up.</summary>
internal sealed record RoomSeatSettled(string Room, long ReservationId);

/// <summary>Room entity → directory: the room was full or locked after all; place the join elsewhere (join-or-create).</summary>
internal sealed record RoomSeatRefused(string Room, long ReservationId, JoinRoomRequest Request, IActorRef Session);

/// <summary>Room entity → directory: empty for its linger time, having processed this many joins; may it stop?</summary>
internal sealed record RoomWentIdle(string Room, long JoinsProcessed);

/// <summary>Room entity → directory: the room (this actor of it) failed too often and was stopped.</summary>
internal sealed record RoomFailedForGood(string Room, IActorRef RoomRef);

/// <summary>
/// The directory of one room type when rooms are clustered: a sharded entity (entity id = the type's name), so there is
/// exactly one per type in the whole cluster and every node asks the same one. It owns what the room manager owns on a
/// single node, for its type: which rooms exist, matchmaking (join-or-create, by name, by id, create) with seat
/// reservations and the type's room cap, matchmade room ids, and listings with filters and paging. Every node's answers
/// come from here, so they are the same on every node.
/// </summary>
/// <remarks>
/// <para>Rooms report to it (through their entity): what listings show whenever it changes, seats settled or refused,
/// idleness. A join is decided here (seat reserved, counted against members plus reservations), then sent to the
/// room's entity through the room shard region with the session as sender; the room has the last word, as on one
/// node, and a join-or-create it turns down comes back here to be placed elsewhere.</para>
/// <para>An idle room stops only when this directory approves: when the joins it forwarded equal the joins the room
/// processed and no seat is reserved.</para>
/// <para>Its state lives in memory. When its node leaves the cluster gracefully, it moves to its next node with that
/// state (see RoomTypeDirectory.HandOff.cs). A directory that starts (the first time, or again after its node crashed,
/// or moved) also asks every node's room shard region which room entities it has (Akka.Cluster.Sharding's
/// <see cref="GetShardRegionState"/>) and asks each of its type's rooms it does not know to report its listing
/// (<see cref="RoomListingWanted"/>), so it knows the rooms that outlived a previous incarnation lost with its node
/// again (their reservations and join counts are not recovered then; matchmade ids continue after the highest one
/// seen).</para>
/// </remarks>
internal sealed partial class RoomTypeDirectory : UntypedActor, IWithTimers, IWithUnboundedStash
{
    private sealed class Entry(string id, bool matchmade) : IListedRoom
    {
        private RoomListing _listing = new(id, "", 0, int.MaxValue, false, "{}");
        private JsonObject? _metadata;

        public string Id { get; } = id;
        public bool Matchmade { get; } = matchmade;
        public IActorRef? Room;
        public long JoinsForwarded;
        public readonly Dictionary<long, long> Reservations = new();

        public RoomListing Listing
        {
            get => _listing;
            set
            {
                if (!ReferenceEquals(value.MetadataJson, _listing.MetadataJson)) _metadata = null;
                _listing = value;
            }
        }

        public JsonObject Metadata => _metadata ??= JsonNode.Parse(_listing.MetadataJson) as JsonObject ?? new JsonObject();

        public bool HasFreeSeat => !Listing.Locked && Listing.Clients + Reservations.Count < Listing.MaxClients;
    }

    private sealed record SweepReservations
    {
        public static readonly SweepReservations Instance = new();
    }

    private static readonly TimeSpan ReservationSweep = TimeSpan.FromSeconds(1);

    private readonly ServerRuntime _runtime;
    private readonly ClusterRooms _cluster;
    private readonly string _typeName;
    private readonly RoomType? _type;
    private readonly ILogger _log;
    private readonly Dictionary<string, Entry> _rooms = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _order = new(StringComparer.Ordinal);
    private long _nextId;
    private long _nextReservation;

    public RoomTypeDirectory(ServerRuntime runtime, ClusterRooms cluster, string typeName)
    {
        _runtime = runtime;
        _cluster = cluster;
        _typeName = typeName;
        _type = runtime.RoomTypes.TryGet(typeName, out var type) ? type : null;
        _log = runtime.LoggerFactory.CreateLogger("ActorWs.Server.Rooms");
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        Timers.StartPeriodicTimer("sweep", SweepReservations.Instance, ReservationSweep);
        Store.Read(Context); // did it move here from a node that left? (RoomTypeDirectory.HandOff.cs)
    }

    protected override void PostStop() => _handingOff?.Cancel();

    /// <summary>Asks the room shard region of every member node which room entities it hosts (answered with <see cref="CurrentShardRegionState"/>).</summary>
    private void AskRegionsForRooms()
    {
        foreach (var member in Akka.Cluster.Cluster.Get(Context.System).State.Members)
        {
            if (member.Status is not (Akka.Cluster.MemberStatus.Up or Akka.Cluster.MemberStatus.WeaklyUp)) continue;
            var region = new RootActorPath(member.Address) / "system" / "sharding" / ClusterRooms.RoomsTypeName;
            Context.ActorSelection(region).Tell(GetShardRegionState.Instance, Self);
        }
    }

    /// <summary>Every room of this type a region hosts and this directory does not know is asked for its listing.</summary>
    private void AskUnknownRoomsToReport(CurrentShardRegionState state)
    {
        string prefix = _typeName + ":";
        foreach (var shard in state.Shards)
        {
            foreach (var entityId in shard.EntityIds)
            {
                if (!entityId.StartsWith(prefix, StringComparison.Ordinal) || _rooms.ContainsKey(entityId)) continue;
                _cluster.Rooms.Tell(new ShardingEnvelope(entityId, RoomListingWanted.Instance), Self);
            }
        }
    }

    private string Key(string name) => _typeName + ":" + name;

    private Entry? Find(string name) => _rooms.GetValueOrDefault(Key(name));

    private Entry Create(string? name, string optionsJson)
    {
        bool matchmade = name is null;
        string id = name ?? NextMatchmadeId();
        var entry = new Entry(id, matchmade) { Listing = new RoomListing(id, _typeName, 0, int.MaxValue, false, "{}") };
        _rooms[Key(id)] = entry;
        _order.Add(Key(id));
        // A room made by name starts with the options of its first join (or none); a matchmade one with its creator's.
        if (matchmade) TellRoom(id, new MatchmadeRoomOpened(optionsJson), Self);
        return entry;
    }

    /// <summary>
    /// The next matchmade id (<c>type-1</c>, <c>type-2</c>…), skipping any a room made by name already has: a client
    /// may name a room anything, and two rooms must never share an id.
    /// </summary>
    private string NextMatchmadeId()
    {
        string id;
        do id = _typeName + "-" + (++_nextId).ToString(CultureInfo.InvariantCulture);
        while (_rooms.ContainsKey(Key(id)));
        return id;
    }

    private Entry? CreateForClient(string? name, string optionsJson, out string? refusal)
    {
        int max = _type!.MaxRooms(_runtime.Options.Rooms);
        if (_rooms.Count >= max)
        {
            refusal = RoomManager.TooManyRooms(_typeName, max);
            return null;
        }
        refusal = null;
        return Create(name, optionsJson);
    }

    private void Forget(Entry entry)
    {
        _rooms.Remove(Key(entry.Id));
        _order.Remove(Key(entry.Id));
    }

    private void TellRoom(string name, object message, IActorRef sender) =>
        _cluster.Rooms.Tell(new ShardingEnvelope(Key(name), message), sender);

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
        switch (message)
        {
            case HandOffDirectory:
                BeginHandOff();
                break;
            case WakeDirectory:
                break;
            case JoinRoomRequest join:
                Matchmake(join, Sender);
                break;
            case RoomSeatRefused refused:
                if (Find(refused.Room) is { } full)
                {
                    full.Reservations.Remove(refused.ReservationId);
                    full.Listing = full.Listing with { Clients = Math.Max(full.Listing.Clients, full.Listing.MaxClients) };
                }
                Matchmake(refused.Request, refused.Session);
                break;
            case RoomSeatSettled settled:
                Find(settled.Room)?.Reservations.Remove(settled.ReservationId);
                break;
            case RoomListed listed:
                var entry = Find(listed.Listing.Room) ?? Adopt(listed.Listing.Room);
                entry.Listing = listed.Listing;
                entry.Room = listed.Room;
                break;
            case CurrentShardRegionState regionState:
                AskUnknownRoomsToReport(regionState);
                break;
            case SweepReservations:
                long now = _runtime.Time.GetTimestamp();
                foreach (var room in _rooms.Values)
                {
                    if (room.Reservations.Count == 0) continue;
                    foreach (var (id, expires) in room.Reservations.ToArray())
                        if (expires < now) room.Reservations.Remove(id);
                }
                break;
            case ListRoomsRequest list:
                Sender.Tell(RoomListPages.Page(_order, _rooms, list with { RoomType = _typeName }), Self);
                break;
            case RoomWentIdle idle:
                var idleEntry = Find(idle.Room);
                // More joins forwarded than processed: one is on its way. (Fewer: the entry was adopted, its count lost.)
                if (idleEntry is null || (idleEntry.JoinsForwarded <= idle.JoinsProcessed && idleEntry.Reservations.Count == 0))
                {
                    if (idleEntry is not null) Forget(idleEntry);
                    Sender.Tell(RoomStopApproved.Instance, Self);
                }
                break;
            case RoomFailedForGood failed:
                // Unless a newer room of that name has reported already (a join raced the stop).
                if (Find(failed.Room) is { } gone && (gone.Room is null || gone.Room.Equals(failed.RoomRef))) Forget(gone);
                break;
            case GetRoom get:
                if (Find(get.Name) is not null)
                    TellRoom(get.Name, get, Sender); // the entity answers with its room's actor
                else if (!get.CreateIfMissing)
                    Sender.Tell(new RoomLookup(get.Type, get.Name, null, null), Self);
                else if (_type is null)
                    Sender.Tell(new RoomLookup(get.Type, get.Name, null, $"unknown room type \"{get.Type}\""), Self);
                else if (RoomNames.Problem(get.Name) is { } badName)
                    Sender.Tell(new RoomLookup(get.Type, get.Name, null, badName), Self);
                else
                {
                    Create(get.Name, "{}");
                    TellRoom(get.Name, get, Sender);
                }
                break;
            case RoomManager.TellRoom tell:
                bool exists = Find(tell.Name) is not null;
                if (exists) TellRoom(tell.Name, tell.Message, Sender);
                Sender.Tell(new RoomMessageForwarded(exists), Self);
                break;
            case RoomManager.CreateRoom create:
                if (_type is null) Sender.Tell(new RoomJoinRefused(create.Type, $"unknown room type \"{create.Type}\"", null), Self);
                else Sender.Tell(new MatchmadeRoomCreated(Create(null, create.OptionsJson).Id), Self);
                break;
            case RoomManager.CountRooms:
                Sender.Tell(new RoomsCounted(_rooms.Count), Self);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    /// <summary>
    /// A room this directory does not know reported (the directory moved to this node and started empty): it is taken
    /// back into the listings, as matchmade when its name has the form of a matchmade id, and its id is not reused.
    /// </summary>
    private Entry Adopt(string name)
    {
        bool matchmade = false;
        string prefix = _typeName + "-";
        if (name.StartsWith(prefix, StringComparison.Ordinal) && long.TryParse(name.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out long n))
        {
            matchmade = true;
            _nextId = Math.Max(_nextId, n);
        }
        var entry = new Entry(name, matchmade);
        _rooms[Key(name)] = entry;
        _order.Add(Key(name));
        return entry;
    }

    /// <summary>Picks (or makes) the room for a join, reserves a seat in it, and sends the join to its entity.</summary>
    private void Matchmake(JoinRoomRequest join, IActorRef session)
    {
        if (_type is null)
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
                entry = Find(join.Room!) ?? CreateForClient(join.Room!, join.OptionsJson, out refusal);
                break;
            case MatchmakeKind.Create:
                entry = CreateForClient(null, join.OptionsJson, out refusal);
                break;
            case MatchmakeKind.JoinById:
                entry = Find(join.Room!);
                if (entry is null)
                {
                    session.Tell(new RoomJoinRefused(join.Room!, "no such room", join.Tag), Self);
                    return;
                }
                break;
            default:
                entry = FirstWithFreeSeat() ?? CreateForClient(null, join.OptionsJson, out refusal);
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
        var validFor = _type.Options.SeatReservationTime;
        entry.Reservations[reservation] = _runtime.Time.GetTimestamp() + (long)(validFor.TotalSeconds * _runtime.Time.TimestampFrequency);
        entry.JoinsForwarded++;
        TellRoom(entry.Id, new SeatReserved(reservation, validFor, join), session);
    }

    /// <summary>The first matchmade room (in key order, so every node's join-or-create picks alike) with a free seat.</summary>
    private Entry? FirstWithFreeSeat()
    {
        foreach (var key in _order)
        {
            var entry = _rooms[key];
            if (entry.Matchmade && entry.HasFreeSeat) return entry;
        }
        return null;
    }
}
