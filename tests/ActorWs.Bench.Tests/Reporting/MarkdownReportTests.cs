using ActorWs.Bench.Cli;
using ActorWs.Bench.Reporting;
using ActorWs.Bench.Tests.Support;
using Xunit;

namespace ActorWs.Bench.Tests.Reporting;

public class MarkdownReportTests
{
    private static readonly string Text = MarkdownReport.Render(Samples.Machine, new BenchOptions(), Samples.Reports(new BenchOptions()));

    private static string Line(string startsWith) =>
        Assert.Single(Text.Split('\n'), l => l.StartsWith(startsWith, StringComparison.Ordinal));

    [Fact]
    public void The_header_names_the_machine_and_the_timing_of_every_scenario_kind()
    {
        Assert.Contains("- machine: 2 logical CPUs, Test CPU; Linux 6.1.0; .NET 10.0.0; load average 0.50 0.40 0.30; 2026-11-22 06:00 UTC", Text, StringComparison.Ordinal);
        Assert.Contains("tick warms up 5 s", Text, StringComparison.Ordinal);
        Assert.Contains("fairness: quiet, then flooded", Text, StringComparison.Ordinal);
        Assert.DoesNotContain("not a measurement", Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Values_have_thousands_separators_and_the_ratio_two_decimals()
    {
        Assert.Equal(
            "| echo (100 connections × 32 B) | throughput (msg/s) | higher | 104,000 | 52,000 | 2.00× |",
            Line("| echo (100 connections × 32 B) | throughput").TrimEnd('\r'));
    }

    [Fact]
    public void A_server_not_measured_shows_a_dash_and_the_reason_is_noted_under_the_table()
    {
        Assert.Equal(
            "| tick (100 clients in one room, 30 Hz × 256 B; ActorWs only) | delivery latency p99 (µs) | lower | 812 | — | — |",
            Line("| tick (100 clients in one room, 30 Hz × 256 B; ActorWs only) | delivery latency p99").TrimEnd('\r'));
        Assert.Contains("Note — tick: ActorWs only. Kestrel has no room toolkit", Text, StringComparison.Ordinal);
        Assert.Contains("Note — hold-deflate: every handshake offers", Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Context_rows_have_no_direction()
    {
        Assert.Contains("| expected deliveries (clients × Hz, msg/s) | — |", Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Failures_are_listed_by_scenario_name_with_their_first_line_only()
    {
        Assert.Contains("## Failures", Text, StringComparison.Ordinal);
        Assert.Equal("- hold-deflate / Kestrel: Kestrel exited during the run:", Line("- hold-deflate / Kestrel").TrimEnd('\r'));
        Assert.DoesNotContain("Unhandled exception", Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_run_without_failures_or_notes_has_neither_section()
    {
        var reports = Samples.Reports(new BenchOptions()).Take(1).ToList();
        var text = MarkdownReport.Render(Samples.Machine, new BenchOptions(), reports);
        Assert.DoesNotContain("## Failures", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Note —", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Quick_runs_say_they_are_not_a_measurement()
    {
        var text = MarkdownReport.Render(Samples.Machine, BenchOptions.QuickPreset, []);
        Assert.Contains("--quick smoke test, not a measurement", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1234.5678, 2, "1,234.57")]
    [InlineData(0.0, 0, "0")]
    [InlineData(null, 1, "—")]
    public void Format_uses_the_invariant_culture_and_a_dash_for_missing(double? value, int decimals, string expected)
    {
        Assert.Equal(expected, MarkdownReport.Format(value, decimals));
    }
}
