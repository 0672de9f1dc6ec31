using System.Runtime.InteropServices;

namespace ActorWs.Bench.Procfs;

/// <summary>The two libc calls .NET does not expose: sending SIGTERM and reading the clock tick rate.</summary>
/// <remarks>Stateless; safe to call from any thread. Linux only, like the rest of the tool.</remarks>
public static partial class LibC
{
    /// <summary>SIGTERM on Linux: asks a process to shut down gracefully.</summary>
    public const int SignalTerminate = 15;

    /// <summary><c>_SC_CLK_TCK</c> in glibc's sysconf numbering.</summary>
    private const int SysconfClockTicks = 2;

    /// <summary>The tick rate Linux uses for CPU times in <c>/proc/&lt;pid&gt;/stat</c> (USER_HZ, normally 100).</summary>
    public static long ClockTicksPerSecond { get; } = Sysconf(SysconfClockTicks) is var ticks && ticks > 0 ? ticks : 100;

    /// <summary>Sends SIGTERM to a process.</summary>
    /// <param name="pid">The process id.</param>
    /// <returns>True when the signal was delivered; false when the process no longer exists.</returns>
    public static bool SendTerminate(int pid) => Kill(pid, SignalTerminate) == 0;

    /// <summary>
    /// Pins every thread the current process has now to <paramref name="cpus"/> (<c>sched_setaffinity</c> on each entry of
    /// <c>/proc/self/task</c>); threads started later inherit the mask from the thread that starts them.
    /// </summary>
    /// <param name="cpus">CPU numbers, each below 1024.</param>
    /// <returns>How many threads were pinned; 0 when none could be (not Linux, or no CPU given).</returns>
    public static int PinCurrentProcess(IReadOnlyCollection<int> cpus)
    {
        ArgumentNullException.ThrowIfNull(cpus);
        if (cpus.Count == 0)
        {
            return 0;
        }

        var mask = new ulong[16]; // cpu_set_t: 1024 bits
        foreach (var cpu in cpus)
        {
            mask[cpu / 64] |= 1UL << (cpu % 64);
        }

        var pinned = 0;
        string[] tasks;
        try
        {
            tasks = Directory.GetDirectories("/proc/self/task");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 0;
        }

        foreach (var task in tasks)
        {
            if (int.TryParse(Path.GetFileName(task), out var tid) && SchedSetAffinity(tid, (nuint)(mask.Length * sizeof(ulong)), mask) == 0)
            {
                pinned++;
            }
        }

        return pinned;
    }

    [LibraryImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    private static partial int SchedSetAffinity(int tid, nuint size, ulong[] mask);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "sysconf")]
    private static partial long Sysconf(int name);
}
