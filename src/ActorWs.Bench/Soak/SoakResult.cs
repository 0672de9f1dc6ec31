namespace ActorWs.Bench.Soak;

/// <summary>One pass/fail check of a soak.</summary>
/// <param name="Name">What is checked.</param>
/// <param name="Passed">Whether it held.</param>
/// <param name="Detail">The figures behind it.</param>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record SoakCheck(string Name, bool Passed, string Detail);

/// <summary>Everything a soak measured, for the reports.</summary>
/// <remarks>Immutable once built; safe to share between threads.</remarks>
public sealed record SoakResult
{
    /// <summary>The options it ran with.</summary>
    public required SoakOptions Options { get; init; }

    /// <summary>When the load started (UTC).</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>How long the load actually ran.</summary>
    public required TimeSpan LoadDuration { get; init; }

    /// <summary>Client slots per kind.</summary>
    public required IReadOnlyDictionary<SoakClientKind, int> Slots { get; init; }

    /// <summary>The clients' counters and problems.</summary>
    public required SoakCounters Counters { get; init; }

    /// <summary>The samples, the first one taken before any client connected (the baseline).</summary>
    public required IReadOnlyList<ServerSample> Samples { get; init; }

    /// <summary>The reading after the clients were gone and the server had drained (or the drain timed out).</summary>
    public required ServerSample Final { get; init; }

    /// <summary>The server's descriptors by kind before the load.</summary>
    public IReadOnlyDictionary<string, int> BaselineDescriptorKinds { get; init; } = new Dictionary<string, int>();

    /// <summary>The server's descriptors by kind after the drain.</summary>
    public IReadOnlyDictionary<string, int> FinalDescriptorKinds { get; init; } = new Dictionary<string, int>();

    /// <summary>The trend of the RSS (KiB) after the warm-up.</summary>
    public required MemoryTrendResult RssTrend { get; init; }

    /// <summary>The trend of the GC heap after the last collection (KiB) after the warm-up; null when the server did not report it.</summary>
    public MemoryTrendResult? GcHeapTrend { get; init; }

    /// <summary>What the server's log said.</summary>
    public required ServerLogScanner Log { get; init; }

    /// <summary>The server's exit code after SIGTERM; null when it had to be killed.</summary>
    public required int? ServerExitCode { get; init; }

    /// <summary>The checks, in report order.</summary>
    public required IReadOnlyList<SoakCheck> Checks { get; init; }

    /// <summary>Whether every check passed.</summary>
    public bool Passed => Checks.All(c => c.Passed);

    /// <summary>The baseline sample (before the load).</summary>
    public ServerSample Baseline => Samples[0];
}
