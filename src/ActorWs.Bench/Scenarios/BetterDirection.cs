namespace ActorWs.Bench.Scenarios;

/// <summary>Which way a metric improves, so the report can say which ratio is good.</summary>
public enum BetterDirection
{
    /// <summary>Larger values are better (throughput, connections/s).</summary>
    Higher,

    /// <summary>Smaller values are better (latency, memory, CPU per message, errors).</summary>
    Lower,

    /// <summary>Context only (CPU utilisation, baseline memory): no better or worse.</summary>
    Neither,
}
