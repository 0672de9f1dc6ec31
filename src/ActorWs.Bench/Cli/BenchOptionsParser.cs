using System.Globalization;
using System.Text.RegularExpressions;

namespace ActorWs.Bench.Cli;

/// <summary>Turns the command line into <see cref="BenchOptions"/>.</summary>
/// <remarks>Stateless; safe to call from any thread.</remarks>
public static partial class BenchOptionsParser
{
    /// <summary>Longest warm-up or measurement accepted, so a typo cannot occupy the shared machine for days.</summary>
    public const double MaxSeconds = 3600;

    /// <summary>Most connections accepted for any scenario; the load generator's descriptor limit is lower anyway.</summary>
    public const int MaxConnections = 1_000_000;

    /// <summary>Largest message the load generator frames (16-bit payload length).</summary>
    public const int MaxMessageBytes = 65_535;

    /// <summary>Smallest broadcast message: send time (8 bytes), sender (4) and sequence number (4).</summary>
    public const int MinBroadcastMessageBytes = 16;

    /// <summary>Most broadcast messages per second (the load generator's own limit).</summary>
    public const int MaxBroadcastRate = 10_000_000;

    /// <summary>Most echo messages in flight per connection.</summary>
    public const int MaxEchoDepth = 1024;

    /// <summary>Most tick clients: the tick room's seats, so that all of them share one room.</summary>
    public const int MaxTickClients = TickServer.TickBenchRoom.Seats;

    /// <summary>
    /// Largest flood message of the fairness scenario: the generator checks the echoes by their bytes, which needs one
    /// server frame per message, and a longer message split across a server's reads may legally come back in pieces.
    /// </summary>
    public const int MaxFloodBytes = 1;

    /// <summary>Most clients of the cluster-resume scenario (each is a .NET client in this process).</summary>
    public const int MaxClusterResumeClients = 5_000;

    /// <summary>Most rooms of the cluster-resume scenario.</summary>
    public const int MaxClusterResumeRooms = 100;

    /// <summary>Most messages per second per room in the cluster-resume scenario (each waits for its confirmation).</summary>
    public const int MaxClusterResumeRate = 200;

    /// <summary>Messages in flight per echo connection with <c>--pipelined</c>.</summary>
    public const int PipelinedEchoDepth = 16;

    /// <summary>The usage text printed for <c>--help</c> and after a command-line error.</summary>
    public const string Usage = """
        usage: dotnet run -c Release --project src/ActorWs.Bench -- [options]

          --scenarios LIST          echo,hold,hold-deflate,broadcast,tick,fairness (default: these six),
                                    cluster-broadcast,cluster-resume (ActorWs clusters; run only when named)
          --servers LIST            actorws,kestrel (default: both)
          --quick                   smoke test: 1 s warm-up, 2 s measured, fewer connections
          --warmup S                seconds of load before measuring echo, broadcast, cluster-broadcast and fairness,
                                    and of sending before cluster-resume kills a node (default 20)
          --duration S              seconds measured for echo, broadcast, cluster-broadcast and tick, for each fairness
                                    window, and at least of sending after cluster-resume's kill (default 10)
          --echo-connections N      (default 100)
          --echo-size BYTES         (default 32)
          --echo-depth N            messages in flight per connection (default 1)
          --echo-coalesce           echo: the requests sent on reading echoes leave in one write per read
          --pipelined               echo pipelined: 16 messages in flight per connection, written together
                                    (= --echo-depth 16 --echo-coalesce)
          --hold-connections N      idle connections (default 10000)
          --connect-concurrency N   handshakes in flight (default 256)
          --broadcast-members N     room size (default 1000)
          --broadcast-senders N     members that send (default 10)
          --broadcast-rate R        the senders together send R messages/s at fixed times, open loop
                                    (climbing from R/10 over the warm-up)
                                    (default 0: each sends again when its last one came back)
          --broadcast-rate-step S   with --broadcast-rate: then R+S, R+2S... until a rate falls
                                    behind twice; reports the highest rate kept up (default 0: R only)
          --broadcast-size BYTES    (default 32, at least 16)
          --tick-clients N          clients in the tick room (default 100, at most 1000)
          --tick-hz HZ              ticks per second, 1-120 (default 30)
          --tick-size BYTES         state delta per tick (default 256, at least 8)
          --tick-warmup S           seconds of ticking before measuring (default 5)
          --fairness-canaries N     fairness: echo connections whose latency is measured (default 10)
          --fairness-size BYTES     fairness: canary message size (default 32)
          --fairness-flooders N     fairness: connections flooding tiny messages (default 4)
          --fairness-flood-size B   fairness: flood message payload, 0 or 1 byte (default 1)
          --cluster-resume-clients N  cluster-resume: clients on nodes 2 and 3 (default 300)
          --cluster-resume-rooms N  cluster-resume: rooms, one per client round-robin (default 6)
          --cluster-resume-rate HZ  cluster-resume: numbered messages per second per room (default 20)
          --settle S                seconds before reading server memory (default 2)
          --startup-timeout S       seconds to wait for GET /health (default 30)
          --server-cpus LIST        taskset CPU list for the servers (default 0)
          --client-cpus LIST        taskset CPU list for the load generator (default 1)
          --no-build                use the servers as already built in Release
          --actorws-project PATH    the ActorWs server project (default src/ActorWs/ActorWs.csproj);
                                    it is started as bin/Release/net10.0/<project name>.dll
          --repo DIR                repository root (default: found from the current directory)
          --output DIR              results directory (default: <repo>/artifacts/bench)
          --help                    this text
          --soak                    the soak mode instead (ActorWs alone, correctness and resources over time;
                                    its options: --soak --help)
        """;

    /// <summary>
    /// Parses the arguments. Never throws on bad input: an unknown option, a missing or malformed
    /// value, a value out of range, or an inconsistent combination yields a result with
    /// <see cref="BenchOptionsParseResult.Error"/> set. <c>--quick</c> and <c>--pipelined</c> apply their
    /// presets first, wherever they appear, so explicit options override them.
    /// </summary>
    /// <param name="args">The command-line arguments after <c>--</c>.</param>
    /// <returns>The options, a help request, or an error.</returns>
    public static BenchOptionsParseResult Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = args.Contains("--quick") ? BenchOptions.QuickPreset : new BenchOptions();
        if (args.Contains("--pipelined"))
        {
            options = options with { EchoDepth = PipelinedEchoDepth, EchoCoalesce = true };
        }

        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            switch (name)
            {
                case "--help" or "-h":
                    return BenchOptionsParseResult.Help();
                case "--quick" or "--pipelined":
                    continue;
                case "--no-build":
                    options = options with { BuildServers = false };
                    continue;
                case "--echo-coalesce":
                    options = options with { EchoCoalesce = true };
                    continue;
            }

            if (i + 1 >= args.Count)
            {
                return BenchOptionsParseResult.Failed($"option '{name}' needs a value");
            }

            var value = args[++i];
            var error = Apply(ref options, name, value);
            if (error is not null)
            {
                return BenchOptionsParseResult.Failed(error);
            }
        }

        if (options.ClusterResumeRooms > options.ClusterResumeClients)
        {
            return BenchOptionsParseResult.Failed(
                $"--cluster-resume-rooms ({options.ClusterResumeRooms}) cannot exceed --cluster-resume-clients ({options.ClusterResumeClients})");
        }

        if (options.BroadcastRateStep > 0 && options.BroadcastRate == 0)
        {
            return BenchOptionsParseResult.Failed("--broadcast-rate-step needs --broadcast-rate (the rate the climb starts at)");
        }

        if (options.BroadcastSenders > options.BroadcastMembers)
        {
            return BenchOptionsParseResult.Failed(
                $"--broadcast-senders ({options.BroadcastSenders}) cannot exceed --broadcast-members ({options.BroadcastMembers})");
        }

        return BenchOptionsParseResult.Succeeded(options);
    }

    private static string? Apply(ref BenchOptions options, string name, string value)
    {
        string? error = null;
        switch (name)
        {
            case "--scenarios":
                var scenarios = ParseScenarios(name, value, ref error);
                options = error is null ? options with { Scenarios = scenarios } : options;
                break;
            case "--servers":
                var servers = ParseList<ServerKind>(name, value, ref error);
                options = error is null ? options with { Servers = servers } : options;
                break;
            case "--warmup":
                options = options with { WarmupSeconds = ParseSeconds(name, value, 0, ref error) };
                break;
            case "--duration":
                options = options with { DurationSeconds = ParseSeconds(name, value, 0.1, ref error) };
                break;
            case "--settle":
                options = options with { SettleSeconds = ParseSeconds(name, value, 0, ref error) };
                break;
            case "--startup-timeout":
                options = options with { StartupTimeoutSeconds = ParseSeconds(name, value, 1, ref error) };
                break;
            case "--echo-connections":
                options = options with { EchoConnections = ParseInt(name, value, 1, MaxConnections, ref error) };
                break;
            case "--echo-size":
                options = options with { EchoMessageBytes = ParseInt(name, value, 0, MaxMessageBytes, ref error) };
                break;
            case "--echo-depth":
                options = options with { EchoDepth = ParseInt(name, value, 1, MaxEchoDepth, ref error) };
                break;
            case "--hold-connections":
                options = options with { HoldConnections = ParseInt(name, value, 1, MaxConnections, ref error) };
                break;
            case "--connect-concurrency":
                options = options with { ConnectConcurrency = ParseInt(name, value, 1, MaxConnections, ref error) };
                break;
            case "--broadcast-members":
                options = options with { BroadcastMembers = ParseInt(name, value, 1, MaxConnections, ref error) };
                break;
            case "--broadcast-senders":
                options = options with { BroadcastSenders = ParseInt(name, value, 1, MaxConnections, ref error) };
                break;
            case "--broadcast-rate":
                options = options with { BroadcastRate = ParseInt(name, value, 0, MaxBroadcastRate, ref error) };
                break;
            case "--broadcast-rate-step":
                options = options with { BroadcastRateStep = ParseInt(name, value, 0, MaxBroadcastRate, ref error) };
                break;
            case "--broadcast-size":
                options = options with { BroadcastMessageBytes = ParseInt(name, value, MinBroadcastMessageBytes, MaxMessageBytes, ref error) };
                break;
            case "--tick-clients":
                options = options with { TickClients = ParseInt(name, value, 1, MaxTickClients, ref error) };
                break;
            case "--tick-hz":
                options = options with { TickHz = ParseInt(name, value, 1, TickServer.TickServerArguments.MaxHz, ref error) };
                break;
            case "--tick-size":
                options = options with
                {
                    TickPayloadBytes = ParseInt(name, value, TickServer.TickPayload.TimestampBytes, MaxMessageBytes, ref error),
                };
                break;
            case "--tick-warmup":
                options = options with { TickWarmupSeconds = ParseSeconds(name, value, 0, ref error) };
                break;
            case "--fairness-canaries":
                options = options with { FairnessCanaries = ParseInt(name, value, 1, MaxConnections, ref error) };
                break;
            case "--fairness-size":
                options = options with { FairnessMessageBytes = ParseInt(name, value, 0, MaxMessageBytes, ref error) };
                break;
            case "--fairness-flooders":
                options = options with { FairnessFlooders = ParseInt(name, value, 1, MaxConnections, ref error) };
                break;
            case "--fairness-flood-size":
                options = options with { FairnessFloodBytes = ParseInt(name, value, 0, MaxFloodBytes, ref error) };
                break;
            case "--cluster-resume-clients":
                options = options with { ClusterResumeClients = ParseInt(name, value, 2, MaxClusterResumeClients, ref error) };
                break;
            case "--cluster-resume-rooms":
                options = options with { ClusterResumeRooms = ParseInt(name, value, 1, MaxClusterResumeRooms, ref error) };
                break;
            case "--cluster-resume-rate":
                options = options with { ClusterResumeRate = ParseInt(name, value, 1, MaxClusterResumeRate, ref error) };
                break;
            case "--server-cpus":
                options = options with { ServerCpus = ParseCpuList(name, value, ref error) };
                break;
            case "--client-cpus":
                options = options with { ClientCpus = ParseCpuList(name, value, ref error) };
                break;
            case "--actorws-project":
                if (value.EndsWith(".csproj", StringComparison.Ordinal))
                {
                    options = options with { ActorWsProject = value };
                }
                else
                {
                    error = $"{name} must name a .csproj file, got '{value}'";
                }

                break;
            case "--repo":
                options = options with { RepositoryRoot = value };
                break;
            case "--output":
                options = options with { OutputDirectory = value };
                break;
            default:
                error = $"unknown option '{name}'";
                break;
        }

        return error;
    }

    private static List<ScenarioKind> ParseScenarios(string name, string value, ref string? error)
    {
        var items = new List<ScenarioKind>();
        foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!ScenarioNames.TryParse(part, out var kind))
            {
                error = $"{name}: '{part}' is not one of {string.Join(", ", ScenarioNames.All)}";
                return [];
            }

            if (!items.Contains(kind))
            {
                items.Add(kind);
            }
        }

        if (items.Count == 0)
        {
            error = $"{name} needs at least one of {string.Join(", ", ScenarioNames.All)}";
        }

        return items;
    }

    private static IReadOnlyList<T> ParseList<T>(string name, string value, ref string? error)
        where T : struct, Enum
    {
        var items = new List<T>();
        foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Enum.TryParse<T>(part, ignoreCase: true, out var item) || !Enum.IsDefined(item) || int.TryParse(part, out _))
            {
                error = $"{name}: '{part}' is not one of {string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}";
                return [];
            }

            if (!items.Contains(item))
            {
                items.Add(item);
            }
        }

        if (items.Count == 0)
        {
            error = $"{name} needs at least one of {string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}";
        }

        return items;
    }

    private static int ParseInt(string name, string value, int min, int max, ref string? error)
    {
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed < min || parsed > max)
        {
            error = $"{name} must be an integer in {min}..{max}, got '{value}'";
            return min;
        }

        return parsed;
    }

    private static double ParseSeconds(string name, string value, double min, ref string? error)
    {
        if (!double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var parsed)
            || parsed < min || parsed > MaxSeconds)
        {
            error = $"{name} must be a number of seconds in {min.ToString(CultureInfo.InvariantCulture)}..{MaxSeconds}, got '{value}'";
            return min;
        }

        return parsed;
    }

    private static string ParseCpuList(string name, string value, ref string? error)
    {
        if (!CpuListPattern().IsMatch(value))
        {
            error = $"{name} must be a taskset CPU list such as 0, 1 or 0-3,6, got '{value}'";
        }

        return value;
    }

    [GeneratedRegex(@"^\d{1,4}(-\d{1,4})?(,\d{1,4}(-\d{1,4})?)*$", RegexOptions.CultureInvariant)]
    private static partial Regex CpuListPattern();
}

/// <summary>The outcome of <see cref="BenchOptionsParser.Parse"/>.</summary>
/// <param name="Options">The options when parsing succeeded; otherwise <see langword="null"/>.</param>
/// <param name="Error">Why the command line was rejected; <see langword="null"/> on success or help.</param>
/// <param name="HelpRequested">True when <c>--help</c> was given.</param>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record BenchOptionsParseResult(BenchOptions? Options, string? Error, bool HelpRequested)
{
    /// <summary>A successful parse.</summary>
    /// <param name="options">The options.</param>
    /// <returns>The result.</returns>
    public static BenchOptionsParseResult Succeeded(BenchOptions options) => new(options, null, false);

    /// <summary>A rejected command line.</summary>
    /// <param name="error">What was wrong.</param>
    /// <returns>The result.</returns>
    public static BenchOptionsParseResult Failed(string error) => new(null, error, false);

    /// <summary>A request for the usage text.</summary>
    /// <returns>The result.</returns>
    public static BenchOptionsParseResult Help() => new(null, null, true);
}
