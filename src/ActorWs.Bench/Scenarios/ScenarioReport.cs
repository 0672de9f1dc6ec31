using ActorWs.Bench.Cli;

namespace ActorWs.Bench.Scenarios;

/// <summary>One scenario's results for every server, ready for the table.</summary>
/// <param name="Scenario">The scenario.</param>
/// <param name="Description">Its parameters in words, e.g. <c>100 connections x 32 B</c>.</param>
/// <param name="Metrics">The rows, in table order.</param>
/// <param name="Runs">One run per server measured, in the order they ran.</param>
/// <param name="Note">A remark printed under the table (e.g. why a server was not measured), or null.</param>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record ScenarioReport(
    ScenarioKind Scenario,
    string Description,
    IReadOnlyList<MetricDefinition> Metrics,
    IReadOnlyList<ServerRun> Runs,
    string? Note = null)
{
    /// <summary>The run for a server, or null when it was not measured.</summary>
    /// <param name="server">The server.</param>
    /// <returns>The run or null.</returns>
    public ServerRun? RunFor(ServerKind server) => Runs.FirstOrDefault(r => r.Server == server);
}
