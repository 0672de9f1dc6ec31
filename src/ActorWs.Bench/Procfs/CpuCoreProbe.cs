using System.Globalization;

namespace ActorWs.Bench.Procfs;

/// <summary>
/// Reads how busy given CPUs were from <c>/proc/stat</c>. Loopback TCP work done in softirq context
/// is not charged to any process, so a server's own CPU time understates how saturated its pinned
/// core is; the core's busy share shows it.
/// </summary>
/// <remarks>Stateless; safe to call from any thread.</remarks>
public static class CpuCoreProbe
{
    /// <summary>Most CPU numbers accepted in a list (guards against <c>0-999999</c>).</summary>
    public const int MaxCpuIndex = 4095;

    // Field positions after the "cpuN" label: user nice system idle iowait irq softirq steal.
    private const int IdleField = 3;
    private const int IoWaitField = 4;
    private const int CountedFields = 8;

    /// <summary>Summed busy and total clock ticks of the CPUs listed, or null when unreadable.</summary>
    /// <param name="cpus">CPU numbers.</param>
    /// <returns>The ticks, or null.</returns>
    public static CpuCoreTicks? Read(IReadOnlyCollection<int> cpus)
    {
        ArgumentNullException.ThrowIfNull(cpus);
        try
        {
            return Parse(File.ReadAllText("/proc/stat"), cpus);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Sums the <c>cpuN</c> lines of <c>/proc/stat</c> text for the CPUs listed. Busy is every field
    /// but idle and iowait. Returns null when a listed CPU has no well-formed line.
    /// </summary>
    /// <param name="procStat">The file's text.</param>
    /// <param name="cpus">CPU numbers.</param>
    /// <returns>The ticks, or null.</returns>
    public static CpuCoreTicks? Parse(string procStat, IReadOnlyCollection<int> cpus)
    {
        ArgumentNullException.ThrowIfNull(procStat);
        ArgumentNullException.ThrowIfNull(cpus);
        long busy = 0, total = 0;
        var found = 0;
        foreach (var line in procStat.Split('\n'))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < CountedFields + 1 || !fields[0].StartsWith("cpu", StringComparison.Ordinal)
                || !int.TryParse(fields[0].AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture, out var cpu) || !cpus.Contains(cpu))
            {
                continue;
            }

            for (var i = 0; i < CountedFields; i++)
            {
                if (!long.TryParse(fields[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks))
                {
                    return null;
                }

                total += ticks;
                if (i != IdleField && i != IoWaitField)
                {
                    busy += ticks;
                }
            }

            found++;
        }

        return found == cpus.Count ? new CpuCoreTicks(busy, total) : null;
    }

    /// <summary>Expands a taskset CPU list (<c>0</c>, <c>0-3,6</c>) to CPU numbers; null when malformed.</summary>
    /// <param name="list">The list.</param>
    /// <returns>The distinct CPU numbers in ascending order, or null.</returns>
    public static IReadOnlyList<int>? ParseCpuList(string list)
    {
        ArgumentNullException.ThrowIfNull(list);
        var cpus = new SortedSet<int>();
        foreach (var part in list.Split(','))
        {
            var dash = part.IndexOf('-', StringComparison.Ordinal);
            var first = dash < 0 ? part : part[..dash];
            var last = dash < 0 ? part : part[(dash + 1)..];
            if (!int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var from)
                || !int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var to)
                || from > to || to > MaxCpuIndex)
            {
                return null;
            }

            for (var cpu = from; cpu <= to; cpu++)
            {
                cpus.Add(cpu);
            }
        }

        return cpus.ToList();
    }
}

/// <summary>Clock ticks of some CPUs since boot.</summary>
/// <param name="Busy">Ticks spent on anything but idle and I/O wait.</param>
/// <param name="Total">All ticks.</param>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record CpuCoreTicks(long Busy, long Total)
{
    /// <summary>The busy share, in percent, between an earlier reading and this one; null when no time passed.</summary>
    /// <param name="earlier">The earlier reading.</param>
    /// <returns>The percentage, or null.</returns>
    public double? BusyPercentSince(CpuCoreTicks earlier)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        var total = Total - earlier.Total;
        return total > 0 ? 100.0 * (Busy - earlier.Busy) / total : null;
    }
}
