using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.DistributedData;

namespace ActorWs.Server.Rooms.Cluster;

/// <summary>
/// Where a sharded entity on a leaving node leaves its state for its next node: an entry (<paramref name="entryId"/>,
/// the entity's id) in a last-writer-wins map of bytes in Distributed Data (<paramref name="keyId"/>), written to a
/// majority of the nodes before the entity stops, read from a majority by the entity's next incarnation as it starts,
/// and removed once taken. Room entities (a map per shard) and room-type directories (one map) both move this way.
/// </summary>
/// <remarks>
/// Not thread-safe: used by one actor, from its own turns. Every answer from the replicator comes to that actor as a
/// message, which it gives back to <see cref="Load"/> while it is loading; a save is answered with Distributed
/// Data's <see cref="UpdateSuccess"/> or an <see cref="IUpdateFailure"/>.
/// </remarks>
internal sealed class HandOffStore(string keyId, string entryId)
{
    /// <summary>What <see cref="ReadReply"/> made of a message.</summary>
    private enum HandOffRead
    {
        /// <summary>Not an answer to this store's read: the caller handles (or holds) the message itself.</summary>
        NotAReply,

        /// <summary>No majority answered in time; this node's replica was asked instead, and its answer is still to come.</summary>
        Pending,

        /// <summary>A snapshot was left for this entity: it moved here from a node that left.</summary>
        Found,

        /// <summary>No snapshot was left for this entity: it starts afresh.</summary>
        Nothing,

        /// <summary>Distributed Data answered neither from a majority nor from this node: the entity starts afresh.</summary>
        Failed,
    }

    /// <summary>How long a read or a write may wait for a majority of the nodes.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    private readonly LWWDictionaryKey<string, byte[]> _key = new(keyId);
    private bool _readLocally;

    /// <summary>Asks for the map from a majority; the answer comes to <paramref name="context"/>'s actor (see <see cref="Load"/>).</summary>
    public void Read(IActorContext context) => Replicator(context).Tell(Dsl.Get(_key, new ReadMajority(Timeout)), context.Self);

    /// <summary>
    /// What <paramref name="message"/> says of this store's read: the snapshot left for this entity in
    /// <paramref name="snapshot"/> when <see cref="HandOffRead.Found"/>. A majority that did not answer in time is
    /// asked again of this node's replica alone (<see cref="HandOffRead.Pending"/>).
    /// </summary>
    private HandOffRead ReadReply(IActorContext context, object message, out byte[]? snapshot)
    {
        snapshot = null;
        switch (message)
        {
            case GetSuccess found when found.Key.Equals(_key):
                return found.Get(_key).TryGetValue(entryId, out snapshot) ? HandOffRead.Found : HandOffRead.Nothing;
            case NotFound notFound when notFound.Key.Equals(_key):
                return HandOffRead.Nothing;
            case GetFailure failure when failure.Key.Equals(_key) && !_readLocally:
                // No majority answered in time: what this node's replica holds is the best there is.
                _readLocally = true;
                Replicator(context).Tell(Dsl.Get(_key, ReadLocal.Instance), context.Self);
                return HandOffRead.Pending;
            case GetFailure failure when failure.Key.Equals(_key):
                return HandOffRead.Failed;
            default:
                return HandOffRead.NotAReply;
        }
    }

    /// <summary>
    /// The loading step of an entity that reads this store as it starts: an answer to the read restores the snapshot
    /// found (<paramref name="restore"/>), or reports that none could be read (<paramref name="readFailed"/>), and
    /// returns true (loading is over: unstash); anything else arriving meanwhile is stashed until then.
    /// </summary>
    public bool Load(IActorContext context, object message, IStash stash, Action<byte[]> restore, Action readFailed)
    {
        switch (ReadReply(context, message, out var snapshot))
        {
            case HandOffRead.Found:
                restore(snapshot!);
                return true;
            case HandOffRead.Nothing:
                return true;
            case HandOffRead.Failed:
                readFailed();
                return true;
            case HandOffRead.NotAReply:
                stash.Stash();
                return false;
            default:
                return false; // Pending: this node's replica answers next
        }
    }

    /// <summary>Leaves <paramref name="snapshot"/> for this entity's next node; the outcome is told to <paramref name="context"/>'s actor.</summary>
    public void Save(IActorContext context, byte[] snapshot)
    {
        var cluster = Akka.Cluster.Cluster.Get(context.System);
        string id = entryId;
        Replicator(context).Tell(Dsl.Update(_key, LWWDictionary<string, byte[]>.Empty, new WriteMajority(Timeout), map => map.SetItem(cluster, id, snapshot)), context.Self);
    }

    /// <summary>Takes the snapshot out of the map, once taken (nobody waits for the outcome).</summary>
    public void Remove(IActorContext context)
    {
        var cluster = Akka.Cluster.Cluster.Get(context.System);
        string id = entryId;
        Replicator(context).Tell(Dsl.Update(_key, LWWDictionary<string, byte[]>.Empty, new WriteMajority(Timeout), map => map.Remove(cluster, id)), ActorRefs.NoSender);
    }

    /// <summary>
    /// Starts the entity's next incarnation on another node at once, rather than when something next asks for it:
    /// <paramref name="message"/> (one that does no harm to an entity that has nothing to restore) goes to the
    /// <paramref name="regionTypeName"/> region of another member that is Up, which holds it until the entity's shard
    /// lives on its next node. On the last node there is no next one, and nothing is sent.
    /// </summary>
    public static void WakeOnAnotherNode(IActorContext context, string regionTypeName, ShardingEnvelope message)
    {
        var cluster = Akka.Cluster.Cluster.Get(context.System);
        var other = cluster.State.Members.FirstOrDefault(m => m.Status == Akka.Cluster.MemberStatus.Up && !m.Address.Equals(cluster.SelfAddress));
        if (other is null) return;
        context.ActorSelection(new RootActorPath(other.Address) / "system" / "sharding" / regionTypeName).Tell(message, ActorRefs.NoSender);
    }

    private static IActorRef Replicator(IActorContext context) => DistributedData.Get(context.System).Replicator;
}
