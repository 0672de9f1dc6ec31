using System.Globalization;
using ActorWs.Bench.Cli;
using ActorWs.Bench.LoadGeneration;

namespace ActorWs.Bench.Scenarios;

/// <summary>
/// Per-client fairness (issue 15): N canaries on <c>/echo</c>, one small message in flight each, have their round-trip
/// latency measured quiet, then while F more connections flood <c>/echo</c> with tiny messages as fast as the server takes
/// them; reports both, and the canaries' p99 flooded ÷ quiet. A server that lets one connection's input run on for as
/// long as it has some keeps the canaries waiting behind whole floods; the target is a ratio of at most 2.
/// </summary>
/// <remarks>
/// The flooders read their echoes (checked by their bytes, not decoded, so the generator's cost per echo stays small
/// next to the server's): a client that reads nothing soon stops being read by a server with backpressure and then costs
/// it nothing, which would measure the backpressure rather than the fairness. The flooded window lies between the
/// generator's <c>measure_start</c> and <c>measure_end</c>, so the server's CPU readings are those of the flood.
/// Stateless; safe to share between threads.
/// </remarks>
public sealed class FairnessScenario : Scenario
{
    /// <summary>The route every server echoes on.</summary>
    public const string Path = EchoScenario.Path;

    /// <summary>
    /// What the generator adds to the warm-up and the two measured windows, at most: a 2 s settle before each window and,
    /// after the warm-up's flood and after the flooded window, up to 20 s each for the flood's last echoes to drain.
    /// </summary>
    public const double GeneratorOverheadSeconds = 2 + 2 + 20 + 20;

    private static readonly MetricDefinition[] Rows =
    [
        new("quiet_latency_p50_us", "canary latency p50, quiet (µs)", BetterDirection.Lower, 0),
        new("quiet_latency_p99_us", "canary latency p99, quiet (µs)", BetterDirection.Lower, 0),
        new("flood_latency_p50_us", "canary latency p50, flooded (µs)", BetterDirection.Lower, 0),
        new("flood_latency_p99_us", "canary latency p99, flooded (µs)", BetterDirection.Lower, 0),
        new("p50_ratio", "canary p50 flooded ÷ quiet", BetterDirection.Lower, 2),
        new("p99_ratio", "canary p99 flooded ÷ quiet", BetterDirection.Lower, 2),
        new("quiet_msgs_per_sec", "canary echoes, quiet (msg/s, all canaries)", BetterDirection.Higher, 0),
        new("flood_msgs_per_sec", "canary echoes, flooded (msg/s, all canaries)", BetterDirection.Higher, 0),
        new("flood_echoes_per_sec", "flood messages echoed (msg/s, all flooders)", BetterDirection.Neither, 0),
        new("server_cpu_us_per_msg", "server CPU per message while flooded (µs)", BetterDirection.Lower, 3),
        new("server_cpu_pct", "server process CPU while flooded (% of one core)", BetterDirection.Neither, 0),
        new("server_cores_busy_pct", "server CPUs busy while flooded (%, kernel included)", BetterDirection.Neither, 0),
        new("client_cpu_pct", "load generator CPU use while flooded (%)", BetterDirection.Neither, 0),
        new("errors", "errors (incl. flood messages lost or out of order)", BetterDirection.Lower, 0),
    ];

    /// <inheritdoc/>
    public override ScenarioKind Kind => ScenarioKind.Fairness;

    /// <inheritdoc/>
    public override IReadOnlyList<MetricDefinition> Metrics => Rows;

    /// <inheritdoc/>
    public override string? Note =>
        "fairness: the ratios compare each server with itself (the canaries flooded ÷ quiet), so read them down a column; "
        + "the issue's target is a p99 ratio of at most 2. The flooders read their echoes and write whenever their socket "
        + "has room: the server has all the flood it can take, all the time.";

    /// <inheritdoc/>
    public override string Describe(BenchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{options.FairnessCanaries} canaries × {options.FairnessMessageBytes} B, 1 in flight; {options.FairnessFlooders} flooders × {options.FairnessFloodBytes} B messages");
    }

    /// <inheritdoc/>
    public override async Task<ServerRun> RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var o = context.Options;
        string[] arguments =
        [
            "fairness", "--port", Arg(context.Server.Port), "--path", Path,
            "--connections", Arg(o.FairnessCanaries), "--size", Arg(o.FairnessMessageBytes),
            "--flooders", Arg(o.FairnessFlooders), "--flood-size", Arg(o.FairnessFloodBytes),
            "--concurrency", Arg(o.ConnectConcurrency), "--warmup", Arg(o.WarmupSeconds), "--duration", Arg(o.DurationSeconds),
        ];
        // Everything before the flooded window counts as warm-up for the time limit: the warm-up, the quiet window, the settles and drains.
        var before = o.WarmupSeconds + o.DurationSeconds + GeneratorOverheadSeconds;
        var window = await MeasuredWindow.ObserveAsync(context, arguments, before, cancellationToken).ConfigureAwait(false);
        if (window.Result is not { } result)
        {
            return ServerRun.Failed(context.Server.Kind, window.Failure ?? "no result", window.Records);
        }

        return new ServerRun(context.Server.Kind, ComputeMetrics(result, window), window.Records, window.Failure);
    }

    /// <summary>The table figures from the generator's result and the orchestrator's readings of the server while flooded.</summary>
    /// <param name="result">The generator's <c>result</c> record.</param>
    /// <param name="window">The server CPU, RSS and core readings around the flooded window.</param>
    /// <returns>The metrics by key; figures that cannot be computed (a ratio over a zero) are absent.</returns>
    internal static Dictionary<string, double> ComputeMetrics(LoadGenRecord result, MeasuredWindow window)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(window);
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        CopyField(metrics, "quiet_latency_p50_us", result, "quiet_latency_p50_us");
        CopyField(metrics, "quiet_latency_p99_us", result, "quiet_latency_p99_us");
        CopyField(metrics, "flood_latency_p50_us", result, "flood_latency_p50_us");
        CopyField(metrics, "flood_latency_p99_us", result, "flood_latency_p99_us");
        CopyField(metrics, "quiet_msgs_per_sec", result, "quiet_msgs_per_sec");
        CopyField(metrics, "flood_msgs_per_sec", result, "flood_msgs_per_sec");
        CopyField(metrics, "flood_echoes_per_sec", result, "flood_echoes_per_sec");
        CopyField(metrics, "client_cpu_pct", result, "client_cpu_pct");
        AddRatio(metrics, "p50_ratio", result, "flood_latency_p50_us", "quiet_latency_p50_us");
        AddRatio(metrics, "p99_ratio", result, "flood_latency_p99_us", "quiet_latency_p99_us");

        // Server CPU per message over everything it echoed while flooded: the canaries' messages and the flood's.
        if (window.ServerCpu is { } cpu && result.Sum("flood_messages", "flood_echoes") is > 0 and var messages)
        {
            metrics["server_cpu_us_per_msg"] = cpu.TotalMicroseconds / messages;
        }

        if (window.ServerCpu is { } serverCpu && result.Number("duration_s") is > 0 and var seconds)
        {
            metrics["server_cpu_pct"] = 100 * serverCpu.TotalSeconds / seconds;
        }

        if (window.ServerCoresBusyPercent is { } busy)
        {
            metrics["server_cores_busy_pct"] = busy;
        }

        // A connection that never opened is one error (whatever failed: connect, handshake, timeout); failures after it
        // opened, wrong or missing echoes (canaries' and flood's), and canaries left waiting are counted on top.
        var wanted = result.Sum("canaries", "flooders");
        var notOpened = Math.Max(0, wanted - result.Sum("canaries_open", "flooders_open"));
        metrics["errors"] = notOpened
            + result.Sum("err_protocol", "err_closed", "mismatches", "stalled", "flood_missing", "flood_mismatches");
        return metrics;
    }

    private static void AddRatio(Dictionary<string, double> metrics, string key, LoadGenRecord result, string numerator, string denominator)
    {
        if (result.Number(numerator) is { } top && result.Number(denominator) is > 0 and var bottom)
        {
            metrics[key] = top / bottom;
        }
    }
}
