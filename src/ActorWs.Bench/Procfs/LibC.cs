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

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "sysconf")]
    private static partial long Sysconf(int name);
}
