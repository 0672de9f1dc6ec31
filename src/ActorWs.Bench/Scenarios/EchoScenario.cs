using System.Globalization;
using ActorWs.Bench.Cli;

namespace ActorWs.Bench.Scenarios;

/// <summary>
/// Echo: N connections to <c>/echo</c>, each with one (or <c>depth</c>) message in flight; measures
/// messages/s, round-trip latency, and the server's CPU cost per message.
/// </summary>
/// <remarks>Stateless; safe to share between threads.</remarks>
public sealed class EchoScenario : Scenario
{
    /// <summary>The route every server echoes on.</summary>
    public const string Path = "/echo";

    private static readonly MetricDefinition[] Rows =
    [
        new("msgs_per_sec", "throughput (msg/s)", BetterDirection.Higher, 0),
        new("latency_p50_us", "latency p50 (µs)", BetterDirection.Lower, 0),
        new("latency_p99_us", "latency p99 (µs)", BetterDirection.Lower, 0),
        new("server_cpu_us_per_msg", "server CPU per message (µs)", BetterDirection.Lower, 2),
        new("server_switches_per_msg", "server voluntary context switches per message", BetterDirection.Lower, 3),
        new("server_cpu_pct", "server process CPU (% of one core)", BetterDirection.Neither, 0),
        new("server_cores_busy_pct", "server CPUs busy (%, kernel included)", BetterDirection.Neither, 0),
        new("server_rss_mib", "server RSS (MiB)", BetterDirection.Lower, 1),
        new("client_cpu_pct", "load generator CPU use (%)", BetterDirection.Neither, 0),
        new("errors", "errors", BetterDirection.Lower, 0),
    ];

    /// <inheritdoc/>
    public override ScenarioKind Kind => ScenarioKind.Echo;

    /// <inheritdoc/>
    public override IReadOnlyList<MetricDefinition> Metrics => Rows;

    /// <inheritdoc/>
    public override string Describe(BenchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var depth = options.EchoDepth == 1 ? string.Empty : $", {options.EchoDepth} in flight each";
        if (options.EchoCoalesce) depth += ", written together";
        return string.Create(CultureInfo.InvariantCulture, $"{options.EchoConnections} connections × {options.EchoMessageBytes} B{depth}");
    }

    /// <inheritdoc/>
    public override async Task<ServerRun> RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var o = context.Options;
        string[] arguments =
        [
            "echo", "--port", Arg(context.Server.Port), "--path", Path,
            "--connections", Arg(o.EchoConnections), "--size", Arg(o.EchoMessageBytes), "--depth", Arg(o.EchoDepth),
            "--concurrency", Arg(o.ConnectConcurrency), "--warmup", Arg(o.WarmupSeconds), "--duration", Arg(o.DurationSeconds),
            .. (o.EchoCoalesce ? (string[])["--coalesce"] : []),
        ];
        var window = await MeasuredWindow.ObserveAsync(context, arguments, o.WarmupSeconds, cancellationToken).ConfigureAwait(false);
        if (window.Result is not { } result)
        {
            return ServerRun.Failed(context.Server.Kind, window.Failure ?? "no result", window.Records);
        }

        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        CopyField(metrics, "msgs_per_sec", result, "msgs_per_sec");
        CopyField(metrics, "latency_p50_us", result, "latency_p50_us");
        CopyField(metrics, "latency_p99_us", result, "latency_p99_us");
        CopyField(metrics, "client_cpu_pct", result, "client_cpu_pct");
        AddServerReadings(metrics, window, result, "server_cpu_us_per_msg", "messages");
        if (window.ServerVoluntarySwitches is { } switches && result.Number("messages") is > 0 and var messages)
        {
            metrics["server_switches_per_msg"] = switches / messages;
        }

        metrics["errors"] = result.Sum(ConnectionErrorKeys) + result.Sum("mismatches", "stalled");
        return new ServerRun(context.Server.Kind, metrics, window.Records, window.Failure);
    }
}
