namespace ActorWs.Bench.Soak;

/// <summary>The kinds of client a soak mixes.</summary>
public enum SoakClientKind
{
    /// <summary>Well-behaved: <c>/echo</c>, numbered messages, every echo checked once and in order.</summary>
    Echo,

    /// <summary>Well-behaved: the JSON room protocol, sends numbered room messages, checks seq and senders' counters, drops and resumes.</summary>
    Room,

    /// <summary>Sends to <c>/echo</c> and reads its echoes late; the server may close it with 1008 (slow consumer).</summary>
    SlowReader,

    /// <summary>Bursts of tiny frames to <c>/echo</c>.</summary>
    Flood,

    /// <summary>A frame announcing more than the message size limit; expects 1009.</summary>
    Oversized,

    /// <summary>A frame that breaks RFC 6455; expects 1002.</summary>
    Malformed,

    /// <summary>A permessage-deflate message that inflates past the limit; expects 1009.</summary>
    CompressionBomb,

    /// <summary>Opens, maybe joins a room, and drops the TCP connection without a close.</summary>
    Vanisher,
}

/// <summary>What one soak run does.</summary>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record SoakOptions
{
    /// <summary>Default connections held at once.</summary>
    public const int DefaultConnections = 10_000;

    /// <summary>Most connections: the server's descriptor limit per process is 20,000 and the tool's own sockets count against the same machine.</summary>
    public const int MaxConnections = 19_000;

    /// <summary>The server's default <c>rooms.reconnection-window</c>, which the soak sets explicitly.</summary>
    public static readonly TimeSpan DefaultReconnectionWindow = TimeSpan.FromSeconds(20);

    /// <summary>Default length of a soak.</summary>
    public static readonly TimeSpan DefaultDuration = TimeSpan.FromHours(1);

    /// <summary>Default shares of the client kinds (percent; they need not add up to 100, they are weights).</summary>
    public static IReadOnlyDictionary<SoakClientKind, int> DefaultMix { get; } = new Dictionary<SoakClientKind, int>
    {
        [SoakClientKind.Echo] = 35,
        [SoakClientKind.Room] = 40,
        [SoakClientKind.SlowReader] = 4,
        [SoakClientKind.Flood] = 4,
        [SoakClientKind.Oversized] = 4,
        [SoakClientKind.Malformed] = 4,
        [SoakClientKind.CompressionBomb] = 4,
        [SoakClientKind.Vanisher] = 5,
    };

    /// <summary>Connections held at once (abusive clients reconnect after each close, so the number stays about the same).</summary>
    public int Connections { get; init; } = DefaultConnections;

    /// <summary>How long the load runs.</summary>
    public TimeSpan Duration { get; init; } = DefaultDuration;

    /// <summary>
    /// The part of the run left out of the memory slope (JIT, pools, the first handshakes' garbage); null: a fifth of the
    /// duration, at most five minutes.
    /// </summary>
    public TimeSpan? Warmup { get; init; }

    /// <summary>The warm-up in effect.</summary>
    public TimeSpan EffectiveWarmup => Warmup ?? TimeSpan.FromTicks(Math.Min(Duration.Ticks / 5, TimeSpan.FromMinutes(5).Ticks));

    /// <summary>The seed of every random choice (mix, timings, drops, faults); the same seed makes the same plan.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Weights of the client kinds.</summary>
    public IReadOnlyDictionary<SoakClientKind, int> Mix { get; init; } = DefaultMix;

    /// <summary>Server-side faults injected per minute (a room that throws, a session killed), on average.</summary>
    public double FaultsPerMinute { get; init; } = 6;

    /// <summary>How often the server's RSS, threads, descriptors and metrics are read.</summary>
    public TimeSpan SampleInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The RSS growth after warm-up (KiB per minute) above which the run fails, when both the robust slope and the growth
    /// between the first and last thirds show it (see <see cref="MemoryTrend"/>).
    /// </summary>
    public double MaxRssSlopeKibPerMinute { get; init; } = 1024;

    /// <summary>The same limit for the GC heap after the last collection (<c>actorws_gc_heap_size_bytes</c>).</summary>
    public double MaxGcHeapSlopeKibPerMinute { get; init; } = 1024;

    /// <summary>
    /// The server's <c>rooms.reconnection-window</c> for the run (passed as <c>ACTORWS__SERVER__ROOMS__RECONNECTION_WINDOW</c>): a
    /// resume refused later than this after its drop is counted as late, not as a problem.
    /// </summary>
    public TimeSpan ReconnectionWindow { get; init; } = DefaultReconnectionWindow;

    /// <summary>
    /// How long the descriptors may take to come back to the baseline, and the sessions to end, after the clients are
    /// gone: a session whose connection closes as the clients stop lives on for the reconnection window (20 s) after
    /// the close. With 30 s, one CI run still saw one detached session at the end (its cause not found); a minute now
    /// (the drain ends as soon as the server is back where it started, so a passing run takes no longer).
    /// </summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Connections opened at once while ramping up.</summary>
    public int ConnectConcurrency { get; init; } = 64;

    /// <summary>CPUs the server is pinned to (taskset list).</summary>
    public string ServerCpus { get; init; } = "0";

    /// <summary>
    /// CPUs the tool's own clients run on: <see cref="AutoClientCpus"/> (every CPU the server is not pinned to, or all when
    /// that leaves none), <see cref="AllClientCpus"/> (not pinned) or a taskset list. The whole tool process is pinned.
    /// </summary>
    public string ClientCpus { get; init; } = AutoClientCpus;

    /// <summary>The <see cref="ClientCpus"/> value for "every CPU but the server's".</summary>
    public const string AutoClientCpus = "auto";

    /// <summary>The <see cref="ClientCpus"/> value for "do not pin".</summary>
    public const string AllClientCpus = "all";

    /// <summary>The CPUs the clients are to be pinned to, from <see cref="ClientCpus"/>; empty for "do not pin".</summary>
    /// <param name="processorCount">CPUs of the machine (numbered from 0).</param>
    /// <returns>The CPU numbers.</returns>
    public IReadOnlyList<int> ResolveClientCpus(int processorCount)
    {
        if (ClientCpus == AllClientCpus)
        {
            return [];
        }

        if (ClientCpus != AutoClientCpus)
        {
            return Procfs.CpuCoreProbe.ParseCpuList(ClientCpus) ?? [];
        }

        var server = Procfs.CpuCoreProbe.ParseCpuList(ServerCpus) ?? [];
        var others = Enumerable.Range(0, processorCount).Except(server).ToList();
        return others.Count == 0 || others.Count == processorCount ? [] : others;
    }

    /// <summary>Seconds the server may take to answer <c>GET /health</c>.</summary>
    public double StartupTimeoutSeconds { get; init; } = 30;

    /// <summary>Build the server in Release first (off with <c>--no-build</c>).</summary>
    public bool BuildServer { get; init; } = true;

    /// <summary>The repository root; found from the current directory when null.</summary>
    public string? RepositoryRoot { get; init; }

    /// <summary>The ActorWs server's project file.</summary>
    public string ActorWsProject { get; init; } = Building.RepositoryLayout.DefaultActorWsProject;

    /// <summary>An already built server assembly to run instead of building the project (the tests use the one next to them).</summary>
    public string? ServerAssembly { get; init; }

    /// <summary>Where soak.md and soak.json go; <c>artifacts/bench</c> under the root when null.</summary>
    public string? OutputDirectory { get; init; }
}
