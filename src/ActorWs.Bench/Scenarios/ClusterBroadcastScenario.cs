using System.Globalization;
using ActorWs.Bench.Cli;
using ActorWs.Bench.LoadGeneration;
using ActorWs.Bench.Servers;

namespace ActorWs.Bench.Scenarios;

/// <summary>
/// The broadcast scenario (<see cref="BroadcastScenario"/>: the same members, senders, size and closed loop) twice: on
/// one plain ActorWs node, as the broadcast scenario runs it, then on a 3-node cluster whose members join round-robin
/// through the three nodes' ports. Every node is pinned to the server CPUs (the single node's CPU budget), the generator
/// to the client CPUs. Adds the remote messages and the broadcasts carried to other nodes per broadcast (the relay
/// counters' growth over the window ÷ broadcasts) and the ratio of the cluster's deliveries to the single node's.
/// </summary>
/// <remarks>Stateless; safe to share between threads.</remarks>
public sealed class ClusterBroadcastScenario : Scenario
{
    /// <summary>How long the cluster's members may take to see each other Up.</summary>
    public static readonly TimeSpan UpTimeout = TimeSpan.FromSeconds(90);

    /// <summary>
    /// The least warm-up of the 3-node run. Three processes on the single node's one core each JIT-compile their own
    /// copy of the code (Akka.Cluster, Sharding, Distributed Data and Remoting on top of the server's) on a share of that
    /// core: measured here, their tiered-compilation threads still took 19 % of the core 30 s into the closed loop, and
    /// the JIT still 8 % of it 70 s into an open loop climbing to 10,000 msg/s (methods that get hot only at the higher
    /// rates), under 1 % after 120 s; one node's are done within the default 20 s. A shorter warm-up measures the JIT,
    /// not the cluster.
    /// </summary>
    public const double ClusterMinWarmupSeconds = 120;

    /// <summary>The options of the 3-node run: the scenario's, with a warm-up of at least <see cref="ClusterMinWarmupSeconds"/>.</summary>
    /// <param name="options">The scenario's options.</param>
    /// <returns>The options for the cluster.</returns>
    internal static BenchOptions ClusterOptions(BenchOptions options) =>
        options with { WarmupSeconds = Math.Max(options.WarmupSeconds, ClusterMinWarmupSeconds) };

    private static readonly MetricDefinition[] Rows =
    [
        new("one_deliveries_per_sec", "1 node: deliveries (msg/s, all members)", BetterDirection.Higher, 0),
        new("cluster_deliveries_per_sec", "3 nodes: deliveries (msg/s, all members)", BetterDirection.Higher, 0),
        new("cluster_ratio", "3 nodes ÷ 1 node, deliveries", BetterDirection.Higher, 2),
        new("one_latency_p50_us", "1 node: delivery latency p50 (µs)", BetterDirection.Lower, 0),
        new("cluster_latency_p50_us", "3 nodes: delivery latency p50 (µs)", BetterDirection.Lower, 0),
        new("one_latency_p99_us", "1 node: delivery latency p99 (µs)", BetterDirection.Lower, 0),
        new("cluster_latency_p99_us", "3 nodes: delivery latency p99 (µs)", BetterDirection.Lower, 0),
        new("cluster_remote_per_broadcast", "3 nodes: remote messages per broadcast (relay messages sent ÷ broadcasts)", BetterDirection.Lower, 2),
        new("cluster_relayed_per_broadcast", "3 nodes: crossings per broadcast (broadcasts carried to relays ÷ broadcasts)", BetterDirection.Neither, 2),
        new("one_server_cpu_pct", "1 node: server process CPU (% of one core)", BetterDirection.Neither, 0),
        new("cluster_server_cpu_pct", "3 nodes: server processes' CPU together (% of one core)", BetterDirection.Neither, 0),
        new("one_server_cpu_us_per_delivery", "1 node: server CPU per delivery (µs)", BetterDirection.Lower, 2),
        new("cluster_server_cpu_us_per_delivery", "3 nodes: server CPU per delivery, all nodes (µs)", BetterDirection.Lower, 2),
        new("cluster_server_rss_mib", "3 nodes: server RSS together (MiB)", BetterDirection.Lower, 1),
        new("one_errors", "1 node: errors (incl. lost deliveries)", BetterDirection.Lower, 0),
        new("cluster_errors", "3 nodes: errors (incl. lost deliveries)", BetterDirection.Lower, 0),
        new("one_capacity_msg_per_sec", "1 node: capacity, highest open-loop rate kept up (msg/s; --broadcast-rate-step)", BetterDirection.Higher, 0),
        new("cluster_capacity_msg_per_sec", "3 nodes: capacity, highest open-loop rate kept up (msg/s)", BetterDirection.Higher, 0),
        new("cluster_capacity_ratio", "3 nodes ÷ 1 node, capacity", BetterDirection.Higher, 2),
        new("one_capacity_latency_p99_us", "1 node: delivery latency p99 at its capacity (µs)", BetterDirection.Lower, 0),
        new("cluster_capacity_latency_p99_us", "3 nodes: delivery latency p99 at their capacity (µs)", BetterDirection.Lower, 0),
    ];

    /// <inheritdoc/>
    public override ScenarioKind Kind => ScenarioKind.ClusterBroadcast;

    /// <inheritdoc/>
    public override IReadOnlyList<MetricDefinition> Metrics => Rows;

    /// <inheritdoc/>
    public override string? Note =>
        "cluster-broadcast: ActorWs against itself, 1 node vs 3 nodes (a cluster is ActorWs's own; the Kestrel column stays empty). "
        + "All three nodes share the single node's server CPUs here, so the bar on one box is the same work at ≥ 0.8× the rate; "
        + "each broadcast crosses once to each other node with members (2 crossings per broadcast); a room's turn of several "
        + "broadcasts crosses in one message per node, so remote messages per broadcast are at most 2. "
        + "The 3-node run warms up for at least 120 s (three processes JIT-compile on one core), whatever the warm-up above.";

    /// <inheritdoc/>
    public override bool Supports(ServerKind server) => server == ServerKind.ActorWs;

    /// <inheritdoc/>
    public override string Describe(BenchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{options.BroadcastMembers} members, {options.BroadcastSenders} senders × {options.BroadcastMessageBytes} B{BroadcastScenario.Loop(options)}; 1 node, then {BenchOptions.ClusterNodeCount} nodes (members round-robin)");
    }

    /// <inheritdoc/>
    public override async Task<ServerRun> RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var o = context.Options;
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        var records = new List<LoadGenRecord>();

        // (a) One plain node: the broadcast scenario exactly as it runs against ActorWs.
        context.Log("1 node: the broadcast scenario");
        var one = await MeasuredWindow.ObserveAsync(context, BroadcastScenario.GeneratorArguments(o, [context.Server.Port]), o.WarmupSeconds, cancellationToken)
            .ConfigureAwait(false);
        records.AddRange(one.Records);
        string? oneLadderFailure = null;
        if (one.Result is { } oneResult)
        {
            foreach (var (key, value) in BroadcastScenario.Figures(one, oneResult)) metrics["one_" + key] = value;
            if (one.Failure is null && o.BroadcastRateStep > 0)
            {
                oneLadderFailure = await BroadcastScenario.ClimbAsync(context, o, [context.Server.Port], null, one, metrics, "one_", records, cancellationToken)
                    .ConfigureAwait(false);
            }
        }

        // The single node stops before the cluster starts: the cluster gets the server CPUs to itself.
        await context.Server.StopAsync().ConfigureAwait(false);
        if (one.Failure is not null || one.Result is null || oneLadderFailure is not null)
        {
            return new ServerRun(context.Server.Kind, metrics, records, $"1 node: {one.Failure ?? oneLadderFailure ?? "no result"}");
        }

        if (context.ServerAssembly is not { } assembly)
        {
            return new ServerRun(context.Server.Kind, metrics, records, "no ActorWs assembly to start the cluster's nodes from");
        }

        // (b) Three nodes of one cluster, all pinned to the server CPUs; the members spread round-robin over them.
        var (cluster, problem) = await ClusterNodes.StartAsync(
            assembly, BenchOptions.ClusterNodeCount, o.ServerCpus, TimeSpan.FromSeconds(o.StartupTimeoutSeconds), context.Time, context.Log, cancellationToken)
            .ConfigureAwait(false);
        await using (cluster.ConfigureAwait(false))
        {
            problem ??= await cluster.WaitUntilAllUpAsync(UpTimeout, cancellationToken).ConfigureAwait(false);
            if (problem is not null)
            {
                return new ServerRun(context.Server.Kind, metrics, records, $"3 nodes: {problem}");
            }

            context.Log($"3 nodes: all {BenchOptions.ClusterNodeCount} members Up; the broadcast with members round-robin over ports "
                + string.Join(", ", cluster.Nodes.Select(n => n.Port)));
            (double Messages, double Broadcasts)? atStart = null, atEnd = null;
            async Task ReadRelayAsync(string edge, CancellationToken token)
            {
                var counters = await cluster.ReadRelayCountersAsync(token).ConfigureAwait(false);
                if (edge == LoadGenRecord.MeasureStart) atStart = counters;
                else atEnd = counters;
            }

            var ports = cluster.Nodes.Select(n => n.Port).ToArray();
            var clusterOptions = ClusterOptions(o);
            var three = await MeasuredWindow.ObserveAsync(
                context, BroadcastScenario.GeneratorArguments(clusterOptions, ports), clusterOptions.WarmupSeconds, cluster.Nodes, ReadRelayAsync, cancellationToken).ConfigureAwait(false);
            records.AddRange(three.Records);
            if (three.Result is not { } threeResult)
            {
                return new ServerRun(context.Server.Kind, metrics, records, $"3 nodes: {three.Failure ?? "no result"}");
            }

            foreach (var (key, value) in BroadcastScenario.Figures(three, threeResult)) metrics["cluster_" + key] = value;
            AddClusterFigures(metrics, threeResult, atStart, atEnd);
            string? clusterLadderFailure = null;
            if (three.Failure is null && o.BroadcastRateStep > 0)
            {
                clusterLadderFailure = await BroadcastScenario.ClimbAsync(context, clusterOptions, ports, cluster.Nodes, three, metrics, "cluster_", records, cancellationToken)
                    .ConfigureAwait(false);
                AddCapacityRatio(metrics);
            }
            var graceful = await cluster.StopAsync().ConfigureAwait(false);
            if (!graceful) context.Log($"3 nodes: a node did not exit within {ServerProcess.StopGracePeriod} of SIGTERM and was killed");
            string? failure = three.Failure ?? clusterLadderFailure;
            return new ServerRun(context.Server.Kind, metrics, records, failure is null ? null : $"3 nodes: {failure}");
        }
    }

    /// <summary>Adds the ratio of the cluster's capacity to the single node's, when both were found.</summary>
    /// <param name="metrics">The figures so far.</param>
    internal static void AddCapacityRatio(IDictionary<string, double> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        if (metrics.TryGetValue("one_capacity_msg_per_sec", out var one) && one > 0
            && metrics.TryGetValue("cluster_capacity_msg_per_sec", out var three))
        {
            metrics["cluster_capacity_ratio"] = three / one;
        }
    }

    /// <summary>
    /// Adds the ratio of the cluster's deliveries to the single node's, and the relay messages and broadcasts carried per
    /// broadcast: the growth of the relay counters (sent, all nodes together) between the window's edges ÷ the broadcasts
    /// sent in the window.
    /// </summary>
    /// <param name="metrics">The figures so far (the <c>one_</c> and <c>cluster_</c> ones).</param>
    /// <param name="clusterResult">The generator's result on the cluster (its <c>sent</c> is the broadcasts in the window).</param>
    /// <param name="atStart">The relay counters at the window's start, or null if unread.</param>
    /// <param name="atEnd">The relay counters at its end, or null if unread.</param>
    internal static void AddClusterFigures(
        IDictionary<string, double> metrics, LoadGenRecord clusterResult, (double Messages, double Broadcasts)? atStart, (double Messages, double Broadcasts)? atEnd)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(clusterResult);
        if (metrics.TryGetValue("one_deliveries_per_sec", out var one) && one > 0
            && metrics.TryGetValue("cluster_deliveries_per_sec", out var three))
        {
            metrics["cluster_ratio"] = three / one;
        }

        if (atStart is { } start && atEnd is { } end && clusterResult.Number("sent") is > 0 and var broadcasts)
        {
            metrics["cluster_remote_per_broadcast"] = (end.Messages - start.Messages) / broadcasts;
            metrics["cluster_relayed_per_broadcast"] = (end.Broadcasts - start.Broadcasts) / broadcasts;
        }
    }
}
