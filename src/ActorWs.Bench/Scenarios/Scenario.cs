using System.Globalization;
using ActorWs.Bench.Cli;
using ActorWs.Bench.LoadGeneration;
using ActorWs.Bench.Servers;

namespace ActorWs.Bench.Scenarios;

/// <summary>A load scenario: how to drive the generator against one server and what to report.</summary>
/// <remarks>Implementations are stateless; one instance may run against several servers in turn.</remarks>
public abstract class Scenario
{
    /// <summary>Load-generator counters that are failures in every mode.</summary>
    protected static readonly string[] ConnectionErrorKeys = ["err_connect", "err_handshake", "err_protocol", "err_closed", "err_timeout"];

    private const double BytesPerMebibyte = 1024 * 1024;

    /// <summary>Which scenario this is.</summary>
    public abstract ScenarioKind Kind { get; }

    /// <summary>The table rows this scenario produces, in order.</summary>
    public abstract IReadOnlyList<MetricDefinition> Metrics { get; }

    /// <summary>A remark printed under the table (why a server is not measured, what to read into a row), or null.</summary>
    public virtual string? Note => null;

    /// <summary>
    /// Whether the scenario starts the server from the server's own Release build (false when it brings its
    /// own server, so a failed build of that project does not stop it).
    /// </summary>
    public virtual bool UsesServerBuild => true;

    /// <summary>Whether the scenario can run against a server; the others are not measured (their column shows —).</summary>
    /// <param name="server">The server.</param>
    /// <returns>True by default.</returns>
    public virtual bool Supports(ServerKind server) => true;

    /// <summary>How to start the server for this scenario.</summary>
    /// <param name="server">The server.</param>
    /// <param name="builtAssembly">The server's Release assembly (unused when <see cref="UsesServerBuild"/> is false).</param>
    /// <param name="options">The run's options.</param>
    /// <returns>The launch: by default the built assembly with <c>--host</c> and <c>--port</c>.</returns>
    public virtual ServerLaunch Launch(ServerKind server, string builtAssembly, BenchOptions options) => ServerLaunch.Plain(builtAssembly);

    /// <summary>The scenario's parameters in words, for the table.</summary>
    /// <param name="options">The run's options.</param>
    /// <returns>A short description.</returns>
    public abstract string Describe(BenchOptions options);

    /// <summary>Runs the scenario against the context's server. Failures are returned, not thrown.</summary>
    /// <param name="context">The server and generator.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The figures, or why there are none.</returns>
    public abstract Task<ServerRun> RunAsync(ScenarioContext context, CancellationToken cancellationToken);

    /// <summary>The scenario implementing a kind.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>The scenario.</returns>
    public static Scenario For(ScenarioKind kind) => kind switch
    {
        ScenarioKind.Echo => new EchoScenario(),
        ScenarioKind.Hold => new HoldScenario(offerDeflate: false),
        ScenarioKind.HoldDeflate => new HoldScenario(offerDeflate: true),
        ScenarioKind.Broadcast => new BroadcastScenario(),
        ScenarioKind.Tick => new TickScenario(),
        ScenarioKind.Fairness => new FairnessScenario(),
        ScenarioKind.ClusterBroadcast => new ClusterBroadcastScenario(),
        ScenarioKind.ClusterResume => new ClusterResumeScenario(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown scenario"),
    };

    /// <summary>Formats a number for a load-generator argument.</summary>
    /// <param name="value">The number.</param>
    /// <returns>Invariant-culture text.</returns>
    protected static string Arg(double value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Bytes to MiB.</summary>
    /// <param name="bytes">Bytes.</param>
    /// <returns>MiB.</returns>
    protected static double Mebibytes(long bytes) => bytes / BytesPerMebibyte;

    /// <summary>
    /// Adds what the orchestrator read of the server around a measured window: CPU per unit of work
    /// (<paramref name="perUnitKey"/>, the CPU time over the generator's <paramref name="unitsField"/> count), CPU as a
    /// share of one core over the window, the busy share of its pinned cores, and its RSS. Figures whose readings are
    /// missing are left out.
    /// </summary>
    protected static void AddServerReadings(
        IDictionary<string, double> metrics, MeasuredWindow window, LoadGenRecord result, string perUnitKey, string unitsField)
    {
        if (window.ServerCpu is { } cpu)
        {
            if (result.Number(unitsField) is > 0 and var units) metrics[perUnitKey] = cpu.TotalMicroseconds / units;
            if (result.Number("duration_s") is > 0 and var seconds) metrics["server_cpu_pct"] = 100 * cpu.TotalSeconds / seconds;
        }

        if (window.ServerCoresBusyPercent is { } busy)
        {
            metrics["server_cores_busy_pct"] = busy;
        }

        if (window.ServerResidentBytes is { } rss)
        {
            metrics["server_rss_mib"] = Mebibytes(rss);
        }
    }

    /// <summary>Copies a load-generator field into the metrics when present.</summary>
    /// <param name="metrics">The metrics being filled.</param>
    /// <param name="key">The metric key.</param>
    /// <param name="record">The record.</param>
    /// <param name="field">The field name.</param>
    protected static void CopyField(IDictionary<string, double> metrics, string key, LoadGenRecord record, string field)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(record);
        if (record.Number(field) is { } value)
        {
            metrics[key] = value;
        }
    }
}
