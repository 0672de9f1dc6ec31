using ActorWs.Bench.Cli;
using ActorWs.Bench.Scenarios;

namespace ActorWs.Bench.Reporting;

/// <summary>One line of the comparison table.</summary>
/// <param name="Scenario">The scenario and its parameters, e.g. <c>echo (100 connections × 32 B)</c>.</param>
/// <param name="Metric">The metric's definition.</param>
/// <param name="ActorWs">ActorWs's value, or null when not measured or not computable.</param>
/// <param name="Kestrel">Kestrel's value, or null.</param>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record ResultRow(string Scenario, MetricDefinition Metric, double? ActorWs, double? Kestrel)
{
    /// <summary>ActorWs ÷ Kestrel, or null when either is missing or Kestrel's value is zero.</summary>
    public double? Ratio => ActorWs is { } a && Kestrel is { } k && k != 0 ? a / k : null;

    /// <summary>Builds the table rows for every scenario, in scenario then metric order.</summary>
    /// <param name="reports">The scenario results.</param>
    /// <returns>The rows.</returns>
    public static IReadOnlyList<ResultRow> From(IEnumerable<ScenarioReport> reports)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var rows = new List<ResultRow>();
        foreach (var report in reports)
        {
            var title = $"{ScenarioNames.Name(report.Scenario)} ({report.Description})";
            foreach (var metric in report.Metrics)
            {
                rows.Add(new ResultRow(title, metric, Value(report, ServerKind.ActorWs, metric), Value(report, ServerKind.Kestrel, metric)));
            }
        }

        return rows;
    }

    private static double? Value(ScenarioReport report, ServerKind server, MetricDefinition metric) =>
        report.RunFor(server)?.Metrics.TryGetValue(metric.Key, out var value) == true ? value : null;
}
