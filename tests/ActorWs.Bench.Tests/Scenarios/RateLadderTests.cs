using ActorWs.Bench.Cli;
using ActorWs.Bench.LoadGeneration;
using ActorWs.Bench.Scenarios;
using Xunit;

namespace ActorWs.Bench.Tests.Scenarios;

/// <summary>The open-loop capacity climb: rungs, what keeping up means, where it stops, and the figures it adds.</summary>
public sealed class RateLadderTests
{
    private static readonly BenchOptions Climb = new() { BroadcastRate = 10_000, BroadcastRateStep = 2_000, WarmupSeconds = 120 };

    /// <summary>A rung's window as the generator would report it.</summary>
    private static MeasuredWindow Window(double deliveryRatio, double p99Micros, int gaps = 0, string? failure = null)
    {
        var result = LoadGenRecord.Parse(
            FormattableString.Invariant($"result mode=broadcast deliveries_per_sec=1000 delivery_ratio={deliveryRatio} latency_p50_us=10 latency_p99_us={p99Micros} gaps={gaps}"));
        return new MeasuredWindow(result, null, null, null, null, [result!], failure);
    }

    /// <summary>Climbs with rungs whose servers keep up to <paramref name="lastKeptUp"/> msg/s, recording the rates asked for.</summary>
    private static async Task<(RateLadder.Outcome Outcome, List<BenchOptions> Asked, List<string> Log)> ClimbTo(int lastKeptUp, MeasuredWindow? first = null)
    {
        var asked = new List<BenchOptions>();
        var log = new List<string>();
        var outcome = await RateLadder.ClimbAsync(
            Climb,
            first ?? Window(1.0, 20_000),
            (rung, _) =>
            {
                asked.Add(rung);
                return Task.FromResult(rung.BroadcastRate <= lastKeptUp ? Window(0.9995, 20_000 + rung.BroadcastRate) : Window(0.82, 3_000_000));
            },
            log.Add,
            CancellationToken.None);
        return (outcome, asked, log);
    }

    [Fact]
    public void A_rung_after_the_first_climbs_by_the_step_ramps_briefly_and_has_a_room_of_its_own()
    {
        var first = RateLadder.Rung(Climb, 0, run: 1);
        Assert.Equal((10_000, 120.0, "bench"), (first.BroadcastRate, first.WarmupSeconds, first.BroadcastRoom));
        var third = RateLadder.Rung(Climb, 2, run: 3);
        Assert.Equal((14_000, RateLadder.RungWarmupSeconds, "bench-3"), (third.BroadcastRate, third.WarmupSeconds, third.BroadcastRoom));
        var firstAgain = RateLadder.Rung(Climb, 0, run: 2);
        Assert.Equal((10_000, RateLadder.RungWarmupSeconds, "bench-2"), (firstAgain.BroadcastRate, firstAgain.WarmupSeconds, firstAgain.BroadcastRoom));
        Assert.Equal(5, RateLadder.Rung(Climb with { WarmupSeconds = 5 }, 1, run: 2).WarmupSeconds);
    }

    [Fact]
    public void Keeping_up_means_no_errors_nearly_every_delivery_and_a_bounded_p99()
    {
        Assert.True(RateLadder.KeptUp(Window(0.999, 50_000).Result!, 0));
        Assert.False(RateLadder.KeptUp(Window(0.95, 50_000).Result!, 0));
        Assert.False(RateLadder.KeptUp(Window(1.0, 1_500_000).Result!, 0));
        Assert.False(RateLadder.KeptUp(Window(1.0, 50_000).Result!, 3));
        Assert.False(RateLadder.KeptUp(LoadGenRecord.Parse("result mode=broadcast latency_p99_us=10")!, 0));
    }

    [Fact]
    public async Task The_capacity_is_the_last_rate_kept_up_and_the_climb_stops_at_the_first_that_falls_behind_twice()
    {
        var (outcome, asked, log) = await ClimbTo(lastKeptUp: 16_000);
        Assert.Equal(16_000, outcome.CapacityRate);
        Assert.Equal(36_000, outcome.LatencyP99Micros);
        Assert.Null(outcome.Failure);
        Assert.Equal([12_000, 14_000, 16_000, 18_000, 18_000], asked.Select(o => o.BroadcastRate));
        // Every run after the first (retries too) in a room no earlier run used: no backlog of the last one reaches its members.
        Assert.Equal(["bench-2", "bench-3", "bench-4", "bench-5", "bench-6"], asked.Select(o => o.BroadcastRoom));
        Assert.Equal(5, outcome.Records.Count);
        Assert.Equal(6, log.Count);
        Assert.StartsWith("ladder: 18000 msg/s fell behind (", log[^2], StringComparison.Ordinal);
        Assert.StartsWith("ladder: 18000 msg/s fell behind on its second try", log[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rate_that_falls_behind_once_is_run_again_and_the_climb_goes_on_if_it_keeps_up()
    {
        var asked = new List<int>();
        var outcome = await RateLadder.ClimbAsync(
            Climb,
            Window(1.0, 20_000),
            (rung, _) =>
            {
                asked.Add(rung.BroadcastRate);
                bool stalledOnce = rung.BroadcastRate == 12_000 && asked.Count(r => r == 12_000) == 1;
                return Task.FromResult(stalledOnce || rung.BroadcastRate > 14_000 ? Window(0.9887, 56_000) : Window(1.0, 20_000));
            },
            _ => { },
            CancellationToken.None);
        Assert.Equal(14_000, outcome.CapacityRate);
        Assert.Equal([12_000, 12_000, 14_000, 16_000, 16_000], asked);
    }

    [Fact]
    public async Task A_first_run_that_fell_behind_twice_finds_no_capacity_and_runs_no_more()
    {
        var (outcome, asked, _) = await ClimbTo(lastKeptUp: 9_000, first: Window(0.7, 4_000_000));
        Assert.Null(outcome.CapacityRate);
        Assert.Null(outcome.Failure);
        var again = Assert.Single(asked);
        Assert.Equal((10_000, RateLadder.RungWarmupSeconds), (again.BroadcastRate, again.WarmupSeconds));
    }

    [Fact]
    public async Task A_rung_the_generator_failed_ends_the_climb_with_its_rate_and_what_was_found_before()
    {
        var outcome = await RateLadder.ClimbAsync(
            Climb,
            Window(1.0, 20_000),
            (rung, _) => Task.FromResult(new MeasuredWindow(null, null, null, null, null, [], "load generator exited with code 3")),
            _ => { },
            CancellationToken.None);
        Assert.Equal(10_000, outcome.CapacityRate);
        Assert.Equal("at 12000 msg/s: load generator exited with code 3", outcome.Failure);
    }

    [Fact]
    public async Task A_climb_is_bounded_in_rungs()
    {
        var (outcome, asked, _) = await ClimbTo(lastKeptUp: int.MaxValue);
        Assert.Equal(RateLadder.MaxRungs - 1, asked.Count);
        Assert.Equal(10_000 + (RateLadder.MaxRungs - 1) * 2_000, outcome.CapacityRate);
    }

    [Fact]
    public void The_cluster_capacity_ratio_needs_both_capacities()
    {
        var metrics = new Dictionary<string, double> { ["one_capacity_msg_per_sec"] = 20_000 };
        ClusterBroadcastScenario.AddCapacityRatio(metrics);
        Assert.False(metrics.ContainsKey("cluster_capacity_ratio"));
        metrics["cluster_capacity_msg_per_sec"] = 15_000;
        ClusterBroadcastScenario.AddCapacityRatio(metrics);
        Assert.Equal(0.75, metrics["cluster_capacity_ratio"], 9);
    }

    [Fact]
    public void The_description_tells_the_climb()
    {
        Assert.Equal(", 10,000 msg/s together (open loop), then +2,000 until it falls behind", BroadcastScenario.Loop(Climb));
        Assert.Equal(", 10,000 msg/s together (open loop)", BroadcastScenario.Loop(Climb with { BroadcastRateStep = 0 }));
    }
}
