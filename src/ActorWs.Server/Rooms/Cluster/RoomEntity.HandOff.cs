using Akka.Actor;
using Akka.DistributedData;
using Microsoft.Extensions.Logging;

namespace ActorWs.Server.Rooms.Cluster;

/// <summary>
/// Moving a room with its node's leave. Akka.Cluster.Sharding hands the room's shard to another node: before its entity
/// stops (<see cref="HandOffRoom"/>), the room gives it a <see cref="RoomSnapshot"/>, which it writes to Distributed
/// Data (a map per shard, on a majority of the nodes); every room entity, as it starts, first reads its shard's map
/// from a majority (holding what arrives meanwhile), so the room's next entity, wherever it starts and whichever message
/// starts it, starts the room from the snapshot, and removes it.
/// </summary>
/// <remarks>
/// The read is one round trip to a majority per room start; a room that starts with no snapshot (nearly all) goes on as
/// before. If Distributed Data cannot answer in time the room starts afresh, as it would have without hand-off.
/// </remarks>
internal sealed partial class RoomEntity
{
    /// <summary>A snapshot older than this is not a hand-off in progress but one whose room never started again: ignored.</summary>
    private static readonly TimeSpan MaxSnapshotAge = TimeSpan.FromMinutes(5);

    /// <summary>Reading whether the room comes with a snapshot from its old node; everything else waits.</summary>
    private bool _loading = true;

    /// <summary>While handing off: what makes the entity stop even if the room or Distributed Data never answers.</summary>
    private ICancelable? _handingOff;

    public IStash Stash { get; set; } = null!;

    /// <summary>Where the room's snapshot waits for its next node: its shard's map, its entity id's entry.</summary>
    private HandOffStore? _store;

    private HandOffStore Store => _store ??= new HandOffStore(
        "actorws-room-handoffs-" + new RoomShardExtractor(_runtime.Options.Cluster.RoomShards).ShardOf(_entityId), _entityId);

    protected override void PreStart() => Store.Read(Context);

    private void Loading(object message)
    {
        if (Store.Load(Context, message, Stash, Restore,
            () => _log.LogWarning("Room {Room} ({Type}): Distributed Data did not answer whether it moved here from another node; it starts afresh", RoomNames.ForLog(_name), _typeName)))
        {
            Loaded();
        }
    }

    private void Loaded()
    {
        _loading = false;
        Stash.UnstashAll();
    }

    /// <summary>The room moved here: start it from its snapshot, and take the snapshot out of the map.</summary>
    private void Restore(byte[] bytes)
    {
        RoomSnapshot snapshot;
        try
        {
            var system = Context.System;
            snapshot = (RoomSnapshot)system.Serialization.Deserialize(bytes, ClusterRoomsSerializer.Id, ClusterRoomsSerializer.SnapshotManifest);
        }
        catch (Exception ex)
        {
            _log.LogError(ex, "Room {Room} ({Type}): its snapshot from its old node could not be read; it starts afresh", RoomNames.ForLog(_name), _typeName);
            return;
        }
        long age = _runtime.Time.GetUtcNow().ToUnixTimeMilliseconds() - snapshot.SavedAt;
        if (age > MaxSnapshotAge.TotalMilliseconds)
        {
            // Left behind by a hand-off whose room never started on its next node: its members and state are long gone.
            _log.LogInformation("Room {Room} ({Type}): a snapshot {Age:0} s old is ignored; the room starts afresh", RoomNames.ForLog(_name), _typeName, age / 1000.0);
        }
        else
        {
            EnsureStarted(() => RoomLifetime.FromSnapshot(snapshot));
        }
        Store.Remove(Context);
    }

    private void BeginHandOff()
    {
        _log.LogDebug("Room {Room} ({Type}): its node leaves; handing it off ({Running})", RoomNames.ForLog(_name), _typeName, _room is null ? "not running" : "running");
        if (_room is null)
        {
            Context.Stop(Self);
            return;
        }
        _handingOff = Context.System.Scheduler.ScheduleTellOnceCancelable(HandOffStore.Timeout + HandOffStore.Timeout, Self, HandOffTimedOut.Instance, Self);
        _room.Tell(RoomSnapshotWanted.Instance, Self);
    }

    /// <summary>
    /// Members talk to the room's actor itself, not through the shard: nothing would start the room's next entity. So a
    /// message by name (<see cref="RoomListingWanted"/>, which starts no room of its own) goes to the rooms region of
    /// another member, which holds it until the shard lives on its next node: the entity starts there, finds the
    /// snapshot, and the room goes on.
    /// </summary>
    private void WakeOnNextNode() =>
        HandOffStore.WakeOnAnotherNode(Context, ClusterRooms.RoomsTypeName, new Akka.Cluster.Sharding.ShardingEnvelope(_entityId, RoomListingWanted.Instance));

    private sealed record HandOffTimedOut
    {
        public static readonly HandOffTimedOut Instance = new();
    }

    private void HandingOff(object message)
    {
        switch (message)
        {
            case RoomSnapshot snapshot when Sender.Equals(_room):
                Store.Save(Context, Context.System.Serialization.FindSerializerFor(snapshot).ToBinary(snapshot));
                break;
            case UpdateSuccess:
                _log.LogDebug("Room {Room} ({Type}) saved its snapshot for its next node", RoomNames.ForLog(_name), _typeName);
                WakeOnNextNode();
                Context.Stop(Self);
                break;
            case IUpdateFailure failure:
                _log.LogWarning("Room {Room} ({Type}) could not save its snapshot for its next node ({Failure}); it will start afresh there", RoomNames.ForLog(_name), _typeName, failure.GetType().Name);
                Context.Stop(Self);
                break;
            case HandOffTimedOut:
                _log.LogWarning("Room {Room} ({Type}) did not hand off in time; it will start afresh on its next node", RoomNames.ForLog(_name), _typeName);
                Context.Stop(Self);
                break;
            case Terminated:
            case HandOffRoom:
                break;
            default:
                // For the room's next node: back through the region, which holds it until the shard lives there.
                _cluster.Rooms.Tell(new Akka.Cluster.Sharding.ShardingEnvelope(_entityId, message), Sender);
                break;
        }
    }
}
