using System.Globalization;

namespace ActorWs.Bench.Procfs;

/// <summary>
/// Reads a running process's memory and CPU time from <c>/proc</c>, the same numbers <c>ps</c> and
/// <c>top</c> show, so both servers are measured from the outside in exactly the same way.
/// </summary>
/// <remarks>Stateless; safe to call from any thread.</remarks>
public static class ProcessProbe
{
    private const int BytesPerKilobyte = 1024;

    /// <summary>Index of utime in the fields after the command name of <c>/proc/&lt;pid&gt;/stat</c> (field 14 overall).</summary>
    private const int UserTimeField = 11;

    /// <summary>Index of stime in the fields after the command name (field 15 overall).</summary>
    private const int SystemTimeField = 12;

    /// <summary>Resident set size (<c>VmRSS</c>) in bytes, or <see langword="null"/> when the process is gone.</summary>
    /// <param name="pid">The process id.</param>
    /// <returns>The bytes, or null.</returns>
    public static long? ReadResidentBytes(int pid) => ParseStatusKilobytes(ReadOrNull($"/proc/{pid}/status"), "VmRSS") * BytesPerKilobyte;

    /// <summary>Peak resident set size (<c>VmHWM</c>) in bytes, or <see langword="null"/> when the process is gone.</summary>
    /// <param name="pid">The process id.</param>
    /// <returns>The bytes, or null.</returns>
    public static long? ReadPeakResidentBytes(int pid) => ParseStatusKilobytes(ReadOrNull($"/proc/{pid}/status"), "VmHWM") * BytesPerKilobyte;

    /// <summary>User plus system CPU time the process has used, or <see langword="null"/> when it is gone.</summary>
    /// <param name="pid">The process id.</param>
    /// <returns>The CPU time, or null.</returns>
    public static TimeSpan? ReadCpuTime(int pid)
    {
        var ticks = ParseStatCpuTicks(ReadOrNull($"/proc/{pid}/stat"));
        return ticks is { } t ? TimeSpan.FromSeconds((double)t / LibC.ClockTicksPerSecond) : null;
    }

    /// <summary>
    /// Voluntary context switches of all the process's threads so far (each thread's <c>voluntary_ctxt_switches</c> in
    /// <c>/proc/&lt;pid&gt;/task/*/status</c>: the times it went to sleep waiting for something), or null when it is gone.
    /// Threads that have exited no longer count.
    /// </summary>
    /// <param name="pid">The process id.</param>
    /// <returns>The sum, or null.</returns>
    public static long? ReadVoluntaryContextSwitches(int pid)
    {
        string[] tasks;
        try
        {
            tasks = Directory.GetDirectories($"/proc/{pid}/task");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        long sum = 0;
        foreach (var task in tasks)
        {
            sum += ParseStatusKilobytes(ReadOrNull(Path.Combine(task, "status")), "voluntary_ctxt_switches") ?? 0;
        }

        return sum;
    }

    /// <summary>
    /// How long each of the process's live threads has waited, runnable, for a CPU, in nanoseconds (the second field of
    /// <c>/proc/&lt;pid&gt;/task/&lt;tid&gt;/schedstat</c>), by thread id; null when the process is gone or the kernel keeps
    /// no schedstat. Threads that have exited are not there: see <see cref="RunQueueWaitTracker"/> for a total that keeps them.
    /// </summary>
    /// <param name="pid">The process id.</param>
    /// <returns>Wait by thread id, or null.</returns>
    public static IReadOnlyDictionary<int, long>? ReadRunQueueWaitByThread(int pid)
    {
        string[] tasks;
        try
        {
            tasks = Directory.GetDirectories($"/proc/{pid}/task");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        var waits = new Dictionary<int, long>();
        foreach (var task in tasks)
        {
            if (int.TryParse(Path.GetFileName(task), NumberStyles.None, CultureInfo.InvariantCulture, out var tid)
                && ParseSchedstatWaitNanoseconds(ReadOrNull(Path.Combine(task, "schedstat"))) is { } wait)
            {
                waits[tid] = wait;
            }
        }

        return waits.Count > 0 ? waits : null;
    }

    /// <summary>
    /// The run-queue wait (nanoseconds) from the text of a <c>schedstat</c> file: <c>on-CPU-ns wait-ns timeslices</c>.
    /// Null for null or malformed text.
    /// </summary>
    /// <param name="schedstatText">The file's text, or null.</param>
    /// <returns>The wait, or null.</returns>
    public static long? ParseSchedstatWaitNanoseconds(string? schedstatText)
    {
        var fields = schedstatText?.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return fields is { Length: >= 3 } && long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var wait) ? wait : null;
    }

    /// <summary>
    /// Finds <c>Key:   1234 kB</c> (or a plain <c>Key:   1234</c>) in the text of <c>/proc/&lt;pid&gt;/status</c>.
    /// Returns <see langword="null"/> for null text, a missing key or a malformed value.
    /// </summary>
    /// <param name="statusText">The file's text, or null.</param>
    /// <param name="key">The field name without the colon, e.g. <c>VmRSS</c>.</param>
    /// <returns>The value in kilobytes, or null.</returns>
    public static long? ParseStatusKilobytes(string? statusText, string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (statusText is null)
        {
            return null;
        }

        foreach (var line in statusText.AsSpan().EnumerateLines())
        {
            if (!line.StartsWith(key, StringComparison.Ordinal) || line.Length <= key.Length || line[key.Length] != ':')
            {
                continue;
            }

            var value = line[(key.Length + 1)..].Trim();
            var space = value.IndexOf(' ');
            var number = space < 0 ? value : value[..space];
            return long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var kb) ? kb : null;
        }

        return null;
    }

    /// <summary>
    /// Sums utime and stime (in clock ticks) from the text of <c>/proc/&lt;pid&gt;/stat</c>. The command
    /// name may contain spaces and parentheses, so fields are counted from the last <c>)</c>.
    /// Returns <see langword="null"/> for null or malformed text.
    /// </summary>
    /// <param name="statText">The file's text, or null.</param>
    /// <returns>The tick count, or null.</returns>
    public static long? ParseStatCpuTicks(string? statText)
    {
        if (statText is null)
        {
            return null;
        }

        var close = statText.LastIndexOf(')');
        if (close < 0)
        {
            return null;
        }

        var fields = statText[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length <= SystemTimeField
            || !long.TryParse(fields[UserTimeField], NumberStyles.None, CultureInfo.InvariantCulture, out var user)
            || !long.TryParse(fields[SystemTimeField], NumberStyles.None, CultureInfo.InvariantCulture, out var system))
        {
            return null;
        }

        return user + system;
    }

    private static string? ReadOrNull(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
