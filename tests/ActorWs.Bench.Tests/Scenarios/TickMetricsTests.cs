using ActorWs.Bench.Cli;
using ActorWs.Bench.Scenarios;
using ActorWs.Bench.Tests.Support;
using ActorWs.Bench.TickServer;
using Xunit;

namespace ActorWs.Bench.Tests.Scenarios;

public class TickMetricsTests
{
    private static readonly ActorWs.Bench.LoadGeneration.LoadGenRecord Result = Samples.Record(
        "result mode=tick clients=100 size=256 hz=30 joined=98 other_room=1 join_refused=2 open_at_end=98 duration_s=10.000"
        + " deliveries=29400 deliveries_per_sec=2940.0 expected_per_sec=2940.0 delivery_ratio=1.0000 latency_p50_us=600.5"
        + " latency_p99_us=1800.2 latency_max_us=4000.0 gaps=3 bad_messages=4 client_cpu_pct=2.5 err_connect=0 err_protocol=5 err_closed=6");

    private static MeasuredWindow Window(TimeSpan? cpu, long? rss, double? busy) => new(Result, cpu, rss, busy, null, [Result], null);

    [Fact]
    public void Server_cpu_is_a_share_of_one_core_and_a_cost_per_delivery()
    {
        var metrics = TickScenario.ComputeMetrics(Result, Window(TimeSpan.FromSeconds(0.5), 64L * 1024 * 1024, 7.5));
        Assert.Equal(5, metrics["server_cpu_pct"], 9);
        Assert.Equal(500_000.0 / 29_400, metrics["server_cpu_us_per_delivery"], 9);
        Assert.Equal(7.5, metrics["server_cores_busy_pct"]);
        Assert.Equal(64, metrics["server_rss_mib"]);
    }

    [Fact]
    public void The_generator_figures_are_copied()
    {
        var metrics = TickScenario.ComputeMetrics(Result, Window(null, null, null));
        Assert.Equal(2940, metrics["deliveries_per_sec"]);
        Assert.Equal(2940, metrics["expected_per_sec"]);
        Assert.Equal(600.5, metrics["latency_p50_us"]);
        Assert.Equal(1800.2, metrics["latency_p99_us"]);
        Assert.Equal(4000, metrics["latency_max_us"]);
        Assert.Equal(2.5, metrics["client_cpu_pct"]);
        Assert.False(metrics.ContainsKey("server_cpu_pct"));
        Assert.False(metrics.ContainsKey("server_rss_mib"));
    }

    [Fact]
    public void Errors_count_clients_not_joined_gaps_bad_messages_strays_and_later_connection_failures()
    {
        var metrics = TickScenario.ComputeMetrics(Result, Window(null, null, null));
        // 2 not joined + 5 protocol + 6 closed + 3 gaps + 4 bad + 1 in another room.
        Assert.Equal(21, metrics["errors"]);
    }

    [Fact]
    public void Tick_runs_against_actorws_only_from_this_tools_own_assembly()
    {
        var tick = Scenario.For(ScenarioKind.Tick);
        Assert.True(tick.Supports(ServerKind.ActorWs));
        Assert.False(tick.Supports(ServerKind.Kestrel));
        Assert.False(tick.UsesServerBuild);
        var options = new BenchOptions { TickHz = 60, TickPayloadBytes = 512 };
        var launch = tick.Launch(ServerKind.ActorWs, "/ignored/ActorWs.dll", options);
        Assert.Equal(typeof(TickServerHost).Assembly.Location, launch.AssemblyPath);
        Assert.Equal(
            [launch.AssemblyPath, "tick-server", "--host", "127.0.0.1", "--port", "4321", "--hz", "60", "--size", "512"],
            launch.DotnetArguments("127.0.0.1", 4321));
    }
}
