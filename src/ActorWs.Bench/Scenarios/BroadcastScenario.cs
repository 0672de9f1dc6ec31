using System.Globalization;
using ActorWs.Bench.Cli;

namespace ActorWs.Bench.Scenarios;

/// <summary>
/// Broadcast: M members of one room at <c>/rooms/bench</c>, K of them sending in a closed loop;
/// measures deliveries/s across all members, delivery latency, and server CPU per delivery.
/// </summary>
/// <remarks>Stateless; safe to share between threads.</remarks>
public sealed class BroadcastScenario : Scenario
{
    private static readonly MetricDefinition[] Rows =
    [
        new("deliveries_per_sec", "deliveries (msg/s, all members)", BetterDirection.Higher, 0),
        new("latency_p50_us", "delivery latency p50 (µs)", BetterDirection.Lower, 0),
        new("latency_p99_us", "delivery latency p99 (µs)", BetterDirection.Lower, 0),
        new("server_cpu_us_per_delivery", "server CPU per delivery (µs)", BetterDirection.Lower, 2),
        new("server_cpu_pct", "server process CPU (% of one core)", BetterDirection.Neither, 0),
        new("server_cores_busy_pct", "server CPUs busy (%, kernel included)", BetterDirection.Neither, 0),
        new("server_rss_mib", "server RSS (MiB)", BetterDirection.Lower, 1),
        new("client_cpu_pct", "load generator CPU use (%)", BetterDirection.Neither, 0),
        new("errors", "errors (incl. lost deliveries)", BetterDirection.Lower, 0),
        new("capacity_msg_per_sec", "capacity: highest open-loop rate kept up (msg/s; --broadcast-rate-step)", BetterDirection.Higher, 0),
        new("capacity_latency_p99_us", "capacity: delivery latency p99 at that rate (µs)", BetterDirection.Lower, 0),
    ];

    /// <inheritdoc/>
    public override ScenarioKind Kind => ScenarioKind.Broadcast;

    /// <inheritdoc/>
    public override IReadOnlyList<MetricDefinition> Metrics => Rows;

    /// <inheritdoc/>
    public override string Describe(BenchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{options.BroadcastMembers} members, {options.BroadcastSenders} senders × {options.BroadcastMessageBytes} B{Loop(options)}");
    }

    /// <inheritdoc/>
    public override async Task<ServerRun> RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var o = context.Options;
        var window = await MeasuredWindow.ObserveAsync(context, GeneratorArguments(o, [context.Server.Port]), o.WarmupSeconds, cancellationToken)
            .ConfigureAwait(false);
        if (window.Result is not { } result)
        {
            return ServerRun.Failed(context.Server.Kind, window.Failure ?? "no result", window.Records);
        }

        var metrics = Figures(window, result);
        var records = window.Records.ToList();
        string? failure = window.Failure;
        if (failure is null && o.BroadcastRateStep > 0)
        {
            failure = await ClimbAsync(context, o, [context.Server.Port], null, window, metrics, "", records, cancellationToken).ConfigureAwait(false);
        }

        return new ServerRun(context.Server.Kind, metrics, records, failure);
    }

    /// <summary>
    /// With a step: climbs from the run at the options' rate (<paramref name="first"/>) against the same servers
    /// (<see cref="RateLadder"/>), and adds <c>{prefix}capacity_msg_per_sec</c> and <c>{prefix}capacity_latency_p99_us</c>
    /// to <paramref name="metrics"/> (none when the first run fell behind already) and the rungs' records to
    /// <paramref name="records"/>.
    /// </summary>
    /// <returns>Why a rung could not be measured, or null.</returns>
    internal static async Task<string?> ClimbAsync(
        ScenarioContext context, BenchOptions options, IReadOnlyList<int> ports, IReadOnlyList<Servers.ServerProcess>? servers, MeasuredWindow first,
        IDictionary<string, double> metrics, string prefix, List<LoadGeneration.LoadGenRecord> records, CancellationToken cancellationToken)
    {
        var outcome = await RateLadder.ClimbAsync(
            options,
            first,
            (rung, token) => MeasuredWindow.ObserveAsync(context, GeneratorArguments(rung, ports), rung.WarmupSeconds, servers, null, token),
            line => context.Log(prefix.Length == 0 ? line : $"{prefix.TrimEnd('_')}: {line}"),
            cancellationToken).ConfigureAwait(false);
        records.AddRange(outcome.Records);
        if (outcome.CapacityRate is { } capacity) metrics[prefix + "capacity_msg_per_sec"] = capacity;
        if (outcome.LatencyP99Micros is { } p99) metrics[prefix + "capacity_latency_p99_us"] = p99;
        return outcome.Failure;
    }

    /// <summary>How the senders send, for descriptions: nothing for the closed loop, the rate for an open one.</summary>
    internal static string Loop(BenchOptions options) =>
        options.BroadcastRate == 0 ? ""
        : options.BroadcastRateStep == 0 ? string.Create(CultureInfo.InvariantCulture, $", {options.BroadcastRate:N0} msg/s together (open loop)")
        : string.Create(CultureInfo.InvariantCulture, $", {options.BroadcastRate:N0} msg/s together (open loop), then +{options.BroadcastRateStep:N0} until it falls behind");

    /// <summary>
    /// The generator's arguments for the broadcast: members, senders, size, rate (open loop, when set), warm-up and window from the options, to one
    /// server (<c>--port</c>) or, with several ports, spread round-robin over them (<c>--target</c> each; member i joins
    /// through port i mod count).
    /// </summary>
    /// <param name="options">The run's options.</param>
    /// <param name="ports">The servers' ports on 127.0.0.1 (at least one).</param>
    /// <returns>The arguments.</returns>
    internal static string[] GeneratorArguments(BenchOptions options, IReadOnlyList<int> ports)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(ports);
        if (ports.Count == 0) throw new ArgumentException("at least one port", nameof(ports));
        string[] address = ports.Count == 1
            ? ["--port", Arg(ports[0])]
            : ports.SelectMany(p => new[] { "--target", string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{p}") }).ToArray();
        return
        [
            "broadcast", .. address, "--room", options.BroadcastRoom,
            "--members", Arg(options.BroadcastMembers), "--senders", Arg(options.BroadcastSenders), "--size", Arg(options.BroadcastMessageBytes),
            "--concurrency", Arg(options.ConnectConcurrency), "--warmup", Arg(options.WarmupSeconds), "--duration", Arg(options.DurationSeconds),
            .. options.BroadcastRate > 0 ? new[] { "--rate", Arg(options.BroadcastRate) } : [],
        ];
    }

    /// <summary>The broadcast figures (the keys of this scenario's rows) from a generator's result and the server readings.</summary>
    /// <param name="window">What was observed around the window.</param>
    /// <param name="result">The generator's result record.</param>
    /// <returns>The figures.</returns>
    internal static Dictionary<string, double> Figures(MeasuredWindow window, LoadGeneration.LoadGenRecord result)
    {
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        CopyField(metrics, "deliveries_per_sec", result, "deliveries_per_sec");
        CopyField(metrics, "latency_p50_us", result, "latency_p50_us");
        CopyField(metrics, "latency_p99_us", result, "latency_p99_us");
        CopyField(metrics, "client_cpu_pct", result, "client_cpu_pct");
        AddServerReadings(metrics, window, result, "server_cpu_us_per_delivery", "deliveries");

        metrics["errors"] = result.Sum(ConnectionErrorKeys) + result.Sum("bad_messages", "gaps", "stalls");
        return metrics;
    }
}
