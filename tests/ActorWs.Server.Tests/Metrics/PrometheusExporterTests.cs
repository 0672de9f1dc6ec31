using System.Diagnostics.Metrics;
using ActorWs.Server.Metrics;
using Xunit;

namespace ActorWs.Server.Tests.Metrics;

public sealed class PrometheusExporterTests
{
    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void Counters_AreSummedPerTagSet_WithTotalSuffixAndSortedLabels()
    {
        string meterName = "test." + Guid.NewGuid().ToString("N");
        using var meter = new Meter(meterName);
        using var exporter = new PrometheusExporter(meterName);
        var failures = meter.CreateCounter<long>("actorws.handshake.failures", description: "Failed handshakes.");
        failures.Add(2, new KeyValuePair<string, object?>("status", 400));
        failures.Add(1, new KeyValuePair<string, object?>("status", 426));
        failures.Add(3, new KeyValuePair<string, object?>("status", 400));
        failures.Add(1, new KeyValuePair<string, object?>("z", "a\"b"), new KeyValuePair<string, object?>("a", "x"));

        var lines = Lines(exporter.Scrape());
        Assert.Contains("# HELP actorws_handshake_failures_total Failed handshakes.", lines);
        Assert.Contains("# TYPE actorws_handshake_failures_total counter", lines);
        Assert.Contains("actorws_handshake_failures_total{status=\"400\"} 5", lines);
        Assert.Contains("actorws_handshake_failures_total{status=\"426\"} 1", lines);
        Assert.Contains("actorws_handshake_failures_total{a=\"x\",z=\"a\\\"b\"} 1", lines);
    }

    [Fact]
    public void ServerInstruments_ShowTheirValues_AndGaugesAreReadAtScrapeTime()
    {
        using var metrics = new ActorWsMetrics();
        using var exporter = new PrometheusExporter(ActorWsMetrics.MeterName);
        metrics.ConnectionsAccepted.Add(3);
        metrics.ConnectionOpened();
        metrics.ConnectionOpened();
        metrics.ConnectionClosed();
        long deadLetters = 7;
        metrics.AddGauge("actorws.actors.dead_letters", "{message}", "Dead letters.", () => deadLetters);

        var first = Lines(exporter.Scrape());
        Assert.Contains("actorws_connections_accepted_total 3", first);
        Assert.Contains("actorws_connections_open 1", first);
        Assert.Contains("# TYPE actorws_connections_open gauge", first);
        Assert.Contains("actorws_actors_dead_letters 7", first);

        deadLetters = 9;
        Assert.Contains("actorws_actors_dead_letters 9", Lines(exporter.Scrape()));
    }

    [Fact]
    public void Histograms_HaveCumulativeBuckets_SumAndCount()
    {
        string meterName = "test." + Guid.NewGuid().ToString("N");
        using var meter = new Meter(meterName);
        using var exporter = new PrometheusExporter(meterName);
        var latency = meter.CreateHistogram<double>("delivery.latency");
        latency.Record(0.003);
        latency.Record(0.7);
        latency.Record(20000);

        var lines = Lines(exporter.Scrape());
        Assert.Contains("# TYPE delivery_latency histogram", lines);
        Assert.Contains("delivery_latency_bucket{le=\"0.001\"} 0", lines);
        Assert.Contains("delivery_latency_bucket{le=\"0.005\"} 1", lines);
        Assert.Contains("delivery_latency_bucket{le=\"1\"} 2", lines);
        Assert.Contains("delivery_latency_bucket{le=\"5000\"} 2", lines);
        Assert.Contains("delivery_latency_bucket{le=\"+Inf\"} 3", lines);
        Assert.Contains("delivery_latency_count 3", lines);
        Assert.Contains(lines, l => l.StartsWith("delivery_latency_sum 20000.70", StringComparison.Ordinal));
    }

    [Fact]
    public void OtherMeters_AreNotExported()
    {
        string mine = "test." + Guid.NewGuid().ToString("N");
        using var other = new Meter("other." + Guid.NewGuid().ToString("N"));
        using var exporter = new PrometheusExporter(mine);
        other.CreateCounter<long>("secret").Add(1);
        Assert.DoesNotContain("secret", exporter.Scrape());
    }

    [Theory]
    [InlineData("actorws.bytes.received", "actorws_bytes_received")]
    [InlineData("a-b/c", "a_b_c")]
    [InlineData("9lives", "_9lives")]
    public void MetricNames_UseOnlyPrometheusCharacters(string name, string expected)
    {
        Assert.Equal(expected, PrometheusExporter.MetricName(name));
    }
}
