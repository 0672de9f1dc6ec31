namespace ActorWs.Server.Options;

/// <summary>
/// Settings for a server that is one node of an Akka.NET cluster (<c>server.cluster</c>). They apply only when the
/// server's actor system has the cluster provider (<c>akka.actor.provider = cluster</c>); a single node ignores them.
/// </summary>
public sealed class ClusterOptions
{
    /// <summary>
    /// Shards the rooms (and the room-type directories) are spread over (<c>server.cluster.room-shards</c>, default
    /// 100). A shard, with all its rooms, lives on one node at a time and is the unit that moves between nodes, so about
    /// ten times the largest number of nodes spreads rooms evenly. Every node of a cluster must use the same number, and
    /// it cannot change while the cluster runs (it decides which shard a room is in).
    /// </summary>
    public int RoomShards
    {
        get => _roomShards;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _roomShards = value;
        }
    }

    private int _roomShards = 100;
}
