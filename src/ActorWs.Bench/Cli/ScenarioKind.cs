namespace ActorWs.Bench.Cli;

/// <summary>The load scenarios the tool can run, in the order they run.</summary>
public enum ScenarioKind
{
    /// <summary>Closed-loop echo: N connections, one (or <c>depth</c>) small message in flight each.</summary>
    Echo,

    /// <summary>Connect-and-hold: open many idle connections, measure connections/s and memory per connection.</summary>
    Hold,

    /// <summary>Connect-and-hold with permessage-deflate offered in every handshake.</summary>
    HoldDeflate,

    /// <summary>Broadcast: M members of one relay room, K of them sending.</summary>
    Broadcast,

    /// <summary>Game tick: N clients in one ticking room, a state delta broadcast every tick (ActorWs only).</summary>
    Tick,

    /// <summary>Per-client fairness: canaries' echo latency quiet, then while a few connections flood tiny frames.</summary>
    Fairness,

    /// <summary>The broadcast scenario on one node, then with its members spread over a 3-node cluster (ActorWs only; not in the default list).</summary>
    ClusterBroadcast,

    /// <summary>Clients of a 3-node cluster in a few rooms; one node is killed and its clients resume on the others (ActorWs only; not in the default list).</summary>
    ClusterResume,
}
