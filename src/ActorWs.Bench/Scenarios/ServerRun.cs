using ActorWs.Bench.Cli;
using ActorWs.Bench.LoadGeneration;

namespace ActorWs.Bench.Scenarios;

/// <summary>What one scenario measured against one server.</summary>
/// <param name="Server">The server measured.</param>
/// <param name="Metrics">Values by <see cref="MetricDefinition.Key"/>; a metric that could not be computed is absent.</param>
/// <param name="Records">Every record the load generator printed, for results.json.</param>
/// <param name="Failure">Why the run failed (server did not start, crashed, generator failed), or null.</param>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record ServerRun(
    ServerKind Server,
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyList<LoadGenRecord> Records,
    string? Failure)
{
    /// <summary>A run that produced no figures.</summary>
    /// <param name="server">The server.</param>
    /// <param name="failure">Why.</param>
    /// <param name="records">Whatever the generator printed before the failure.</param>
    /// <returns>The run.</returns>
    public static ServerRun Failed(ServerKind server, string failure, IReadOnlyList<LoadGenRecord>? records = null) =>
        new(server, new Dictionary<string, double>(), records ?? [], failure);
}
