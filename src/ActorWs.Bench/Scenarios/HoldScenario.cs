using System.Globalization;
using ActorWs.Bench.Cli;
using ActorWs.Bench.LoadGeneration;
using ActorWs.Bench.Procfs;

namespace ActorWs.Bench.Scenarios;

/// <summary>
/// Connect-and-hold: opens N connections to <c>/echo</c> as fast as the server takes them, then
/// leaves them idle and reads the server's memory. Memory per idle connection is
/// (RSS with N idle − RSS before) / N, both read after the same settle delay. The hold-deflate variant
/// offers permessage-deflate in every handshake, so the figure is that of idle compressed connections
/// on a server that accepts compression (issue 6).
/// </summary>
/// <remarks>Stateless; safe to share between threads.</remarks>
public sealed class HoldScenario : Scenario
{
    /// <summary>Connections opened, echoed on and closed before the baseline so JIT and pools are warm.</summary>
    public const int MaxWarmConnections = 100;

    /// <summary>Extra time allowed beyond the settle delays for opening and closing connections.</summary>
    public static readonly TimeSpan Slack = TimeSpan.FromMinutes(5);

    private const double BytesPerKibibyte = 1024;

    private static readonly MetricDefinition[] DeflateRows =
    [
        new("deflate_agreed_pct", "connections that agreed to permessage-deflate (%)", BetterDirection.Neither, 0),
        new("deflate_server_no_takeover_pct", "… of them with server_no_context_takeover (%)", BetterDirection.Neither, 0),
    ];

    private static readonly MetricDefinition[] Rows =
    [
        new("conns_per_sec", "connections opened per second", BetterDirection.Higher, 0),
        new("kib_per_idle_connection", "server memory per idle connection (KiB)", BetterDirection.Lower, 2),
        new("handshake_p99_us", "handshake latency p99 (µs)", BetterDirection.Lower, 0),
        new("server_cpu_us_per_connection", "server CPU per connection opened (µs)", BetterDirection.Lower, 1),
        new("server_rss_baseline_mib", "server RSS before (MiB)", BetterDirection.Neither, 1),
        new("server_rss_idle_mib", "server RSS with all idle (MiB)", BetterDirection.Lower, 1),
        new("errors", "errors", BetterDirection.Lower, 0),
    ];

    private readonly bool _offerDeflate;
    private readonly MetricDefinition[] _rows;

    /// <summary>Creates the scenario.</summary>
    /// <param name="offerDeflate">Offer permessage-deflate in every handshake (the hold-deflate scenario).</param>
    public HoldScenario(bool offerDeflate)
    {
        _offerDeflate = offerDeflate;
        _rows = offerDeflate ? [.. Rows, .. DeflateRows] : Rows;
    }

    /// <inheritdoc/>
    public override ScenarioKind Kind => _offerDeflate ? ScenarioKind.HoldDeflate : ScenarioKind.Hold;

    /// <inheritdoc/>
    public override IReadOnlyList<MetricDefinition> Metrics => _rows;

    /// <inheritdoc/>
    public override string? Note => _offerDeflate
        ? "hold-deflate: every handshake offers `permessage-deflate; client_max_window_bits`, and both servers accept it on their "
          + "default settings (Kestrel through `WebSocketAcceptContext.DangerousEnableCompression`); the last two rows show what each "
          + "agreed to. Its memory row minus hold's is what compression costs per idle connection."
        : null;

    /// <inheritdoc/>
    public override string Describe(BenchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return string.Create(
            CultureInfo.InvariantCulture, $"{options.HoldConnections} idle connections{(_offerDeflate ? ", permessage-deflate offered" : string.Empty)}");
    }

    /// <inheritdoc/>
    public override async Task<ServerRun> RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var o = context.Options;
        var settle = TimeSpan.FromSeconds(o.SettleSeconds);
        var limit = 2 * settle + Slack;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limit);
        string[] arguments =
        [
            "hold", "--port", Arg(context.Server.Port), "--path", EchoScenario.Path,
            "--connections", Arg(o.HoldConnections), "--concurrency", Arg(o.ConnectConcurrency),
            "--warm-connections", Arg(Math.Min(MaxWarmConnections, o.HoldConnections)),
            "--wait-timeout", Arg(limit.TotalSeconds),
            .. (_offerDeflate ? (string[])["--deflate"] : []),
        ];
        var pid = context.Server.Pid;
        var records = new List<LoadGenRecord>();
        long? baseline = null;
        long? idle = null;
        TimeSpan? cpuBeforeConnecting = null;
        TimeSpan? cpuConnecting = null;
        LoadGenRecord? result = null;
        await using var generator = LoadGeneratorProcess.Start(context.LoadGenerator, o.ClientCpus, arguments, context.Log);
        try
        {
            while (await generator.ReadRecordAsync(timeout.Token).ConfigureAwait(false) is { } record)
            {
                records.Add(record);
                switch (record.Event)
                {
                    case LoadGenRecord.Warmed:
                        await Task.Delay(settle, context.Time, timeout.Token).ConfigureAwait(false);
                        baseline = ProcessProbe.ReadResidentBytes(pid);
                        cpuBeforeConnecting = ProcessProbe.ReadCpuTime(pid);
                        await generator.ContinueAsync(timeout.Token).ConfigureAwait(false);
                        break;
                    case LoadGenRecord.Ready:
                        cpuConnecting = ProcessProbe.ReadCpuTime(pid) - cpuBeforeConnecting;
                        context.Log($"{record.Number("open") ?? 0} connections open, settling {settle.TotalSeconds:0.#} s before reading memory");
                        await Task.Delay(settle, context.Time, timeout.Token).ConfigureAwait(false);
                        idle = ProcessProbe.ReadResidentBytes(pid);
                        await generator.ContinueAsync(timeout.Token).ConfigureAwait(false);
                        break;
                    case LoadGenRecord.Result:
                        result = record;
                        break;
                }
            }

            var exitCode = await generator.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            if (result is null)
            {
                return ServerRun.Failed(context.Server.Kind, $"load generator printed no result (exit code {exitCode})", records);
            }

            string? failure = exitCode != 0 ? $"load generator exited with code {exitCode}"
                : context.Server.HasExited ? $"{context.Server.Kind} exited during the run:\n{context.Server.RecentOutput}"
                : null;
            return new ServerRun(context.Server.Kind, ComputeMetrics(result, baseline, idle, cpuConnecting, _offerDeflate), records, failure);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ServerRun.Failed(context.Server.Kind, $"hold run did not finish within {limit}", records);
        }
    }

    /// <summary>The table figures from the generator's result and the orchestrator's readings.</summary>
    /// <param name="result">The generator's <c>result</c> record.</param>
    /// <param name="baseline">Server RSS before the idle connections, in bytes, or null.</param>
    /// <param name="idle">Server RSS with them open, in bytes, or null.</param>
    /// <param name="cpuConnecting">Server CPU time spent while they connected, or null.</param>
    /// <param name="offeredDeflate">Whether the handshakes offered permessage-deflate.</param>
    /// <returns>The metrics by key; figures that cannot be computed are absent.</returns>
    internal static Dictionary<string, double> ComputeMetrics(
        LoadGenRecord result, long? baseline, long? idle, TimeSpan? cpuConnecting, bool offeredDeflate)
    {
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        CopyField(metrics, "conns_per_sec", result, "conns_per_sec");
        CopyField(metrics, "handshake_p99_us", result, "handshake_p99_us");
        var held = result.Number("held_open") ?? 0;
        if (baseline is { } before && idle is { } during && held > 0)
        {
            metrics["kib_per_idle_connection"] = (during - before) / held / BytesPerKibibyte;
            metrics["server_rss_baseline_mib"] = Mebibytes(before);
            metrics["server_rss_idle_mib"] = Mebibytes(during);
        }

        if (cpuConnecting is { } cpu && result.Number("opened") is > 0 and var opened)
        {
            metrics["server_cpu_us_per_connection"] = cpu.TotalMicroseconds / opened;
        }

        if (offeredDeflate && result.Number("opened") is > 0 and var handshakes)
        {
            var agreed = result.Number("deflate_agreed") ?? 0;
            metrics["deflate_agreed_pct"] = 100 * agreed / handshakes;
            if (agreed > 0)
            {
                metrics["deflate_server_no_takeover_pct"] = 100 * (result.Number("deflate_server_no_takeover") ?? 0) / agreed;
            }
        }

        metrics["errors"] = result.Sum(ConnectionErrorKeys);
        return metrics;
    }
}
