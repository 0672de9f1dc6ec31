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
        checks.Add(new SoakCheck(
            "every connect, join, request and resume answered as the protocol says",
            other.Count == 0,
            other.Count == 0 ? "no other problem" : string.Join(", ", other.Select(p => $"{p.Count} {p.Kind}"))));

        var slope = result.RssSlopeKibPerMinute;
        checks.Add(new SoakCheck(
            "memory flat after warm-up",
            slope is { } s && s <= result.Options.MaxRssSlopeKibPerMinute,
            slope is { } v
                ? FormattableString.Invariant($"RSS slope {v:0.0} KiB/min after {result.Options.EffectiveWarmup.TotalSeconds:0} s (limit {result.Options.MaxRssSlopeKibPerMinute:0})")
                : "too few samples after the warm-up to fit a slope"));

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

    private static int Sum(IReadOnlyDictionary<string, int> kinds, bool file) => kinds.Where(k => k.Key.StartsWith('/') == file).Sum(k => k.Value);

    private static string Metric(ServerSample sample, string name) =>
        sample.Metrics.TryGetValue(name, out var v) ? v.ToString(System.Globalization.CultureInfo.InvariantCulture) : "unknown";
}
