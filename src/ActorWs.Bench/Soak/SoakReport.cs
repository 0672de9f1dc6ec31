using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ActorWs.Bench.Soak;

/// <summary>Renders a soak's result as Markdown (printed and written to soak.md) and as JSON (soak.json).</summary>
/// <remarks>Stateless; safe to call from any thread.</remarks>
public static class SoakReport
{
    /// <summary>The Markdown report.</summary>
    /// <param name="result">The run.</param>
    /// <returns>The text.</returns>
    public static string Markdown(SoakResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var o = result.Options;
        var c = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine(c, $"# ActorWs soak: {(result.Passed ? "passed" : "FAILED")}");
        md.AppendLine();
        md.AppendLine(c, $"Seed {o.Seed}; {o.Connections:N0} connections for {Duration(result.LoadDuration)} (asked {Duration(o.Duration)}), "
            + $"started {result.StartedAt:yyyy-MM-dd HH:mm:ss} UTC; warm-up {Duration(o.EffectiveWarmup)}; "
            + $"{o.FaultsPerMinute.ToString(c)} server-side faults per minute; samples every {Duration(o.SampleInterval)}; "
            + $"machine {Environment.ProcessorCount} CPUs, server on CPU {o.ServerCpus}, "
            + $"clients on {(o.ResolveClientCpus(Environment.ProcessorCount) is { Count: > 0 } cpus ? "CPU " + string.Join(",", cpus) : "any CPU")}.");
        md.AppendLine();
        md.AppendLine("## Checks");
        md.AppendLine();
        md.AppendLine("| check | result | figures |");
        md.AppendLine("| --- | --- | --- |");
        foreach (var check in result.Checks)
        {
            md.AppendLine(c, $"| {check.Name} | {(check.Passed ? "pass" : "**FAIL**")} | {check.Detail} |");
        }

        md.AppendLine();
        md.AppendLine("## Connections by kind");
        md.AppendLine();
        md.AppendLine("| kind | slots | connections opened |");
        md.AppendLine("| --- | ---: | ---: |");
        foreach (var (kind, slots) in result.Slots.Where(p => p.Value > 0))
        {
            var name = SoakOptionsParser.Name(kind);
            md.AppendLine(c, $"| {name} | {slots:N0} | {result.Counters.Get($"{name}.connects"):N0} |");
        }

        md.AppendLine();
        md.AppendLine("## Server");
        md.AppendLine();
        var warm = result.Samples.Where(s => s.Seconds >= o.EffectiveWarmup.TotalSeconds).ToList();
        md.AppendLine("| | baseline | after warm-up | peak | end of load | drained |");
        md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        var last = result.Samples[^1];
        var first = warm.Count > 0 ? warm[0] : last;
        md.AppendLine(c, $"| RSS (MiB) | {Mib(result.Baseline.RssKib)} | {Mib(first.RssKib)} | {Mib(result.Samples.Max(s => s.RssKib))} | {Mib(last.RssKib)} | {Mib(result.Final.RssKib)} |");
        md.AppendLine(c, $"| descriptors | {result.Baseline.Descriptors} | {first.Descriptors} | {result.Samples.Max(s => s.Descriptors)} | {last.Descriptors} | {result.Final.Descriptors} |");
        md.AppendLine(c, $"| threads | {result.Baseline.Threads} | {first.Threads} | {result.Samples.Max(s => s.Threads)} | {last.Threads} | {result.Final.Threads} |");
        foreach (var (metric, label) in new[] { (ServerSample.GcHeapMetric, "GC heap after the last collection (MiB)"), (ServerSample.GcCommittedMetric, "GC committed (MiB)") })
        {
            md.AppendLine(c, $"| {label} | {MibOf(result.Baseline, metric)} | {MibOf(first, metric)} | {MibOf(result.Samples.MaxBy(s => s.Metrics.GetValueOrDefault(metric))!, metric)} | {MibOf(last, metric)} | {MibOf(result.Final, metric)} |");
        }

        foreach (var metric in ServerSample.KeptMetrics.Except([ServerSample.GcHeapMetric, ServerSample.GcCommittedMetric, ServerSample.GcPauseMetric]))
        {
            md.AppendLine(c, $"| {metric} | {M(result.Baseline, metric)} | {M(first, metric)} | {result.Samples.Max(s => s.Metrics.GetValueOrDefault(metric)).ToString(c)} | {M(last, metric)} | {M(result.Final, metric)} |");
        }

        md.AppendLine();
        // Files are listed as one figure: the runtime maps every assembly it loads (two descriptors each), which says nothing about connections.
        var nonFiles = result.BaselineDescriptorKinds.Keys.Union(result.FinalDescriptorKinds.Keys).Where(k => !k.StartsWith('/')).Order(StringComparer.Ordinal);
        md.AppendLine(c, $"Descriptors by kind, before → after: {string.Join(", ", nonFiles.Select(k => $"{k} {result.BaselineDescriptorKinds.GetValueOrDefault(k)} → {result.FinalDescriptorKinds.GetValueOrDefault(k)}"))}, "
            + $"files {result.BaselineDescriptorKinds.Where(k => k.Key.StartsWith('/')).Sum(k => k.Value)} → {result.FinalDescriptorKinds.Where(k => k.Key.StartsWith('/')).Sum(k => k.Value)}.");
        md.AppendLine();
        md.AppendLine(CpuLine(result));
        md.AppendLine();
        md.AppendLine("## Memory after the warm-up");
        md.AppendLine();
        md.AppendLine("Growing only when the Theil–Sen slope (median of the pairwise slopes) exceeds the limit **and** the last third's median exceeds "
            + "the first third's by more than the larger of the limit's growth between the two thirds and twice the noise (robust spread around the line).");
        md.AppendLine();
        md.AppendLine("| series | samples | span (min) | Theil–Sen (KiB/min) | least squares (KiB/min) | first third (MiB) | last third (MiB) | growth (MiB) | noise (MiB) | allowed (MiB) | slowest visible leak (KiB/min) | verdict |");
        md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        TrendRow(md, "RSS", result.RssTrend);
        if (result.GcHeapTrend is { } heapTrend)
        {
            TrendRow(md, "GC heap", heapTrend);
        }
        else
        {
            md.AppendLine(c, $"| GC heap | not sampled (the server's /metrics has no {ServerSample.GcHeapMetric}) | | | | | | | | | | |");
        }
        md.AppendLine();
        md.AppendLine("## Counters");
        md.AppendLine();
        md.AppendLine("| counter | value |");
        md.AppendLine("| --- | ---: |");
        foreach (var (name, value) in result.Counters.Counters)
        {
            md.AppendLine(c, $"| {name} | {value:N0} |");
        }

        md.AppendLine();
        md.AppendLine("## Problems");
        md.AppendLine();
        var problems = result.Counters.AllProblems;
        if (problems.Count == 0)
        {
            md.AppendLine("None.");
        }

        foreach (var (kind, count, details) in problems)
        {
            md.AppendLine(c, $"- **{kind}**: {count:N0}");
            foreach (var detail in details)
            {
                md.AppendLine(c, $"  - {detail.ReplaceLineEndings(" ")}");
            }
        }

        md.AppendLine();
        md.AppendLine("## Server log");
        md.AppendLine();
        md.AppendLine(c, $"{result.Log.ErrorCount} errors, {result.Log.InjectedErrorCount} errors caused by the injected faults, {result.Log.WarningCount} warnings.");
        foreach (var error in result.Log.Errors)
        {
            md.AppendLine();
            md.AppendLine("```");
            md.AppendLine(error);
            md.AppendLine("```");
        }

        foreach (var (warning, count) in result.Log.Warnings.Take(10))
        {
            md.AppendLine(c, $"- {count:N0} × `{warning.Trim()}…`");
        }

        return md.ToString();
    }

    /// <summary>The JSON report: options, checks, counters, problems, every sample.</summary>
    /// <param name="result">The run.</param>
    /// <returns>The text.</returns>
    public static string Json(SoakResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            var o = result.Options;
            w.WriteStartObject();
            w.WriteBoolean("passed", result.Passed);
            w.WriteNumber("seed", o.Seed);
            w.WriteNumber("connections", o.Connections);
            w.WriteNumber("durationSeconds", o.Duration.TotalSeconds);
            w.WriteNumber("loadSeconds", result.LoadDuration.TotalSeconds);
            w.WriteNumber("warmupSeconds", o.EffectiveWarmup.TotalSeconds);
            w.WriteNumber("faultsPerMinute", o.FaultsPerMinute);
            w.WriteString("startedAt", result.StartedAt);
            w.WriteStartObject("slots");
            foreach (var (kind, slots) in result.Slots)
            {
                w.WriteNumber(SoakOptionsParser.Name(kind), slots);
            }

            w.WriteEndObject();
            w.WriteStartArray("checks");
            foreach (var check in result.Checks)
            {
                w.WriteStartObject();
                w.WriteString("name", check.Name);
                w.WriteBoolean("passed", check.Passed);
                w.WriteString("detail", check.Detail);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            WriteTrend(w, "rssTrend", result.RssTrend);
            if (result.GcHeapTrend is { } heapTrend)
            {
                WriteTrend(w, "gcHeapTrend", heapTrend);
            }
            else
            {
                w.WriteNull("gcHeapTrend");
            }

            w.WriteStartObject("counters");
            foreach (var (name, value) in result.Counters.Counters)
            {
                w.WriteNumber(name, value);
            }

            w.WriteEndObject();
            w.WriteStartObject("problems");
            foreach (var (kind, count, details) in result.Counters.AllProblems)
            {
                w.WriteStartObject(kind);
                w.WriteNumber("count", count);
                w.WriteStartArray("examples");
                foreach (var detail in details)
                {
                    w.WriteStringValue(detail);
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndObject();
            w.WriteStartObject("log");
            w.WriteNumber("errors", result.Log.ErrorCount);
            w.WriteNumber("injectedErrors", result.Log.InjectedErrorCount);
            w.WriteNumber("warnings", result.Log.WarningCount);
            w.WriteStartArray("errorExamples");
            foreach (var error in result.Log.Errors)
            {
                w.WriteStringValue(error);
            }

            w.WriteEndArray();
            w.WriteEndObject();
            if (result.ServerExitCode is { } exit)
            {
                w.WriteNumber("serverExitCode", exit);
            }
            else
            {
                w.WriteNull("serverExitCode");
            }

            WriteKinds(w, "baselineDescriptorKinds", result.BaselineDescriptorKinds);
            WriteKinds(w, "finalDescriptorKinds", result.FinalDescriptorKinds);
            w.WritePropertyName("final");
            WriteSample(w, result.Final);
            w.WriteStartArray("samples");
            foreach (var sample in result.Samples)
            {
                WriteSample(w, sample);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>
    /// How much CPU the server used and how long it waited for one (the machine is shared: a server starved of CPU times
    /// its clients out, which says nothing about the server), and how long its collector paused it.
    /// </summary>
    /// <param name="result">The run.</param>
    /// <returns>One paragraph.</returns>
    public static string CpuLine(SoakResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var c = CultureInfo.InvariantCulture;
        var samples = result.Samples;
        var span = samples[^1].Seconds - samples[0].Seconds;
        var (cpu, _) = Growth(samples.Select(s => s.CpuSeconds));
        var (wait, waitStep) = Growth(samples.Select(s => s.RunQueueWaitSeconds));
        var (pause, pauseStep) = Growth(samples.Select(s => s.Metrics.TryGetValue(ServerSample.GcPauseMetric, out var p) ? p : (double?)null));
        var text = new StringBuilder("Server CPU over the load: ");
        text.Append(cpu is { } used ? string.Create(c, $"{used:0} s in {span:0} s ({used / Math.Max(span, 1e-9) * 100:0} % of one core)") : "not read");
        text.Append(wait is { } w
            ? string.Create(c, $"; its threads waited {w:0.0} s in all for a CPU while runnable (the most in one {result.Options.SampleInterval.TotalSeconds:0.#} s interval: {waitStep:0.0} s)")
            : "; run-queue wait not read");
        text.Append(pause is { } p
            ? string.Create(c, $"; the GC paused it {p:0.00} s in all (the most in one interval: {pauseStep:0.00} s).")
            : "; GC pauses not reported.");
        text.Append(string.Create(c, $" Machine load average at the end: {LoadAverage()}."));
        return text.ToString();
    }

    /// <summary>From the first reading to the last of a cumulative figure, and its largest rise between two readings.</summary>
    private static (double? Total, double MaxStep) Growth(IEnumerable<double?> cumulative)
    {
        var values = cumulative.Where(v => v is not null).Select(v => v!.Value).ToList();
        if (values.Count < 2)
        {
            return (null, 0);
        }

        var maxStep = values.Zip(values.Skip(1), (a, b) => b - a).Max();
        return (values[^1] - values[0], Math.Max(0, maxStep));
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "unknown";
        }
    }

    private static void TrendRow(StringBuilder md, string name, MemoryTrendResult t)
    {
        var c = CultureInfo.InvariantCulture;
        if (t.Verdict == MemoryVerdict.TooFewSamples)
        {
            md.AppendLine(c, $"| {name} | {t.Samples} | {t.SpanMinutes:0.0} | | | | | | | | | too few samples (fewer than {MemoryTrend.MinSamples}) |");
            return;
        }

        var verdict = t.Verdict switch
        {
            MemoryVerdict.Growing => "**growing**",
            MemoryVerdict.Flat => "flat",
            _ => "flat within the noise (too short to vouch for the limit)",
        };
        md.AppendLine(c, $"| {name} | {t.Samples} | {t.SpanMinutes:0.0} | {t.TheilSenPerMinute:0} | {t.LeastSquaresPerMinute:0} | {t.FirstThirdMedian / 1024:0.0} | {t.LastThirdMedian / 1024:0.0} | "
            + $"{t.Growth / 1024:+0.0;-0.0;0.0} | {t.Noise / 1024:0.0} | {t.AllowedGrowth / 1024:0.0} | {t.ResolvableSlopePerMinute:0} | {verdict} |");
    }

    private static void WriteTrend(Utf8JsonWriter w, string name, MemoryTrendResult t)
    {
        static double R(double v) => double.IsFinite(v) ? Math.Round(v, 2) : 0;
        w.WriteStartObject(name);
        w.WriteString("verdict", t.Verdict.ToString());
        w.WriteBoolean("passed", t.Passed);
        w.WriteNumber("samples", t.Samples);
        w.WriteNumber("spanMinutes", R(t.SpanMinutes));
        if (t.Verdict != MemoryVerdict.TooFewSamples)
        {
            w.WriteNumber("theilSenKibPerMinute", R(t.TheilSenPerMinute));
            w.WriteNumber("leastSquaresKibPerMinute", R(t.LeastSquaresPerMinute));
            w.WriteNumber("firstThirdMedianKib", R(t.FirstThirdMedian));
            w.WriteNumber("lastThirdMedianKib", R(t.LastThirdMedian));
            w.WriteNumber("growthKib", R(t.Growth));
            w.WriteNumber("thirdsMinutesApart", R(t.ThirdsMinutesApart));
            w.WriteNumber("noiseKib", R(t.Noise));
            w.WriteNumber("allowedGrowthKib", R(t.AllowedGrowth));
            w.WriteNumber("resolvableSlopeKibPerMinute", R(t.ResolvableSlopePerMinute));
        }

        w.WriteNumber("limitKibPerMinute", R(t.LimitPerMinute));
        w.WriteEndObject();
    }

    private static void WriteSample(Utf8JsonWriter w, ServerSample sample)
    {
        w.WriteStartObject();
        w.WriteNumber("seconds", Math.Round(sample.Seconds, 3));
        if (sample.CpuSeconds is { } cpu)
        {
            w.WriteNumber("cpuSeconds", Math.Round(cpu, 3));
        }

        if (sample.RunQueueWaitSeconds is { } wait)
        {
            w.WriteNumber("runQueueWaitSeconds", Math.Round(wait, 3));
        }

        WriteOptional(w, "rssKib", sample.RssKib);
        WriteOptional(w, "threads", sample.Threads);
        WriteOptional(w, "descriptors", sample.Descriptors);
        foreach (var (name, value) in sample.Metrics)
        {
            w.WriteNumber(name, value);
        }

        w.WriteEndObject();
    }

    private static void WriteKinds(Utf8JsonWriter w, string name, IReadOnlyDictionary<string, int> kinds)
    {
        w.WriteStartObject(name);
        foreach (var (kind, count) in kinds)
        {
            w.WriteNumber(kind, count);
        }

        w.WriteEndObject();
    }

    private static void WriteOptional(Utf8JsonWriter w, string name, long? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static string Mib(long? kib) => kib is { } k ? (k / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) : "—";

    private static string MibOf(ServerSample sample, string metric) =>
        sample.Metrics.TryGetValue(metric, out var bytes) ? (bytes / (1024 * 1024)).ToString("0.0", CultureInfo.InvariantCulture) : "—";

    private static string M(ServerSample sample, string metric) =>
        sample.Metrics.TryGetValue(metric, out var v) ? v.ToString(CultureInfo.InvariantCulture) : "—";

    private static string Duration(TimeSpan span) =>
        span.TotalHours >= 1 ? span.TotalHours.ToString("0.##", CultureInfo.InvariantCulture) + " h"
        : span.TotalMinutes >= 1 ? span.TotalMinutes.ToString("0.##", CultureInfo.InvariantCulture) + " min"
        : span.TotalSeconds.ToString("0.##", CultureInfo.InvariantCulture) + " s";
}
