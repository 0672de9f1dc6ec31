using ActorWs.Bench.LoadGeneration;
using ActorWs.Bench.Procfs;

namespace ActorWs.Bench.Scenarios;

/// <summary>
/// What the orchestrator observed around the generator's measured window: the server's CPU time
/// between <c>measure_start</c> and <c>measure_end</c> and its memory at the end of the window.
/// </summary>
/// <param name="Result">The generator's <c>result</c> record, or null when it never printed one.</param>
/// <param name="ServerCpu">Server CPU time used inside the window, or null if it could not be read.</param>
/// <param name="ServerResidentBytes">Server RSS at <c>measure_end</c>, or null.</param>
/// <param name="ServerCoresBusyPercent">How busy the server's pinned CPUs were in the window (any process, kernel included), or null.</param>
/// <param name="ServerVoluntarySwitches">The server threads' voluntary context switches inside the window, or null.</param>
/// <param name="Records">Every record printed.</param>
/// <param name="Failure">Why the run failed, or null.</param>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record MeasuredWindow(
    LoadGenRecord? Result,
    TimeSpan? ServerCpu,
    long? ServerResidentBytes,
    double? ServerCoresBusyPercent,
    long? ServerVoluntarySwitches,
    IReadOnlyList<LoadGenRecord> Records,
    string? Failure)
{
    /// <summary>Extra time allowed beyond warm-up and measurement for connecting, closing and start-up.</summary>
    public static readonly TimeSpan Slack = TimeSpan.FromMinutes(3);

    /// <summary>
    /// Runs the generator with <paramref name="arguments"/> (a mode that prints <c>measure_start</c>,
    /// <c>measure_end</c> and <c>result</c>) and samples the server at the window's edges.
    /// </summary>
    /// <param name="context">The server and generator.</param>
    /// <param name="arguments">The generator's mode and options.</param>
    /// <param name="warmupSeconds">The warm-up the generator was given, for the time limit.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>What was observed.</returns>
    public static Task<MeasuredWindow> ObserveAsync(
        ScenarioContext context, IReadOnlyList<string> arguments, double warmupSeconds, CancellationToken cancellationToken) =>
        ObserveAsync(context, arguments, warmupSeconds, null, null, cancellationToken);

    /// <summary>
    /// As <see cref="ObserveAsync(ScenarioContext, IReadOnlyList{string}, double, CancellationToken)"/>, against several
    /// server processes (the nodes of a cluster): their CPU time, context switches and RSS are summed, and any of them
    /// exiting fails the run. <paramref name="atEdge"/> runs right after each edge is sampled, with
    /// <see cref="LoadGenRecord.MeasureStart"/> or <see cref="LoadGenRecord.MeasureEnd"/> (to read counters of the servers' own).
    /// </summary>
    /// <param name="context">The generator and options (its server is used when <paramref name="servers"/> is null).</param>
    /// <param name="arguments">The generator's mode and options.</param>
    /// <param name="warmupSeconds">The warm-up the generator was given, for the time limit.</param>
    /// <param name="servers">The server processes measured; null for the context's server.</param>
    /// <param name="atEdge">Called at each edge of the window; null for nothing.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>What was observed.</returns>
    public static async Task<MeasuredWindow> ObserveAsync(
        ScenarioContext context, IReadOnlyList<string> arguments, double warmupSeconds, IReadOnlyList<Servers.ServerProcess>? servers,
        Func<string, CancellationToken, Task>? atEdge, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var processes = servers ?? [context.Server];
        int[] pids = processes.Select(p => p.Pid).ToArray();
        var limit = TimeSpan.FromSeconds(warmupSeconds + context.Options.DurationSeconds) + Slack;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limit);
        var records = new List<LoadGenRecord>();
        TimeSpan? cpuAtStart = null;
        TimeSpan? cpu = null;
        long? rss = null;
        var serverCpus = CpuCoreProbe.ParseCpuList(context.Options.ServerCpus) ?? [];
        CpuCoreTicks? coresAtStart = null;
        double? coresBusy = null;
        long? switchesAtStart = null;
        long? switches = null;
        LoadGenRecord? result = null;
        await using var generator = LoadGeneratorProcess.Start(context.LoadGenerator, context.Options.ClientCpus, arguments, context.Log);
        try
        {
            while (await generator.ReadRecordAsync(timeout.Token).ConfigureAwait(false) is { } record)
            {
                records.Add(record);
                switch (record.Event)
                {
                    case LoadGenRecord.MeasureStart:
                        cpuAtStart = SumCpu(pids);
                        coresAtStart = CpuCoreProbe.Read(serverCpus);
                        switchesAtStart = Sum(pids, ProcessProbe.ReadVoluntaryContextSwitches);
                        if (atEdge is not null) await atEdge(record.Event, timeout.Token).ConfigureAwait(false);
                        break;
                    case LoadGenRecord.MeasureEnd:
                        cpu = SumCpu(pids) - cpuAtStart;
                        switches = Sum(pids, ProcessProbe.ReadVoluntaryContextSwitches) - switchesAtStart;
                        rss = Sum(pids, ProcessProbe.ReadResidentBytes);
                        coresBusy = coresAtStart is null ? null : CpuCoreProbe.Read(serverCpus)?.BusyPercentSince(coresAtStart);
                        if (atEdge is not null) await atEdge(record.Event, timeout.Token).ConfigureAwait(false);
                        break;
                    case LoadGenRecord.Result:
                        result = record;
                        break;
                }
            }

            var exitCode = await generator.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            string? failure = null;
            if (exitCode != 0)
            {
                failure = $"load generator exited with code {exitCode}";
            }
            else if (result is null)
            {
                failure = "load generator printed no result";
            }
            else if (processes.FirstOrDefault(p => p.HasExited) is { } exited)
            {
                failure = $"{exited.Kind} (pid {exited.Pid}) exited during the run:\n{exited.RecentOutput}";
            }

            return new MeasuredWindow(result, cpu, rss, coresBusy, switches, records, failure);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new MeasuredWindow(result, cpu, rss, coresBusy, switches, records, $"load generator did not finish within {limit}");
        }
    }

    /// <summary>The CPU time of every process together; null when one could not be read.</summary>
    private static TimeSpan? SumCpu(int[] pids)
    {
        var total = TimeSpan.Zero;
        foreach (var pid in pids)
        {
            if (ProcessProbe.ReadCpuTime(pid) is not { } cpu) return null;
            total += cpu;
        }

        return total;
    }

    /// <summary>A reading of every process added up; null when one could not be read.</summary>
    private static long? Sum(int[] pids, Func<int, long?> read)
    {
        long total = 0;
        foreach (var pid in pids)
        {
            if (read(pid) is not { } value) return null;
            total += value;
        }

        return total;
    }
}
