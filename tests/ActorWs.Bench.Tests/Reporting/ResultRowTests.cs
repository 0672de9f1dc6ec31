using ActorWs.Bench.Cli;
using ActorWs.Bench.Reporting;
using ActorWs.Bench.Scenarios;
using ActorWs.Bench.Tests.Support;
using Xunit;

namespace ActorWs.Bench.Tests.Reporting;

public class ResultRowTests
{
    private static readonly MetricDefinition Throughput = new("msgs_per_sec", "throughput (msg/s)", BetterDirection.Higher, 0);

    [Fact]
    public void The_ratio_is_actorws_over_kestrel_and_missing_when_either_is_missing_or_kestrel_is_zero()
    {
        Assert.Equal(2.0, new ResultRow("echo", Throughput, 104_000, 52_000).Ratio);
        Assert.Null(new ResultRow("echo", Throughput, 104_000, null).Ratio);
        Assert.Null(new ResultRow("echo", Throughput, null, 52_000).Ratio);
        Assert.Null(new ResultRow("echo", Throughput, 5, 0).Ratio);
    }

    [Fact]
    public void Rows_follow_scenario_then_metric_order_with_named_titles()
    {
        var rows = ResultRow.From(Samples.Reports(new BenchOptions()));
        var titles = rows.Select(r => r.Scenario).Distinct().ToList();
        Assert.Equal(3, titles.Count);
        Assert.StartsWith("echo (", titles[0], StringComparison.Ordinal);
        Assert.StartsWith("tick (100 clients in one room, 30 Hz × 256 B; ActorWs only)", titles[1], StringComparison.Ordinal);
        Assert.StartsWith("hold-deflate (10000 idle connections, permessage-deflate offered)", titles[2], StringComparison.Ordinal);
        Assert.Equal(Scenario.For(ScenarioKind.Tick).Metrics, rows.Where(r => r.Scenario == titles[1]).Select(r => r.Metric));
    }

    [Fact]
    public void A_server_that_was_not_measured_has_no_value()
    {
        var rows = ResultRow.From(Samples.Reports(new BenchOptions()));
        var tickLatency = Assert.Single(rows, r => r.Scenario.StartsWith("tick", StringComparison.Ordinal) && r.Metric.Key == "latency_p99_us");
        Assert.Equal(812.3, tickLatency.ActorWs);
        Assert.Null(tickLatency.Kestrel);
        Assert.Null(tickLatency.Ratio);
    }
}
