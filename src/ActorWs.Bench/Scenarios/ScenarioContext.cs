using ActorWs.Bench.Cli;
using ActorWs.Bench.Servers;

namespace ActorWs.Bench.Scenarios;

/// <summary>What a scenario needs to run against one server.</summary>
/// <param name="Options">The run's options.</param>
/// <param name="Server">The healthy server under test.</param>
/// <param name="LoadGenerator">Path of the compiled load generator.</param>
/// <param name="Time">The clock for settle delays and time limits.</param>
/// <param name="Log">Receives progress lines for the console.</param>
/// <remarks>Immutable; safe to share between threads (the server process has its own contract).</remarks>
public sealed record ScenarioContext(BenchOptions Options, ServerProcess Server, string LoadGenerator, TimeProvider Time, Action<string> Log)
{
    /// <summary>The assembly the server was started from (scenarios that start more processes of it, such as a cluster's nodes, use it).</summary>
    public string? ServerAssembly { get; init; }
}
