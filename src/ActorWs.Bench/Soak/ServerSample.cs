using System.Globalization;
using ActorWs.Bench.Procfs;

namespace ActorWs.Bench.Soak;

/// <summary>One reading of the server during a soak.</summary>
/// <param name="Seconds">Seconds since the load started.</param>
/// <param name="RssKib">Resident set (<c>VmRSS</c>), KiB; null when unreadable.</param>
/// <param name="Threads">Entries of <c>/proc/&lt;pid&gt;/task</c>; null when unreadable.</param>
/// <param name="Descriptors">Entries of <c>/proc/&lt;pid&gt;/fd</c>; null when unreadable.</param>
/// <param name="Metrics">Gauges read from <c>GET /metrics</c> (<c>actorws_connections_open</c>, …); empty when it did not answer.</param>
/// <param name="CpuSeconds">CPU time (user and system) the server has used so far; null when unreadable.</param>
/// <param name="RunQueueWaitSeconds">
/// How long the server's threads have waited for a CPU while runnable, in all, since the baseline (<c>schedstat</c>, summed
/// over threads, exited ones included); null when unreadable. It grows when the server could have worked and did not get a
/// CPU: from other processes on its CPU, or from its own threads when more than one is runnable on a single pinned CPU.
/// </param>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record ServerSample(
    double Seconds, long? RssKib, int? Threads, int? Descriptors, IReadOnlyDictionary<string, double> Metrics, double? CpuSeconds = null, double? RunQueueWaitSeconds = null)
{
    /// <summary>The gauges of <c>/metrics</c> the soak keeps (unlabelled ones only).</summary>
    public static readonly string[] KeptMetrics =
        ["actorws_connections_open", "actorws_sessions_active", "actorws_sessions_detached", "actorws_rooms_active", "actorws_actors_dead_letters",
            GcHeapMetric, GcCommittedMetric, GcPauseMetric];

    /// <summary>Time the server's garbage collector has paused it, in total, seconds.</summary>
    public const string GcPauseMetric = "actorws_gc_pause_seconds_total";

    /// <summary>The managed heap after the server's last collection, bytes.</summary>
    public const string GcHeapMetric = "actorws_gc_heap_size_bytes";

    /// <summary>What the server's GC has committed, bytes.</summary>
    public const string GcCommittedMetric = "actorws_gc_committed_bytes";

    /// <summary>The GC heap after the last collection, KiB; null when <c>/metrics</c> did not report it.</summary>
    public double? GcHeapKib => Metrics.TryGetValue(GcHeapMetric, out var bytes) ? bytes / 1024 : null;

    /// <summary>Reads the process's <c>/proc</c> entries now.</summary>
    /// <param name="pid">The server's process id.</param>
    /// <param name="seconds">Seconds since the load started.</param>
    /// <param name="metricsText">The body of <c>GET /metrics</c>, or null.</param>
    /// <param name="waits">Accumulates the threads' run-queue wait across samples (one per run).</param>
    /// <returns>The sample.</returns>
    public static ServerSample Read(int pid, double seconds, string? metricsText, RunQueueWaitTracker waits)
    {
        ArgumentNullException.ThrowIfNull(waits);
        var rss = ProcessProbe.ReadResidentBytes(pid) / 1024;
        return new ServerSample(seconds, rss, CountEntries($"/proc/{pid}/task"), CountEntries($"/proc/{pid}/fd"), ParseMetrics(metricsText),
            ProcessProbe.ReadCpuTime(pid)?.TotalSeconds, waits.Update(ProcessProbe.ReadRunQueueWaitByThread(pid)));
    }

    /// <summary>
    /// Picks the <see cref="KeptMetrics"/> out of Prometheus text (<c>name value</c> lines; comments and labelled series are
    /// skipped). Null text gives an empty map.
    /// </summary>
    /// <param name="text">The exposition text, or null.</param>
    /// <returns>The values found.</returns>
    public static IReadOnlyDictionary<string, double> ParseMetrics(string? text)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        if (text is null)
        {
            return values;
        }

        foreach (var line in text.Split('\n'))
        {
            var parts = line.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 2 && KeptMetrics.Contains(parts[0])
                && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                values[parts[0]] = value;
            }
        }

        return values;
    }

    /// <summary>
    /// What a process's descriptors are, counted by kind: <c>socket</c>, <c>pipe</c>, <c>anon_inode:[eventpoll]</c>, a file's path…
    /// (the targets of <c>/proc/&lt;pid&gt;/fd/*</c> without their inode numbers). Empty when unreadable.
    /// </summary>
    /// <param name="pid">The process id.</param>
    /// <returns>Counts by kind.</returns>
    public static IReadOnlyDictionary<string, int> ReadDescriptorKinds(int pid)
    {
        var kinds = new SortedDictionary<string, int>(StringComparer.Ordinal);
        try
        {
            foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
            {
                string? target;
                try
                {
                    target = new FileInfo(fd).LinkTarget;
                }
                catch (IOException)
                {
                    continue; // closed between the listing and the read
                }

                var kind = DescriptorKind(target ?? "?");
                kinds[kind] = kinds.GetValueOrDefault(kind) + 1;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return kinds;
        }

        return kinds;
    }

    /// <summary>A descriptor's kind from its link target: <c>socket:[123]</c> is <c>socket</c>, <c>pipe:[9]</c> is <c>pipe</c>, others as they are.</summary>
    /// <param name="target">The link target.</param>
    /// <returns>The kind.</returns>
    public static string DescriptorKind(string target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var bracket = target.IndexOf(":[", StringComparison.Ordinal);
        return bracket > 0 && target.EndsWith(']') && target.AsSpan(bracket + 2, target.Length - bracket - 3).IndexOfAnyExceptInRange('0', '9') < 0
            ? target[..bracket]
            : target;
    }

    /// <summary>Entries of a <c>/proc</c> folder, or null when it cannot be read (the process is gone).</summary>
    /// <param name="folder">The folder.</param>
    /// <returns>The count, or null.</returns>
    public static int? CountEntries(string folder)
    {
        try
        {
            return Directory.EnumerateFileSystemEntries(folder).Count();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
