using System.Globalization;

namespace ActorWs.Bench.Soak;

/// <summary>Parses the command line of the soak mode (<c>--soak ...</c>).</summary>
/// <remarks>Stateless; safe to call from any thread.</remarks>
public static class SoakOptionsParser
{
    /// <summary>The flag that selects the soak mode.</summary>
    public const string Flag = "--soak";

    /// <summary>Longest soak accepted, so a typo cannot occupy the shared machine for days.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromHours(24);

    /// <summary>The usage text of the soak mode.</summary>
    public const string Usage = """
        usage: dotnet run -c Release --project src/ActorWs.Bench -- --soak [options]

          --soak-connections N      connections held at once (default 10000, at most 19000)
          --soak-duration D         how long (default 1h; 90s, 2m, 1h or plain seconds)
          --soak-warmup D           left out of the memory slope (default a fifth of the duration, at most 5m)
          --seed N                  seed of every random choice (default 42)
          --soak-mix LIST           weights of the client kinds, e.g. echo=35,room=40,slow=4,flood=4,
                                    oversized=4,malformed=4,bomb=4,vanish=5 (kinds left out get 0)
          --soak-faults-per-minute F  server-side faults injected per minute (default 6; 0: none)
          --soak-sample-interval D  how often the server is sampled (default 5s)
          --soak-max-rss-slope K    fail when RSS grows faster than this after warm-up, KiB/min (default 1024;
                                    judged by a robust slope and the first vs last third, see the README)
          --soak-max-heap-slope K   the same for the GC heap after the last collection (default 1024)
          --soak-drain-timeout D    wait for descriptors to come back to the baseline (default 60s)
          --connect-concurrency N   connections opened at once while ramping up (default 64)
          --server-cpus LIST        taskset CPU list for the server (default 0)
          --client-cpus LIST        CPUs for the tool's own clients: a taskset list, auto (default: every CPU
                                    but the server's) or all (not pinned)
          --startup-timeout S       seconds to wait for GET /health (default 30)
          --no-build                use the server as already built in Release
          --actorws-project PATH    the ActorWs server project (default src/ActorWs/ActorWs.csproj)
          --repo DIR                repository root (default: found from the current directory)
          --output DIR              where soak.md and soak.json go (default <repo>/artifacts/bench)
          --help                    this text
        """;

    private static readonly (string Name, SoakClientKind Kind)[] KindNames =
    [
        ("echo", SoakClientKind.Echo), ("room", SoakClientKind.Room), ("slow", SoakClientKind.SlowReader),
        ("flood", SoakClientKind.Flood), ("oversized", SoakClientKind.Oversized), ("malformed", SoakClientKind.Malformed),
        ("bomb", SoakClientKind.CompressionBomb), ("vanish", SoakClientKind.Vanisher),
    ];

    /// <summary>The command-line name of a client kind (<c>echo</c>, <c>slow</c>, <c>bomb</c>, …).</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>Its name.</returns>
    public static string Name(SoakClientKind kind) => KindNames.First(k => k.Kind == kind).Name;

    /// <summary>Whether the arguments ask for the soak mode.</summary>
    /// <param name="args">The arguments.</param>
    /// <returns>True when <see cref="Flag"/> is among them.</returns>
    public static bool IsSoak(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return args.Contains(Flag);
    }

    /// <summary>Parses the arguments; never throws on bad input.</summary>
    /// <param name="args">The arguments, <see cref="Flag"/> among them.</param>
    /// <param name="options">The options when the result is null.</param>
    /// <param name="help">True when <c>--help</c> was given.</param>
    /// <returns>Null on success (or help), otherwise what is wrong.</returns>
    public static string? Parse(IReadOnlyList<string> args, out SoakOptions options, out bool help)
    {
        ArgumentNullException.ThrowIfNull(args);
        options = new SoakOptions();
        help = false;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            switch (name)
            {
                case Flag:
                    continue;
                case "--help" or "-h":
                    help = true;
                    return null;
                case "--no-build":
                    options = options with { BuildServer = false };
                    continue;
            }

            if (i + 1 >= args.Count)
            {
                return $"option '{name}' needs a value";
            }

            var value = args[++i];
            string? error = null;
            switch (name)
            {
                case "--soak-connections":
                    options = options with { Connections = ParseInt(name, value, 1, SoakOptions.MaxConnections, ref error) };
                    break;
                case "--soak-duration":
                    options = options with { Duration = ParseDuration(name, value, TimeSpan.FromSeconds(1), ref error) };
                    break;
                case "--soak-warmup":
                    options = options with { Warmup = ParseDuration(name, value, TimeSpan.Zero, ref error) };
                    break;
                case "--seed":
                    options = options with { Seed = ParseInt(name, value, int.MinValue, int.MaxValue, ref error) };
                    break;
                case "--soak-mix":
                    options = options with { Mix = ParseMix(value, ref error) };
                    break;
                case "--soak-faults-per-minute":
                    options = options with { FaultsPerMinute = ParseDouble(name, value, 0, 6000, ref error) };
                    break;
                case "--soak-sample-interval":
                    options = options with { SampleInterval = ParseDuration(name, value, TimeSpan.FromMilliseconds(100), ref error) };
                    break;
                case "--soak-max-rss-slope":
                    options = options with { MaxRssSlopeKibPerMinute = ParseDouble(name, value, 0, double.MaxValue, ref error) };
                    break;
                case "--soak-max-heap-slope":
                    options = options with { MaxGcHeapSlopeKibPerMinute = ParseDouble(name, value, 0, double.MaxValue, ref error) };
                    break;
                case "--soak-drain-timeout":
                    options = options with { DrainTimeout = ParseDuration(name, value, TimeSpan.Zero, ref error) };
                    break;
                case "--connect-concurrency":
                    options = options with { ConnectConcurrency = ParseInt(name, value, 1, 10_000, ref error) };
                    break;
                case "--server-cpus":
                    options = Procfs.CpuCoreProbe.ParseCpuList(value) is null
                        ? Fail(options, $"{name}: '{value}' is not a CPU list", ref error)
                        : options with { ServerCpus = value };
                    break;
                case "--client-cpus":
                    options = value is SoakOptions.AutoClientCpus or SoakOptions.AllClientCpus || Procfs.CpuCoreProbe.ParseCpuList(value) is not null
                        ? options with { ClientCpus = value }
                        : Fail(options, $"{name}: '{value}' is not a CPU list, auto or all", ref error);
                    break;
                case "--startup-timeout":
                    options = options with { StartupTimeoutSeconds = ParseDouble(name, value, 1, 3600, ref error) };
                    break;
                case "--actorws-project":
                    options = options with { ActorWsProject = value };
                    break;
                case "--repo":
                    options = options with { RepositoryRoot = value };
                    break;
                case "--output":
                    options = options with { OutputDirectory = value };
                    break;
                default:
                    return $"unknown soak option '{name}'";
            }

            if (error is not null)
            {
                return error;
            }
        }

        if (options.EffectiveWarmup >= options.Duration)
        {
            return $"--soak-warmup ({options.EffectiveWarmup}) must be shorter than --soak-duration ({options.Duration})";
        }

        return null;
    }

    /// <summary>Parses a duration: <c>500ms</c>, <c>90s</c>, <c>2m</c>, <c>1h</c> or plain seconds.</summary>
    /// <param name="text">The text.</param>
    /// <param name="duration">The duration when the text is valid.</param>
    /// <returns>Whether it was.</returns>
    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(text);
        duration = default;
        var (number, unit) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 0.001)
            : text.EndsWith('s') ? (text[..^1], 1)
            : text.EndsWith('m') ? (text[..^1], 60)
            : text.EndsWith('h') ? (text[..^1], 3600)
            : (text, 1.0);
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            return false;
        }

        duration = TimeSpan.FromSeconds(value * unit);
        return true;
    }

    private static SoakOptions Fail(SoakOptions options, string message, ref string? error)
    {
        error = message;
        return options;
    }

    private static TimeSpan ParseDuration(string name, string value, TimeSpan min, ref string? error)
    {
        if (!TryParseDuration(value, out var duration) || duration < min || duration > MaxDuration)
        {
            error = $"{name}: '{value}' is not a duration between {min} and {MaxDuration} (e.g. 90s, 2m, 1h)";
        }

        return duration;
    }

    private static int ParseInt(string name, string value, int min, int max, ref string? error)
    {
        if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) || n < min || n > max)
        {
            error = $"{name}: '{value}' is not a whole number between {min} and {max}";
        }

        return n;
    }

    private static double ParseDouble(string name, string value, double min, double max, ref string? error)
    {
        if (!double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n) || !double.IsFinite(n) || n < min || n > max)
        {
            error = $"{name}: '{value}' is not a number between {min} and {max}";
        }

        return n;
    }

    private static Dictionary<SoakClientKind, int> ParseMix(string value, ref string? error)
    {
        var mix = KindNames.ToDictionary(k => k.Kind, _ => 0);
        foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var kindName = eq < 0 ? part : part[..eq];
            var known = KindNames.FirstOrDefault(k => k.Name == kindName);
            if (known.Name is null || eq < 0
                || !int.TryParse(part[(eq + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var weight) || weight > 1000)
            {
                error = $"--soak-mix: '{part}' is not KIND=WEIGHT with KIND one of {string.Join(", ", KindNames.Select(k => k.Name))} and a weight of 0-1000";
                return mix;
            }

            mix[known.Kind] = weight;
        }

        if (mix.Values.Sum() == 0)
        {
            error = "--soak-mix: every weight is 0";
        }

        return mix;
    }
}
