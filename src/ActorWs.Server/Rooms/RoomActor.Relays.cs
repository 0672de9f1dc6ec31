using Akka.Actor;
using ActorWs.Server.Buffers;
using ActorWs.Server.Rooms.Cluster;

namespace ActorWs.Server.Rooms;

/// <summary>
/// In a cluster: a turn's broadcasts for members on other nodes. Each goes to every other node with members once, and
/// all of a turn's go in one message per node, so that the node's relay hands them to its connections as one batch,
/// as the room does here: a relay that got them one message at a time would often deliver one frame per send.
/// </summary>
internal sealed partial class RoomActor
{
    /// <summary>
    /// The most encoded bytes one message to a relay carries, unless a single broadcast is larger: a turn of many
    /// broadcasts goes in several messages rather than one that would hold up the connection between the nodes.
    /// </summary>
    internal const int RelayBatchBytes = 64 * 1024;

    /// <summary>This turn's broadcasts for the other nodes' relays, in order (reused from turn to turn).</summary>
    private readonly List<RelayedBroadcast> _relayed = new();

    /// <summary>The encoded bytes of <see cref="_relayed"/>.</summary>
    private int _relayedBytes;

    /// <summary>For each of <see cref="_relayed"/>, the relay of the member it is not for (null when it is for all).</summary>
    private readonly List<IActorRef?> _relayedExceptRelays = new();

    /// <summary>
    /// Keeps a sealed broadcast, as its encoded bytes with its number, for the relays of the other nodes with members,
    /// told when the turn ends, or before anything else the room tells a relay or any change of membership.
    /// </summary>
    private void Relay(OutboundFrame frame, long position, RoomMember? except, RoomPayload kind)
    {
        if (_relayedBytes > 0 && _relayedBytes + frame.Bytes.Length > RelayBatchBytes) FlushRelayed();
        _relayed.Add(new RelayedBroadcast(position, kind, frame.Bytes.ToArray(), except?.Session));
        _relayedExceptRelays.Add(except?.Relay);
        _relayedBytes += frame.Bytes.Length;
    }

    /// <summary>
    /// Sends the kept broadcasts to every other node with members, one message per node; a node whose only member is a
    /// broadcast's except does not get that one (nor a message at all if none is left).
    /// </summary>
    private void FlushRelayed()
    {
        if (_relayed.Count == 0) return;
        var all = _relayed.ToArray();
        RelayedBroadcasts? toEveryNode = null;
        var self = Self;
        foreach (var (relay, members) in _lifetime.RemoteNodes)
        {
            var message = members == 1 && _relayedExceptRelays.Contains(relay)
                ? ForOnlyMemberOf(relay, all)
                : toEveryNode ??= new RelayedBroadcasts(self, RoomName, all);
            if (message is null) continue;
            relay.Tell(message, self);
            _runtime.Metrics.RelayMessageSent(message.Broadcasts.Length);
        }
        _relayed.Clear();
        _relayedExceptRelays.Clear();
        _relayedBytes = 0;
    }

    /// <summary>The kept broadcasts for a node whose one member is the except of some of them: the others, or null if none.</summary>
    private RelayedBroadcasts? ForOnlyMemberOf(IActorRef relay, RelayedBroadcast[] all)
    {
        var some = new List<RelayedBroadcast>(all.Length);
        for (int i = 0; i < all.Length; i++)
        {
            if (!relay.Equals(_relayedExceptRelays[i])) some.Add(all[i]);
        }
        return some.Count == 0 ? null : new RelayedBroadcasts(Self, RoomName, some.ToArray());
    }
}
