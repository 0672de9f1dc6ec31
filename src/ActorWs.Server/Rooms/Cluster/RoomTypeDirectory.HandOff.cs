using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.DistributedData;
using Microsoft.Extensions.Logging;

namespace ActorWs.Server.Rooms.Cluster;

/// <summary>
/// Shard → directory, as its node leaves the cluster (Akka.Cluster.Sharding's hand-off stop message): save what you
/// know for your next node, then stop.
/// </summary>
internal sealed record HandOffDirectory
{
    public static readonly HandOffDirectory Instance = new();
}

/// <summary>
/// A leaving directory → its type's directories region on another node: start the directory's next incarnation now (it
/// takes its predecessor's snapshot as it starts); the message itself asks nothing.
/// </summary>
internal sealed record WakeDirectory
{
    public static readonly WakeDirectory Instance = new();
}

/// <summary>A seat a directory had reserved as its node left: its id, and when it lapses (ms since the Unix epoch: a time every node reads alike).</summary>
internal sealed record DirectorySnapshotReservation(long Id, long ExpiresAt);

/// <summary>One room a directory knew as its node left: its listing, its actor (null until it has reported), and what it counted.</summary>
internal sealed record DirectorySnapshotRoom(
    string Id, bool Matchmade, RoomListing Listing, IActorRef? Room, long JoinsForwarded, IReadOnlyList<DirectorySnapshotReservation> Reservations);

/// <summary>
/// What a room type's directory takes to its next node as its node leaves: every room it knew (with reservations and
/// join counts), and the next matchmade id and reservation id, so that its next incarnation answers as it would have
/// (<c>SavedAt</c>: when, in ms since the Unix epoch).
/// </summary>
internal sealed record DirectorySnapshot(long NextId, long NextReservation, IReadOnlyList<DirectorySnapshotRoom> Rooms, long SavedAt);

/// <summary>
/// Moving a directory with its node's leave, as rooms move (<see cref="RoomEntity"/>): before it stops, the directory
/// leaves a <see cref="DirectorySnapshot"/> in Distributed Data (<see cref="HandOffStore"/>, one map for all types),
/// and its next incarnation, wherever the coordinator starts it, reads it before anything else (what arrives
/// meanwhile waits) and goes on from it. Without it, the next incarnation would know only what the rooms report back:
/// for a moment lookups and joins by id would miss rooms that live on, and reservations and join counts would be lost.
/// </summary>
/// <remarks>
/// A crash is not a leave: a directory lost with its node starts again empty and relearns its rooms from the shard
/// regions (see the class remarks). The snapshot is taken out of the map once read, and a directory that cannot read
/// Distributed Data in time starts empty in the same way.
/// </remarks>
internal sealed partial class RoomTypeDirectory
{
    private const string HandOffMap = "actorws-directory-handoffs";

    private sealed record HandOffTimedOut
    {
        public static readonly HandOffTimedOut Instance = new();
    }

    /// <summary>Reading whether the directory comes with a snapshot from its old node; everything else waits.</summary>
    private bool _loading = true;

    /// <summary>While handing off: what makes the directory stop even if Distributed Data never answers.</summary>
    private ICancelable? _handingOff;

    private HandOffStore? _store;

    private HandOffStore Store => _store ??= new HandOffStore(HandOffMap, _typeName);

    public IStash Stash { get; set; } = null!;

    private void Loading(object message)
    {
        if (Store.Load(Context, message, Stash, Restore,
            () => _log.LogWarning("The directory of room type {Type}: Distributed Data did not answer whether it moved here from another node; it starts empty and asks the rooms", _typeName)))
        {
            Loaded();
        }
    }

    private void Loaded()
    {
        _loading = false;
        // Rooms this directory does not know (all of them, when it starts empty) are asked to report.
        AskRegionsForRooms();
        Stash.UnstashAll();
    }

    /// <summary>The directory moved here: go on from its snapshot, and take the snapshot out of the map.</summary>
    private void Restore(byte[] bytes)
    {
        DirectorySnapshot snapshot;
        try
        {
            snapshot = (DirectorySnapshot)Context.System.Serialization.Deserialize(bytes, ClusterRoomsSerializer.Id, ClusterRoomsSerializer.DirectorySnapshotManifest);
        }
        catch (Exception ex)
        {
            _log.LogError(ex, "The directory of room type {Type}: its snapshot from its old node could not be read; it starts empty and asks the rooms", _typeName);
            return;
        }
        long nowUtc = _runtime.Time.GetUtcNow().ToUnixTimeMilliseconds();
        long now = _runtime.Time.GetTimestamp();
        _nextId = Math.Max(_nextId, snapshot.NextId);
        _nextReservation = Math.Max(_nextReservation, snapshot.NextReservation);
        foreach (var saved in snapshot.Rooms)
        {
            var entry = new Entry(saved.Id, saved.Matchmade) { Listing = saved.Listing, Room = saved.Room, JoinsForwarded = saved.JoinsForwarded };
            foreach (var reservation in saved.Reservations)
            {
                long left = reservation.ExpiresAt - nowUtc;
                if (left > 0) entry.Reservations[reservation.Id] = now + left * _runtime.Time.TimestampFrequency / 1000;
            }
            _rooms[Key(saved.Id)] = entry;
            _order.Add(Key(saved.Id));
        }
        _log.LogDebug("The directory of room type {Type} moved here with {Rooms} rooms", _typeName, snapshot.Rooms.Count);
        Store.Remove(Context);
    }

    private void BeginHandOff()
    {
        long nowUtc = _runtime.Time.GetUtcNow().ToUnixTimeMilliseconds();
        long now = _runtime.Time.GetTimestamp();
        var rooms = new List<DirectorySnapshotRoom>(_rooms.Count);
        foreach (var entry in _rooms.Values)
        {
            var reservations = new List<DirectorySnapshotReservation>(entry.Reservations.Count);
            foreach (var (id, expires) in entry.Reservations)
            {
                if (expires > now) reservations.Add(new DirectorySnapshotReservation(id, nowUtc + (expires - now) * 1000 / _runtime.Time.TimestampFrequency));
            }
            rooms.Add(new DirectorySnapshotRoom(entry.Id, entry.Matchmade, entry.Listing, entry.Room, entry.JoinsForwarded, reservations));
        }
        var snapshot = new DirectorySnapshot(_nextId, _nextReservation, rooms, nowUtc);
        _handingOff = Context.System.Scheduler.ScheduleTellOnceCancelable(HandOffStore.Timeout + HandOffStore.Timeout, Self, HandOffTimedOut.Instance, Self);
        Timers.CancelAll();
        Store.Save(Context, Context.System.Serialization.FindSerializerFor(snapshot).ToBinary(snapshot));
    }

    private void HandingOff(object message)
    {
        switch (message)
        {
            case UpdateSuccess:
                _log.LogDebug("The directory of room type {Type} saved its snapshot for its next node", _typeName);
                HandOffStore.WakeOnAnotherNode(Context, ClusterRooms.DirectoriesTypeName, new ShardingEnvelope(_typeName, WakeDirectory.Instance));
                Context.Stop(Self);
                break;
            case IUpdateFailure failure:
                _log.LogWarning("The directory of room type {Type} could not save its snapshot for its next node ({Failure}); it will start empty there", _typeName, failure.GetType().Name);
                Context.Stop(Self);
                break;
            case HandOffTimedOut:
                _log.LogWarning("The directory of room type {Type} did not hand off in time; it will start empty on its next node", _typeName);
                Context.Stop(Self);
                break;
            case HandOffDirectory:
            case SweepReservations:
                break;
            default:
                // For the directory's next node: back through the region, which holds it until the shard lives there.
                // The snapshot is taken: what changed the directory now would not move with it.
                _cluster.Directories.Tell(new ShardingEnvelope(_typeName, message), Sender);
                break;
        }
    }
}
