using System.Globalization;
using System.Reflection;
using ActorWs.Bench.Cli;
using ActorWs.Bench.LoadGeneration;
using ActorWs.Bench.Servers;
using ActorWs.Bench.TickServer;

namespace ActorWs.Bench.Scenarios;

/// <summary>
/// Game tick (issue 7): N clients of the JSON room protocol join one <see cref="TickBenchRoom"/>, which broadcasts
/// a state delta stamped with the server's monotonic clock every tick; measures deliveries/s, delivery latency
/// (server send → client receive), and the server's CPU and memory. The server is this tool's own
/// <c>tick-server</c> mode: an in-process ActorWs server with the default routes and the tick room type.
/// </summary>
/// <remarks>Stateless; safe to share between threads.</remarks>
public sealed class TickScenario : Scenario
{
    /// <summary>The JSON room protocol's route.</summary>
    public const string Path = "/ws";

    private static readonly MetricDefinition[] Rows =
    [
        new("deliveries_per_sec", "deliveries (msg/s, all clients)", BetterDirection.Higher, 0),
        new("expected_per_sec", "expected deliveries (clients × Hz, msg/s)", BetterDirection.Neither, 0),
        new("latency_p50_us", "delivery latency p50 (µs)", BetterDirection.Lower, 0),
        new("latency_p99_us", "delivery latency p99 (µs)", BetterDirection.Lower, 0),
        new("latency_max_us", "delivery latency max (µs)", BetterDirection.Lower, 0),
        new("server_cpu_pct", "server process CPU (% of one core)", BetterDirection.Lower, 1),
        new("server_cpu_us_per_delivery", "server CPU per delivery (µs)", BetterDirection.Lower, 2),
        new("server_cores_busy_pct", "server CPUs busy (%, kernel included)", BetterDirection.Neither, 0),
        new("server_rss_mib", "server RSS (MiB)", BetterDirection.Lower, 1),
        new("client_cpu_pct", "load generator CPU use (%)", BetterDirection.Neither, 0),
        new("errors", "errors (gaps, bad messages, clients not joined)", BetterDirection.Lower, 0),
    ];

    /// <inheritdoc/>
    public override ScenarioKind Kind => ScenarioKind.Tick;

    /// <inheritdoc/>
    public override IReadOnlyList<MetricDefinition> Metrics => Rows;

    /// <inheritdoc/>
    public override string? Note =>
        "tick: ActorWs only. Kestrel has no room toolkit (typed rooms with a server-side tick loop, matchmaking, numbered "
        + "sessions), so there is nothing equivalent to compare; the Kestrel column stays empty. The server is the bench tool's "
        + "`tick-server` mode (an in-process ActorWsServer with the default routes and the tick room type).";

    /// <inheritdoc/>
    public override bool UsesServerBuild => false;

    /// <summary>The assembly started as the tick server: this tool itself.</summary>
    public static string ServerAssembly => typeof(TickServerHost).Assembly.Location;

    /// <summary>
    /// A warning when this tool (and so the tick server) is not a Release build, whose figures would not be
    /// comparable; null for Release.
    /// </summary>
    /// <returns>The warning or null.</returns>
    public static string? BuildWarning()
    {
        var configuration = typeof(TickServerHost).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration;
        return string.Equals(configuration, "Release", StringComparison.Ordinal)
            ? null
            : $"warning: the tick server is this tool's own build, which is {configuration ?? "of unknown configuration"}; run the tool with -c Release";
    }

    /// <inheritdoc/>
    public override bool Supports(ServerKind server) => server == ServerKind.ActorWs;

    /// <inheritdoc/>
    public override ServerLaunch Launch(ServerKind server, string builtAssembly, BenchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ServerLaunch(
            ServerAssembly,
            [TickServerArguments.Verb],
            ["--hz", Arg(options.TickHz), "--size", Arg(options.TickPayloadBytes)]);
    }

    /// <inheritdoc/>
    public override string Describe(BenchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{options.TickClients} clients in one room, {options.TickHz} Hz × {options.TickPayloadBytes} B; ActorWs only");
    }

    /// <inheritdoc/>
    public override async Task<ServerRun> RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var o = context.Options;
        string[] arguments =
        [
            "tick", "--port", Arg(context.Server.Port), "--path", Path, "--room-type", TickBenchRoom.TypeName,
            "--connections", Arg(o.TickClients), "--size", Arg(o.TickPayloadBytes), "--hz", Arg(o.TickHz),
            "--concurrency", Arg(o.ConnectConcurrency), "--warmup", Arg(o.TickWarmupSeconds), "--duration", Arg(o.DurationSeconds),
        ];
        var window = await MeasuredWindow.ObserveAsync(context, arguments, o.TickWarmupSeconds, cancellationToken).ConfigureAwait(false);
        if (window.Result is not { } result)
        {
            return ServerRun.Failed(context.Server.Kind, window.Failure ?? "no result", window.Records);
        }

        return new ServerRun(context.Server.Kind, ComputeMetrics(result, window), window.Records, window.Failure);
    }

    /// <summary>The table figures from the generator's result and the orchestrator's readings of the server.</summary>
    /// <param name="result">The generator's <c>result</c> record.</param>
    /// <param name="window">The server CPU, RSS and core readings around the measured window.</param>
    /// <returns>The metrics by key; figures that cannot be computed are absent.</returns>
    internal static Dictionary<string, double> ComputeMetrics(LoadGenRecord result, MeasuredWindow window)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(window);
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        CopyField(metrics, "deliveries_per_sec", result, "deliveries_per_sec");
        CopyField(metrics, "expected_per_sec", result, "expected_per_sec");
        CopyField(metrics, "latency_p50_us", result, "latency_p50_us");
        CopyField(metrics, "latency_p99_us", result, "latency_p99_us");
        CopyField(metrics, "latency_max_us", result, "latency_max_us");
        CopyField(metrics, "client_cpu_pct", result, "client_cpu_pct");
        AddServerReadings(metrics, window, result, "server_cpu_us_per_delivery", "deliveries");

        // A client that never joined (failed connect, refused join, timeout) is one error; connection failures
        // after joining (protocol violations, unexpected closes) are counted on top.
        var notJoined = Math.Max(0, (result.Number("clients") ?? 0) - (result.Number("joined") ?? 0));
        metrics["errors"] = notJoined + result.Sum("err_protocol", "err_closed", "gaps", "bad_messages", "other_room");
        return metrics;
    }
}
