using ActorWs.Bench.Cli;
using ActorWs.Bench.Scenarios;
using ActorWs.Bench.Tests.Support;
using Xunit;

namespace ActorWs.Bench.Tests.Scenarios;

/// <summary>The pieces of the cluster scenarios that need no cluster: arguments, placement, figures and the tally.</summary>
public class ClusterScenariosTests
{
    [Fact]
    public void The_broadcast_goes_to_one_port_or_round_robin_over_several_with_the_same_members_and_senders()
    {
        var options = new BenchOptions { BroadcastMembers = 900, BroadcastSenders = 9, WarmupSeconds = 5, DurationSeconds = 8 };
        var one = BroadcastScenario.GeneratorArguments(options, [8091]);
        var three = BroadcastScenario.GeneratorArguments(options, [8091, 8092, 8093]);

        Assert.Equal(["broadcast", "--port", "8091", "--room", "bench"], one[..5]);
        Assert.Equal(
            ["broadcast", "--target", "127.0.0.1:8091", "--target", "127.0.0.1:8092", "--target", "127.0.0.1:8093", "--room", "bench"],
            three[..9]);
        Assert.DoesNotContain("--port", three);
        // Everything after the address is the same: the cluster run is the broadcast scenario, spread.
        Assert.Equal(one[3..], three[7..]);
        Assert.Contains("900", one);
        Assert.Contains("9", one);
        Assert.Throws<ArgumentException>(() => BroadcastScenario.GeneratorArguments(options, []));
    }

    [Fact]
    public void A_broadcast_rate_makes_the_generator_send_open_loop_at_it_on_one_node_and_on_three()
    {
        var closed = new BenchOptions();
        var open = new BenchOptions { BroadcastRate = 12_000 };

        Assert.DoesNotContain("--rate", BroadcastScenario.GeneratorArguments(closed, [8091]));
        Assert.Equal(["--rate", "12000"], BroadcastScenario.GeneratorArguments(open, [8091])[^2..]);
        Assert.Equal(["--rate", "12000"], BroadcastScenario.GeneratorArguments(open, [8091, 8092, 8093])[^2..]);
        Assert.EndsWith("12,000 msg/s together (open loop)", new BroadcastScenario().Describe(open), StringComparison.Ordinal);
        Assert.Contains("12,000 msg/s together (open loop); 1 node, then 3 nodes", new ClusterBroadcastScenario().Describe(open), StringComparison.Ordinal);
        Assert.DoesNotContain("open loop", new BroadcastScenario().Describe(closed), StringComparison.Ordinal);
    }

    [Fact]
    public void The_cluster_figures_are_the_ratio_of_deliveries_and_the_relay_growth_per_broadcast()
    {
        var result = Samples.Record("result mode=broadcast members=1000 senders=10 deliveries=800000 sent=800 deliveries_per_sec=80000.0");
        var metrics = new Dictionary<string, double> { ["one_deliveries_per_sec"] = 100_000, ["cluster_deliveries_per_sec"] = 85_000 };

        ClusterBroadcastScenario.AddClusterFigures(metrics, result, (Messages: 1000, Broadcasts: 3000), (Messages: 1400, Broadcasts: 4600));

        Assert.Equal(0.85, metrics["cluster_ratio"], 9);
        Assert.Equal(0.5, metrics["cluster_remote_per_broadcast"], 9);
        Assert.Equal(2.0, metrics["cluster_relayed_per_broadcast"], 9);
    }

    [Fact]
    public void The_cluster_run_warms_up_at_least_two_minutes_and_longer_when_asked()
    {
        var shortWarmup = new BenchOptions { WarmupSeconds = 5 };
        Assert.Equal(120, ClusterBroadcastScenario.ClusterOptions(shortWarmup).WarmupSeconds);
        var args = BroadcastScenario.GeneratorArguments(ClusterBroadcastScenario.ClusterOptions(shortWarmup), [1, 2, 3]);
        Assert.Equal("120", args[Array.IndexOf(args, "--warmup") + 1]);
        Assert.Equal(150, ClusterBroadcastScenario.ClusterOptions(new BenchOptions { WarmupSeconds = 150 }).WarmupSeconds);
        Assert.Equal(shortWarmup.DurationSeconds, ClusterBroadcastScenario.ClusterOptions(shortWarmup).DurationSeconds);
    }

    [Fact]
    public void Without_relay_readings_or_broadcasts_there_is_no_per_broadcast_figure()
    {
        var none = Samples.Record("result mode=broadcast sent=0");
        var metrics = new Dictionary<string, double> { ["cluster_deliveries_per_sec"] = 85_000 };
        ClusterBroadcastScenario.AddClusterFigures(metrics, none, (0, 0), (10, 10));
        ClusterBroadcastScenario.AddClusterFigures(metrics, Samples.Record("result mode=broadcast sent=5"), null, (10, 10));
        Assert.False(metrics.ContainsKey("cluster_remote_per_broadcast"));
        Assert.False(metrics.ContainsKey("cluster_ratio")); // no single-node figure to divide by
    }

    [Fact]
    public void Resume_clients_alternate_over_nodes_2_and_3_and_those_of_node_3_fail_over_to_both_survivors()
    {
        var placements = Enumerable.Range(0, 8).Select(ClusterResumeScenario.Placement).ToArray();
        Assert.Equal([1, 2, 1, 2, 1, 2, 1, 2], placements.Select(p => p.Node));
        Assert.All(placements, p => Assert.DoesNotContain(p.Node, p.Failover));
        Assert.All(placements, p => Assert.Contains(0, p.Failover));
        var firstChoices = placements.Where(p => p.Node == 2).Select(p => p.Failover[0]).ToArray();
        Assert.Equal([0, 1, 0, 1], firstChoices);

        // Rooms go round-robin over the pairs, so each room has clients on both nodes.
        var rooms = Enumerable.Range(0, 12).Select(i => ClusterResumeScenario.RoomOf(i, 3)).ToArray();
        Assert.Equal(["resume-1", "resume-1", "resume-2", "resume-2", "resume-3", "resume-3", "resume-1", "resume-1"], rooms[..8]);
        Assert.All(rooms.GroupBy(r => r), g => Assert.Equal(4, g.Count()));
    }

    [Fact]
    public void A_failover_client_lists_the_other_nodes()
    {
        var options = ClusterResumeScenario.ClientOptions([new Uri("ws://127.0.0.1:1/ws"), new Uri("ws://127.0.0.1:2/ws")]);
        Assert.Equal([new Uri("ws://127.0.0.1:1/ws"), new Uri("ws://127.0.0.1:2/ws")], options.FailoverUris);
        Assert.True(options.AutoReconnect);
    }

    [Fact]
    public void The_tally_counts_accepted_messages_never_received_and_repeats_but_not_unconfirmed_extras()
    {
        Assert.Equal(new ResumeTally(5, 0, 0), ResumeTally.Of([1, 2, 3, 4, 5], [1, 2, 3, 4, 5]));
        Assert.Equal(new ResumeTally(5, 2, 0), ResumeTally.Of([1, 2, 3, 4, 5], [1, 2, 5]));
        Assert.Equal(new ResumeTally(3, 0, 2), ResumeTally.Of([1, 2, 3], [1, 2, 2, 3, 3]));
        // 4 was sent but its confirmation never came: receiving it is neither a loss nor a duplicate.
        Assert.Equal(new ResumeTally(3, 0, 0), ResumeTally.Of([1, 2, 3], [1, 2, 3, 4]));
        Assert.Equal(new ResumeTally(0, 0, 0), ResumeTally.Of([], []));
    }

    [Fact]
    public void Percentiles_are_nearest_rank()
    {
        double[] values = Enumerable.Range(1, 100).Select(i => (double)i).ToArray();
        Assert.Equal(50, ResumeTally.Percentile(values, 50));
        Assert.Equal(99, ResumeTally.Percentile(values, 99));
        Assert.Equal(100, ResumeTally.Percentile(values, 100));
        Assert.Equal(7, ResumeTally.Percentile([7], 99));
        Assert.Equal(0, ResumeTally.Percentile([], 50));
    }
}
