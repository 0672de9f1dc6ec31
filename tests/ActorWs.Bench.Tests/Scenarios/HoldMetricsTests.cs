using ActorWs.Bench.Cli;
using ActorWs.Bench.Scenarios;
using ActorWs.Bench.Tests.Support;
using Xunit;

namespace ActorWs.Bench.Tests.Scenarios;

public class HoldMetricsTests
{
    private const long MiB = 1024 * 1024;

    private static readonly ActorWs.Bench.LoadGeneration.LoadGenRecord Result = Samples.Record(
        "result mode=hold connections=10000 open=10000 held_open=10000 conns_per_sec=9014.9 handshake_p99_us=55312.4"
        + " opened=10000 err_connect=1 err_handshake=2 err_protocol=0 err_closed=3 err_timeout=4 aborted=7 closed_clean=9990"
        + " deflate_offered=1 deflate_agreed=8000 deflate_declined=2000 deflate_server_no_takeover=2000 compressed_messages=0");

    [Fact]
    public void Memory_per_idle_connection_is_the_rss_growth_over_the_connections_still_open()
    {
        var metrics = HoldScenario.ComputeMetrics(Result, 100 * MiB, 120 * MiB, TimeSpan.FromSeconds(2), offeredDeflate: false);
        Assert.Equal(20.0 * 1024 / 10_000, metrics["kib_per_idle_connection"], 9);
        Assert.Equal(100, metrics["server_rss_baseline_mib"]);
        Assert.Equal(120, metrics["server_rss_idle_mib"]);
        Assert.Equal(200, metrics["server_cpu_us_per_connection"], 9);
        Assert.Equal(9014.9, metrics["conns_per_sec"]);
        Assert.Equal(55312.4, metrics["handshake_p99_us"]);
    }

    [Fact]
    public void Errors_are_the_connection_failures_only()
    {
        var metrics = HoldScenario.ComputeMetrics(Result, null, null, null, offeredDeflate: false);
        Assert.Equal(10, metrics["errors"]);
    }

    [Fact]
    public void Without_both_memory_readings_there_is_no_memory_figure()
    {
        var metrics = HoldScenario.ComputeMetrics(Result, 100 * MiB, null, null, offeredDeflate: false);
        Assert.False(metrics.ContainsKey("kib_per_idle_connection"));
        Assert.False(metrics.ContainsKey("server_cpu_us_per_connection"));
    }

    [Fact]
    public void Deflate_shares_are_reported_only_when_compression_was_offered()
    {
        Assert.False(HoldScenario.ComputeMetrics(Result, null, null, null, offeredDeflate: false).ContainsKey("deflate_agreed_pct"));
        var metrics = HoldScenario.ComputeMetrics(Result, null, null, null, offeredDeflate: true);
        Assert.Equal(80, metrics["deflate_agreed_pct"]);
        Assert.Equal(25, metrics["deflate_server_no_takeover_pct"]);
    }

    [Fact]
    public void The_deflate_variant_passes_the_offer_and_has_its_own_kind_rows_and_note()
    {
        var plain = Scenario.For(ScenarioKind.Hold);
        var deflate = Scenario.For(ScenarioKind.HoldDeflate);
        Assert.Equal(ScenarioKind.HoldDeflate, deflate.Kind);
        Assert.Null(plain.Note);
        Assert.NotNull(deflate.Note);
        Assert.Equal(plain.Metrics, deflate.Metrics.Take(plain.Metrics.Count));
        Assert.Contains(deflate.Metrics, m => m.Key == "deflate_agreed_pct");
        Assert.DoesNotContain(plain.Metrics, m => m.Key == "deflate_agreed_pct");
        Assert.True(deflate.Supports(ServerKind.Kestrel));
    }
}
