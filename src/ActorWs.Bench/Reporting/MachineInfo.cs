using System.Globalization;
using System.Runtime.InteropServices;

namespace ActorWs.Bench.Reporting;

/// <summary>The machine and moment a run happened on, printed with every table: figures from different boxes do not compare.</summary>
/// <param name="CpuModel">The <c>model name</c> from <c>/proc/cpuinfo</c>.</param>
/// <param name="LogicalCpus">The number of <c>processor</c> entries in <c>/proc/cpuinfo</c>.</param>
/// <param name="Kernel">The kernel release.</param>
/// <param name="Runtime">The .NET runtime running the tool.</param>
/// <param name="LoadAverage">The 1, 5 and 15 minute load averages when the run started (the box is shared).</param>
/// <param name="Date">When the run started.</param>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record MachineInfo(string CpuModel, int LogicalCpus, string Kernel, string Runtime, string LoadAverage, DateTimeOffset Date)
{
    private const string Unknown = "unknown";

    /// <summary>Reads the current machine's description; fields that cannot be read are "unknown".</summary>
    /// <param name="time">The clock giving the date.</param>
    /// <returns>The description.</returns>
    public static MachineInfo Collect(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var cpuinfo = ReadOrNull("/proc/cpuinfo");
        var (model, cpus) = ParseCpuInfo(cpuinfo);
        var loadavg = ReadOrNull("/proc/loadavg")?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return new MachineInfo(
            model,
            cpus,
            ReadOrNull("/proc/sys/kernel/osrelease")?.Trim() ?? Unknown,
            RuntimeInformation.FrameworkDescription,
            loadavg is { Length: >= 3 } ? string.Join(' ', loadavg[..3]) : Unknown,
            time.GetUtcNow());
    }

    /// <summary>Extracts the CPU model and count from <c>/proc/cpuinfo</c> text; ("unknown", 0) when absent.</summary>
    /// <param name="cpuinfo">The file's text, or null.</param>
    /// <returns>The first model name and the number of processor entries.</returns>
    public static (string Model, int LogicalCpus) ParseCpuInfo(string? cpuinfo)
    {
        if (cpuinfo is null)
        {
            return (Unknown, 0);
        }

        string? model = null;
        var count = 0;
        foreach (var line in cpuinfo.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                continue;
            }

            var key = line[..colon].Trim();
            if (key == "processor")
            {
                count++;
            }
            else if (key == "model name" && model is null)
            {
                model = line[(colon + 1)..].Trim();
            }
        }

        return (model ?? Unknown, count);
    }

    /// <summary>A one-line summary for the console and the report.</summary>
    /// <returns>The summary.</returns>
    public string Summary() => string.Create(
        CultureInfo.InvariantCulture,
        $"{LogicalCpus} logical CPUs, {CpuModel}; Linux {Kernel}; {Runtime}; load average {LoadAverage}; {Date:yyyy-MM-dd HH:mm} UTC");

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
