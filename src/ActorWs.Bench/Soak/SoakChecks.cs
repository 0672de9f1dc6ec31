namespace ActorWs.Bench.Soak;

/// <summary>The pass/fail rules of a soak, applied to what it measured.</summary>
/// <remarks>Stateless; safe to call from any thread.</remarks>
public static class SoakChecks
{
    /// <summary>Problems that are a message lost, duplicated, reordered or corrupted.</summary>
    public static readonly string[] MessageProblems = ["loss", "duplicate_or_reorder", "corrupt"];

    /// <summary>Problems that are a connection closed (or dropped) other than as expected.</summary>
    public static readonly string[] CloseProblems = ["unexpected_close", "unexpected_drop"];

    /// <summary>
    /// Whether the server is back where it started: no more sockets, pipes or other non-file descriptors (by kind, see
    /// <see cref="ServerSample.ReadDescriptorKinds"/>) and no more open connections than before the load, and no session alive.
    /// Descriptors of files are left out: the runtime keeps the assemblies (and symbol files) it loaded lazily open, once,
    /// which is not a leak. Without kinds (unreadable) every descriptor counts.
    /// </summary>
    /// <param name="sample">The current reading.</param>
    /// <param name="kinds">The current descriptors by kind.</param>
    /// <param name="baseline">The reading before the load.</param>
    /// <param name="baselineKinds">The descriptors by kind before the load.</param>
    /// <returns>True when drained.</returns>
    public static bool Drained(ServerSample sample, IReadOnlyDictionary<string, int> kinds, ServerSample baseline, IReadOnlyDictionary<string, int> baselineKinds)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(kinds);
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(baselineKinds);
        var descriptorsBack = kinds.Count > 0 && baselineKinds.Count > 0
            ? GrownDescriptorKinds(kinds, baselineKinds).Count == 0
            : sample.Descriptors is { } fds && baseline.Descriptors is { } before && fds <= before;
        // Connections open counts HTTP ones too, so the scrape that reads it is one of them: compare with the baseline's, read the same way.
        return descriptorsBack
            && sample.Metrics.TryGetValue("actorws_connections_open", out var open)
            && baseline.Metrics.TryGetValue("actorws_connections_open", out var openBefore) && open <= openBefore
            && sample.Metrics.GetValueOrDefault("actorws_sessions_active", -1) == 0;
    }

    /// <summary>The non-file descriptor kinds (sockets, pipes, anonymous inodes) there are more of than before, with both counts.</summary>
    /// <param name="kinds">Now.</param>
    /// <param name="baselineKinds">Before.</param>
    /// <returns>Kind, before, now.</returns>
    public static IReadOnlyList<(string Kind, int Before, int Now)> GrownDescriptorKinds(IReadOnlyDictionary<string, int> kinds, IReadOnlyDictionary<string, int> baselineKinds)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        ArgumentNullException.ThrowIfNull(baselineKinds);
        return kinds.Where(k => !k.Key.StartsWith('/') && k.Value > baselineKinds.GetValueOrDefault(k.Key))
            .Select(k => (k.Key, baselineKinds.GetValueOrDefault(k.Key), k.Value))
            .ToList();
    }

    /// <summary>Applies every rule.</summary>
    /// <param name="result">The run (its <see cref="SoakResult.Checks"/> are ignored).</param>
    /// <returns>The checks, in report order.</returns>
    public static IReadOnlyList<SoakCheck> Evaluate(SoakResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var counters = result.Counters;
        var checks = new List<SoakCheck>();

        var messageProblems = MessageProblems.Sum(counters.Problems);
        var checkedMessages = counters.Get("echo.messages_checked") + counters.Get("room.deliveries_checked") + counters.Get("room.seq_checked");
        var wellBehaved = result.Slots.GetValueOrDefault(SoakClientKind.Echo) + result.Slots.GetValueOrDefault(SoakClientKind.Room);
        checks.Add(new SoakCheck(
            "no accepted message lost, duplicated or reordered",
            messageProblems == 0 && (wellBehaved == 0 || checkedMessages > 0),
            $"{counters.Problems("loss")} lost, {counters.Problems("duplicate_or_reorder")} duplicated or reordered, {counters.Problems("corrupt")} corrupt; "
            + $"{counters.Get("echo.messages_checked")} echoes, {counters.Get("room.deliveries_checked")} room deliveries and {counters.Get("room.seq_checked")} session sequence numbers checked"));

        var closeProblems = CloseProblems.Sum(counters.Problems);
        checks.Add(new SoakCheck(
            "every close had the expected code",
            closeProblems == 0,
            $"{counters.Problems("unexpected_close")} unexpected closes, {counters.Problems("unexpected_drop")} well-behaved connections dropped"));

        var other = counters.AllProblems.Where(p => !MessageProblems.Contains(p.Kind) && !CloseProblems.Contains(p.Kind)).ToList();
        var resumes = counters.Get("room.resumes");
        var late = counters.Get("room.resumes_refused_late");
        // Resumes refused after the reconnection window are the server doing its job, but a run where none came back in time
        // did not check resume at all.
        var resumeUnexercised = resumes == 0 && late > 0;
        var otherDetail = other.Count == 0 ? "no other problem" : string.Join(", ", other.Select(p => $"{p.Count} {p.Kind}"));
        checks.Add(new SoakCheck(
            "every connect, join, request and resume answered as the protocol says",
            other.Count == 0 && !resumeUnexercised,
            otherDetail + $"; {resumes} resumes accepted, {late} refused after the {result.Options.ReconnectionWindow.TotalSeconds:0} s reconnection window (late, not counted)"
            + (resumeUnexercised ? "; no resume came back within the window, so resume was not exercised" : "")));

        checks.Add(new SoakCheck("RSS flat after warm-up", result.RssTrend.Passed, Describe("RSS", result.RssTrend, result.Options.EffectiveWarmup)));
        if (result.GcHeapTrend is { } heap)
        {
            checks.Add(new SoakCheck("GC heap flat after warm-up", heap.Passed, Describe("GC heap after the last collection", heap, result.Options.EffectiveWarmup)));
        }

        var grown = GrownDescriptorKinds(result.FinalDescriptorKinds, result.BaselineDescriptorKinds);
        checks.Add(new SoakCheck(
            "descriptors back to the baseline, no connection or session left",
            Drained(result.Final, result.FinalDescriptorKinds, result.Baseline, result.BaselineDescriptorKinds),
            $"descriptors {result.Baseline.Descriptors} before, {result.Final.Descriptors} after"
            + $" ({Sum(result.BaselineDescriptorKinds, file: false)} → {Sum(result.FinalDescriptorKinds, file: false)} sockets, pipes and other non-files"
            + (grown.Count == 0 ? "" : ": " + string.Join(", ", grown.Select(g => $"{g.Kind} {g.Before} → {g.Now}")))
            + $"; {Sum(result.BaselineDescriptorKinds, file: true)} → {Sum(result.FinalDescriptorKinds, file: true)} files the runtime mapped); "
            + $"connections open {Metric(result.Final, "actorws_connections_open")}, sessions alive {Metric(result.Final, "actorws_sessions_active")}"));

        checks.Add(new SoakCheck(
            "no error in the server's log",
            result.Log.ErrorCount == 0,
            $"{result.Log.ErrorCount} errors ({result.Log.InjectedErrorCount} more caused by injected faults, expected), {result.Log.WarningCount} warnings"));

        checks.Add(new SoakCheck(
            "the server ran throughout and stopped cleanly on SIGTERM",
            result.ServerExitCode == 0,
            result.ServerExitCode is { } code ? $"exit code {code}" : "did not exit within the grace period and was killed"));
        return checks;
    }

    /// <summary>The RSS samples after the warm-up, as (seconds, KiB).</summary>
    /// <param name="samples">Every sample.</param>
    /// <param name="warmup">What to leave out.</param>
    /// <returns>The series.</returns>
    public static IReadOnlyList<(double Seconds, double Value)> RssSeries(IEnumerable<ServerSample> samples, TimeSpan warmup)
    {
        ArgumentNullException.ThrowIfNull(samples);
        return samples.Where(s => s.Seconds >= warmup.TotalSeconds && s.RssKib is not null).Select(s => (s.Seconds, (double)s.RssKib!.Value)).ToList();
    }

    /// <summary>The GC heap samples after the warm-up, as (seconds, KiB); empty when the server did not report the heap.</summary>
    /// <param name="samples">Every sample.</param>
    /// <param name="warmup">What to leave out.</param>
    /// <returns>The series.</returns>
    public static IReadOnlyList<(double Seconds, double Value)> GcHeapSeries(IEnumerable<ServerSample> samples, TimeSpan warmup)
    {
        ArgumentNullException.ThrowIfNull(samples);
        return samples.Where(s => s.Seconds >= warmup.TotalSeconds && s.GcHeapKib is not null).Select(s => (s.Seconds, s.GcHeapKib!.Value)).ToList();
    }

    /// <summary>The memory trends of a run: RSS, and the GC heap when any sample carries it.</summary>
    /// <param name="samples">Every sample.</param>
    /// <param name="options">The warm-up and the limits.</param>
    /// <returns>The RSS trend and the GC heap's (null when not sampled).</returns>
    public static (MemoryTrendResult Rss, MemoryTrendResult? GcHeap) Trends(IReadOnlyList<ServerSample> samples, SoakOptions options)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(options);
        var rss = MemoryTrend.Analyze(RssSeries(samples, options.EffectiveWarmup), options.MaxRssSlopeKibPerMinute);
        var heapSeries = GcHeapSeries(samples, options.EffectiveWarmup);
        return (rss, samples.Any(s => s.GcHeapKib is not null) ? MemoryTrend.Analyze(heapSeries, options.MaxGcHeapSlopeKibPerMinute) : null);
    }

    /// <summary>One line with the figures behind a memory verdict (KiB series, shown in MiB).</summary>
    /// <param name="what">The series' name.</param>
    /// <param name="trend">Its analysis.</param>
    /// <param name="warmup">The warm-up left out.</param>
    /// <returns>The text.</returns>
    public static string Describe(string what, MemoryTrendResult trend, TimeSpan warmup)
    {
        ArgumentNullException.ThrowIfNull(trend);
        var c = System.Globalization.CultureInfo.InvariantCulture;
        if (trend.Verdict == MemoryVerdict.TooFewSamples)
        {
            return string.Create(c, $"{what}: {trend.Samples} samples over {trend.SpanMinutes:0.0} min after the {warmup.TotalSeconds:0} s warm-up, fewer than the {MemoryTrend.MinSamples} needed to judge a trend");
        }

        var verdict = trend.Verdict switch
        {
            MemoryVerdict.Growing => "GROWING",
            MemoryVerdict.Flat => "flat",
            _ => string.Create(c, $"flat within the noise (too short to vouch for the limit: a leak slower than {Mib(trend.ResolvableSlopePerMinute)} MiB/min would not show)"),
        };
        return string.Create(c,
            $"{what} {verdict}: Theil–Sen slope {trend.TheilSenPerMinute:0} KiB/min (least squares {trend.LeastSquaresPerMinute:0}; limit {trend.LimitPerMinute:0}); "
            + $"median {Mib(trend.FirstThirdMedian)} MiB in the first third, {Mib(trend.LastThirdMedian)} MiB in the last ({(trend.Growth >= 0 ? "+" : "")}{Mib(trend.Growth)} MiB; "
            + $"allowed +{Mib(trend.AllowedGrowth)} MiB, the larger of the limit over {trend.ThirdsMinutesApart:0.0} min and {MemoryTrend.NoiseFactor:0} × the noise of {Mib(trend.Noise)} MiB); "
            + $"{trend.Samples} samples over {trend.SpanMinutes:0.0} min after the {warmup.TotalSeconds:0} s warm-up");
    }

    private static string Mib(double kib) => (kib / 1024).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);

    private static int Sum(IReadOnlyDictionary<string, int> kinds, bool file) => kinds.Where(k => k.Key.StartsWith('/') == file).Sum(k => k.Value);

    private static string Metric(ServerSample sample, string name) =>
        sample.Metrics.TryGetValue(name, out var v) ? v.ToString(System.Globalization.CultureInfo.InvariantCulture) : "unknown";
}
