using ActorWs.Bench.Cli;
using ActorWs.Bench.LoadGeneration;
using ActorWs.Bench.Scenarios;
using ActorWs.Bench.Tests.Support;
using Xunit;

namespace ActorWs.Bench.Tests.Scenarios;

public class FairnessMetricsTests
{
    private static readonly LoadGenRecord Result = Samples.Record(
        "result mode=fairness canaries=10 size=32 flooders=4 flood_size=1 canaries_open=9 flooders_open=4 duration_s=10.000"
        + " quiet_messages=500000 quiet_msgs_per_sec=50000.0 quiet_waiting=0 quiet_latency_p50_us=40.0 quiet_latency_p90_us=60.0"
        + " quiet_latency_p99_us=160.0 quiet_latency_p999_us=900.0 quiet_latency_max_us=5000.0 quiet_latency_mean_us=45.0"
        + " flood_messages=100000 flood_msgs_per_sec=10000.0 flood_waiting=2 flood_latency_p50_us=90.0 flood_latency_p90_us=200.0"
        + " flood_latency_p99_us=400.0 flood_latency_p999_us=2000.0 flood_latency_max_us=9000.0 flood_latency_mean_us=100.0"
        + " flood_echoes=20000000 flood_echoes_per_sec=2000000.0 flood_frames_sent=30000000 flood_missing=2 flood_mismatches=1"
        + " mismatches=3 stalled=4 client_cpu_pct=12.5 interrupted=0 opened=13 err_connect=1 err_handshake=0 err_protocol=5"
        + " err_closed=6 err_timeout=0");

    private static MeasuredWindow Window(TimeSpan? cpu, double? busy) => new(Result, cpu, 64L * 1024 * 1024, busy, null, [Result], null);

    [Fact]
    public void The_ratios_are_the_flooded_canary_latency_over_the_quiet_one()
    {
        var metrics = FairnessScenario.ComputeMetrics(Result, Window(null, null));
        Assert.Equal(400.0 / 160.0, metrics["p99_ratio"], 9);
        Assert.Equal(90.0 / 40.0, metrics["p50_ratio"], 9);
        Assert.Equal(40, metrics["quiet_latency_p50_us"]);
        Assert.Equal(160, metrics["quiet_latency_p99_us"]);
        Assert.Equal(90, metrics["flood_latency_p50_us"]);
        Assert.Equal(400, metrics["flood_latency_p99_us"]);
        Assert.Equal(2_000_000, metrics["flood_echoes_per_sec"]);
        Assert.Equal(50_000, metrics["quiet_msgs_per_sec"]);
        Assert.Equal(10_000, metrics["flood_msgs_per_sec"]);
        Assert.Equal(12.5, metrics["client_cpu_pct"]);
    }

    [Fact]
    public void A_ratio_over_a_zero_or_missing_quiet_figure_is_left_out()
    {
        var noQuiet = Samples.Record("result mode=fairness quiet_latency_p50_us=0.0 flood_latency_p50_us=90.0 flood_latency_p99_us=400.0");
        var metrics = FairnessScenario.ComputeMetrics(noQuiet, new MeasuredWindow(noQuiet, null, null, null, null, [noQuiet], null));
        Assert.False(metrics.ContainsKey("p50_ratio"));
        Assert.False(metrics.ContainsKey("p99_ratio"));
        Assert.Equal(400, metrics["flood_latency_p99_us"]);
    }

    [Fact]
    public void Server_cpu_is_read_over_the_flooded_window_per_message_echoed_canaries_and_flood_alike()
    {
        var metrics = FairnessScenario.ComputeMetrics(Result, Window(TimeSpan.FromSeconds(9), 99.5));
        Assert.Equal(90, metrics["server_cpu_pct"], 9);
        Assert.Equal(9_000_000.0 / 20_100_000, metrics["server_cpu_us_per_msg"], 9);
        Assert.Equal(99.5, metrics["server_cores_busy_pct"]);
        Assert.False(FairnessScenario.ComputeMetrics(Result, Window(null, null)).ContainsKey("server_cpu_pct"));
    }

    [Fact]
    public void Errors_count_connections_not_opened_later_failures_wrong_or_lost_echoes_and_stalled_canaries()
    {
        var metrics = FairnessScenario.ComputeMetrics(Result, Window(null, null));
        // 1 not opened (err_connect is that one) + 5 protocol + 6 closed + 3 canary mismatches + 4 stalled
        // + 2 flood messages missing + 1 flooder whose echoes went wrong.
        Assert.Equal(22, metrics["errors"]);
    }

    [Fact]
    public void Fairness_runs_against_both_servers_from_their_builds_and_says_what_it_runs()
    {
        var fairness = Scenario.For(ScenarioKind.Fairness);
        Assert.IsType<FairnessScenario>(fairness);
        Assert.True(fairness.Supports(ServerKind.ActorWs));
        Assert.True(fairness.Supports(ServerKind.Kestrel));
        Assert.True(fairness.UsesServerBuild);
        Assert.Equal("10 canaries × 32 B, 1 in flight; 4 flooders × 1 B messages", fairness.Describe(new BenchOptions()));
        Assert.Equal(
            "3 canaries × 0 B, 1 in flight; 8 flooders × 0 B messages",
            fairness.Describe(new BenchOptions { FairnessCanaries = 3, FairnessMessageBytes = 0, FairnessFlooders = 8, FairnessFloodBytes = 0 }));
        Assert.Contains(fairness.Metrics, m => m.Key == "p99_ratio" && m.Better == BetterDirection.Lower);
        Assert.Equal("fairness", ScenarioNames.Name(ScenarioKind.Fairness));
    }
}
