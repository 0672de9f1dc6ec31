namespace ActorWs.Bench.Cli;

/// <summary>
/// Everything one benchmark run needs to know. Defaults reproduce the issues' scenarios
/// (echo: 100 connections x 32 bytes; hold: 10,000 idle connections, without and with compression offered;
/// broadcast: 1,000 members; tick: 100 clients in one room at 30 Hz x 256 bytes; fairness: 10 canaries x 32 bytes next to
/// 4 connections flooding 1-byte messages).
/// </summary>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record BenchOptions
{
    /// <summary>
    /// Default seconds of load before measuring. On one saturated core the tiered JIT needs well over
    /// ten seconds to finish optimising the hot path (Kestrel echo: ~43k msg/s after 10 s of warm-up,
    /// ~50k after 15 s, ~52k after 25 s on the reference box), so shorter warm-ups measure the JIT.
    /// </summary>
    public const double DefaultWarmupSeconds = 20;

    /// <summary>Default seconds measured per echo/broadcast run.</summary>
    public const double DefaultDurationSeconds = 10;

    /// <summary>Default echo connections (the figure).</summary>
    public const int DefaultEchoConnections = 100;

    /// <summary>Default echo message size in bytes (the figure).</summary>
    public const int DefaultMessageBytes = 32;

    /// <summary>Default idle connections for the hold scenario (the figure).</summary>
    public const int DefaultHoldConnections = 10_000;

    /// <summary>Default handshakes in flight while opening connections.</summary>
    public const int DefaultConnectConcurrency = 256;

    /// <summary>Default broadcast room size (the figure).</summary>
    public const int DefaultBroadcastMembers = 1_000;

    /// <summary>Default number of members that send in the broadcast scenario.</summary>
    public const int DefaultBroadcastSenders = 10;

    /// <summary>Default room of the broadcast scenario (<c>/rooms/bench</c>).</summary>
    public const string DefaultBroadcastRoom = "bench";

    /// <summary>Default clients of the tick room (issue 7).</summary>
    public const int DefaultTickClients = 100;

    /// <summary>Default tick rate in Hz (issue 7).</summary>
    public const int DefaultTickHz = 30;

    /// <summary>Default state delta broadcast per tick, in bytes (issue 7).</summary>
    public const int DefaultTickPayloadBytes = 256;

    /// <summary>
    /// Default warm-up of the tick scenario. The tick room loads the server lightly (a few thousand deliveries
    /// a second), so its hot path is compiled within seconds; the long echo warm-up is not needed.
    /// </summary>
    public const double DefaultTickWarmupSeconds = 5;

    /// <summary>Default canary connections of the fairness scenario (echo, one message in flight each).</summary>
    public const int DefaultFairnessCanaries = 10;

    /// <summary>Default connections flooding tiny messages in the fairness scenario.</summary>
    public const int DefaultFairnessFlooders = 4;

    /// <summary>Default payload of each flood message (a 7-byte frame).</summary>
    public const int DefaultFairnessFloodBytes = 1;

    /// <summary>Default nodes of the cluster scenarios.</summary>
    public const int ClusterNodeCount = 3;

    /// <summary>Default clients of the cluster-resume scenario (spread over nodes 2 and 3).</summary>
    public const int DefaultClusterResumeClients = 300;

    /// <summary>Default rooms of the cluster-resume scenario (each client is in one, round-robin).</summary>
    public const int DefaultClusterResumeRooms = 6;

    /// <summary>Default numbered messages per second the sender of each room sends in the cluster-resume scenario.</summary>
    public const int DefaultClusterResumeRate = 20;

    /// <summary>Default seconds to let a server settle before its memory is read.</summary>
    public const double DefaultSettleSeconds = 2;

    /// <summary>Default seconds to wait for <c>GET /health</c> to answer 200 after a server starts.</summary>
    public const double DefaultStartupTimeoutSeconds = 30;

    /// <summary>Default CPU list (taskset syntax) for the servers.</summary>
    public const string DefaultServerCpus = "0";

    /// <summary>Default CPU list (taskset syntax) for the load generator.</summary>
    public const string DefaultClientCpus = "1";

    /// <summary>The scenarios to run, in order.</summary>
    public IReadOnlyList<ScenarioKind> Scenarios { get; init; } =
        [ScenarioKind.Echo, ScenarioKind.Hold, ScenarioKind.HoldDeflate, ScenarioKind.Broadcast, ScenarioKind.Tick, ScenarioKind.Fairness];

    /// <summary>The servers to measure; each scenario runs against each in this order.</summary>
    public IReadOnlyList<ServerKind> Servers { get; init; } = [ServerKind.ActorWs, ServerKind.Kestrel];

    /// <summary>Seconds of load before the measured window (echo, broadcast).</summary>
    public double WarmupSeconds { get; init; } = DefaultWarmupSeconds;

    /// <summary>Seconds in the measured window (echo, broadcast).</summary>
    public double DurationSeconds { get; init; } = DefaultDurationSeconds;

    /// <summary>Echo connections.</summary>
    public int EchoConnections { get; init; } = DefaultEchoConnections;

    /// <summary>Echo message size in bytes.</summary>
    public int EchoMessageBytes { get; init; } = DefaultMessageBytes;

    /// <summary>Echo messages in flight per connection (1 = strict request/response).</summary>
    public int EchoDepth { get; init; } = 1;

    /// <summary>
    /// Whether the echo requests the generator sends on handling one read leave in one write (as a pipelining client
    /// writes what it has), rather than one write and one TCP segment each.
    /// </summary>
    public bool EchoCoalesce { get; init; }

    /// <summary>Idle connections opened by the hold scenario.</summary>
    public int HoldConnections { get; init; } = DefaultHoldConnections;

    /// <summary>Handshakes in flight while opening connections (all scenarios).</summary>
    public int ConnectConcurrency { get; init; } = DefaultConnectConcurrency;

    /// <summary>Members of the broadcast room.</summary>
    public int BroadcastMembers { get; init; } = DefaultBroadcastMembers;

    /// <summary>Members that send in the broadcast scenario.</summary>
    public int BroadcastSenders { get; init; } = DefaultBroadcastSenders;

    /// <summary>
    /// Broadcast messages per second from all senders together, each sent at a fixed time whether or not the sender's
    /// earlier ones came back (open loop, as independent clients send; the rate climbs from a tenth to full over the
    /// warm-up, so compiling code does not leave a backlog behind); 0, the default: each sender sends its next
    /// message when its last one came back (closed loop), so the rate is what the server turns round.
    /// </summary>
    public int BroadcastRate { get; init; }

    /// <summary>
    /// With an open loop (<see cref="BroadcastRate"/>): after the run at that rate, climb by this many msg/s per run
    /// against the same servers until a rate falls behind twice running, and report the highest rate kept up, the capacity (see
    /// <c>RateLadder</c>); 0, the default: one run only.
    /// </summary>
    public int BroadcastRateStep { get; init; }

    /// <summary>
    /// The room the broadcast's members join (<c>/rooms/&lt;name&gt;</c>). Not a command-line option: the capacity climb
    /// gives each rung its own (see <c>RateLadder.Rung</c>).
    /// </summary>
    public string BroadcastRoom { get; init; } = DefaultBroadcastRoom;

    /// <summary>Broadcast message size in bytes (at least 16: send time, sender, sequence).</summary>
    public int BroadcastMessageBytes { get; init; } = DefaultMessageBytes;

    /// <summary>Clients of the tick room.</summary>
    public int TickClients { get; init; } = DefaultTickClients;

    /// <summary>Ticks per second of the tick room.</summary>
    public int TickHz { get; init; } = DefaultTickHz;

    /// <summary>Bytes the tick room broadcasts per tick (at least the 8-byte timestamp).</summary>
    public int TickPayloadBytes { get; init; } = DefaultTickPayloadBytes;

    /// <summary>Seconds of ticking before the tick scenario's measured window.</summary>
    public double TickWarmupSeconds { get; init; } = DefaultTickWarmupSeconds;

    /// <summary>Canary connections of the fairness scenario.</summary>
    public int FairnessCanaries { get; init; } = DefaultFairnessCanaries;

    /// <summary>Bytes of each canary message in the fairness scenario.</summary>
    public int FairnessMessageBytes { get; init; } = DefaultMessageBytes;

    /// <summary>Connections flooding tiny messages in the fairness scenario.</summary>
    public int FairnessFlooders { get; init; } = DefaultFairnessFlooders;

    /// <summary>Payload bytes of each flood message (0 or 1).</summary>
    public int FairnessFloodBytes { get; init; } = DefaultFairnessFloodBytes;

    /// <summary>Clients of the cluster-resume scenario.</summary>
    public int ClusterResumeClients { get; init; } = DefaultClusterResumeClients;

    /// <summary>Rooms of the cluster-resume scenario.</summary>
    public int ClusterResumeRooms { get; init; } = DefaultClusterResumeRooms;

    /// <summary>Messages per second per room in the cluster-resume scenario.</summary>
    public int ClusterResumeRate { get; init; } = DefaultClusterResumeRate;

    /// <summary>Seconds to wait before reading a server's memory.</summary>
    public double SettleSeconds { get; init; } = DefaultSettleSeconds;

    /// <summary>Seconds a server may take to answer <c>GET /health</c>.</summary>
    public double StartupTimeoutSeconds { get; init; } = DefaultStartupTimeoutSeconds;

    /// <summary>CPUs the servers are pinned to (taskset list syntax, e.g. <c>0</c> or <c>0-1</c>).</summary>
    public string ServerCpus { get; init; } = DefaultServerCpus;

    /// <summary>CPUs the load generator is pinned to (taskset list syntax).</summary>
    public string ClientCpus { get; init; } = DefaultClientCpus;

    /// <summary>Build both servers in Release before measuring (off with <c>--no-build</c>).</summary>
    public bool BuildServers { get; init; } = true;

    /// <summary>True when the <c>--quick</c> preset was applied.</summary>
    public bool Quick { get; init; }

    /// <summary>The repository root; found by walking up to <c>ActorWs.sln</c> when <see langword="null"/>.</summary>
    public string? RepositoryRoot { get; init; }

    /// <summary>The ActorWs server's project file, relative to the repository root or absolute.</summary>
    public string ActorWsProject { get; init; } = Building.RepositoryLayout.DefaultActorWsProject;

    /// <summary>Where results.md and results.json go; <c>artifacts/bench</c> under the root when <see langword="null"/>.</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>
    /// The <c>--quick</c> preset: a smoke test of every scenario in well under a minute per server,
    /// with fewer connections. Options given explicitly on the command line still win.
    /// </summary>
    public static BenchOptions QuickPreset { get; } = new()
    {
        Quick = true,
        WarmupSeconds = 1,
        DurationSeconds = 2,
        EchoConnections = 50,
        HoldConnections = 1_000,
        BroadcastMembers = 200,
        BroadcastSenders = 4,
        TickWarmupSeconds = 1,
        SettleSeconds = 0.5,
        ClusterResumeClients = 60,
    };
}
