using System.Globalization;
using System.Text;
using ActorWs.Bench.Cli;
using ActorWs.Bench.Scenarios;

namespace ActorWs.Bench.Reporting;

/// <summary>Renders the comparison as Markdown: context lines, the table, and any failures.</summary>
/// <remarks>Stateless; safe to call from any thread.</remarks>
public static class MarkdownReport
{
    /// <summary>Shown where a value is missing (not measured, failed, or not computable).</summary>
    public const string Missing = "—";

    /// <summary>Renders the report.</summary>
    /// <param name="machine">Where and when.</param>
    /// <param name="options">How the run was configured.</param>
    /// <param name="reports">The results.</param>
    /// <returns>Markdown text.</returns>
    public static string Render(MachineInfo machine, BenchOptions options, IReadOnlyList<ScenarioReport> reports)
    {
        ArgumentNullException.ThrowIfNull(machine);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(reports);
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine("# ActorWs load benchmark").AppendLine();
        text.AppendLine(c, $"- machine: {machine.Summary()}");
        text.AppendLine(c, $"- servers: {string.Join(", ", options.Servers)}, each a fresh process per scenario, workstation GC, pinned to CPU {options.ServerCpus}");
        text.AppendLine(c, $"- load generator: C, epoll, one thread, pinned to CPU {options.ClientCpus}");
        text.AppendLine(c, $"- timing: {options.WarmupSeconds:0.##} s warm-up then {options.DurationSeconds:0.##} s measured (echo, broadcast; fairness: quiet, then flooded; tick warms up {options.TickWarmupSeconds:0.##} s); memory read {options.SettleSeconds:0.##} s after connections settle (hold){(options.Quick ? "; --quick smoke test, not a measurement" : string.Empty)}");
        text.AppendLine();
        text.AppendLine("| scenario | metric | better | ActorWs | Kestrel | ActorWs/Kestrel |");
        text.AppendLine("| --- | --- | --- | ---: | ---: | ---: |");
        foreach (var row in ResultRow.From(reports))
        {
            text.AppendLine(c, $"| {row.Scenario} | {row.Metric.Label} | {Direction(row.Metric.Better)} | {Format(row.ActorWs, row.Metric.Decimals)} | {Format(row.Kestrel, row.Metric.Decimals)} | {FormatRatio(row)} |");
        }

        text.AppendLine();
        text.AppendLine("Ratio = ActorWs ÷ Kestrel, measured in the same run. Where higher is better a ratio above 1 favours ActorWs; where lower is better, a ratio below 1 does.");
        foreach (var note in reports.Select(r => r.Note).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            text.AppendLine().AppendLine(c, $"Note — {note}");
        }

        var failures = reports.SelectMany(r => r.Runs.Where(run => run.Failure is not null).Select(run => (r.Scenario, run))).ToList();
        if (failures.Count > 0)
        {
            text.AppendLine().AppendLine("## Failures").AppendLine();
            foreach (var (scenario, run) in failures)
            {
                text.AppendLine(c, $"- {ScenarioNames.Name(scenario)} / {run.Server}: {FirstLine(run.Failure!)}");
            }
        }

        return text.ToString();
    }

    /// <summary>Formats a value with thousands separators, or <see cref="Missing"/>.</summary>
    /// <param name="value">The value or null.</param>
    /// <param name="decimals">Decimals to show.</param>
    /// <returns>The text.</returns>
    public static string Format(double? value, int decimals) =>
        value is { } v ? v.ToString("N" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : Missing;

    private static string FormatRatio(ResultRow row) =>
        row.Ratio is { } ratio ? ratio.ToString("0.00", CultureInfo.InvariantCulture) + "×" : Missing;

    private static string Direction(BetterDirection better) => better switch
    {
        BetterDirection.Higher => "higher",
        BetterDirection.Lower => "lower",
        _ => Missing,
    };

    private static string FirstLine(string text)
    {
        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        return newline < 0 ? text : text[..newline];
    }
}
