using ActorWs.Hosting.Configuration;
using ActorWs.Hosting.Configuration.Hocon;
using ActorWs.Hosting.Settings;
using Microsoft.Extensions.Configuration;

namespace ActorWs.Hosting.Hosting;

/// <summary>Where the executable's settings come from, in the usual .NET order.</summary>
public static class ActorWsConfiguration
{
    /// <summary>The prefix of environment variables that override settings: <c>ACTORWS__SERVER__PORT=9000</c>.</summary>
    public const string EnvironmentPrefix = "ACTORWS__";

    /// <summary>The file read when <c>--config</c> is not given (from the current directory, if it is there).</summary>
    public const string DefaultFile = "hocon.conf";

    private const string ConfigSwitch = "--config";
    private const string SettingSwitchForm = "--<setting>=<value> for any setting, such as --server:port=9000";

    /// <summary>
    /// Short command-line switches: <c>--port</c>, <c>--host</c>, <c>--config</c>, and for a cluster node the remoting
    /// address, <c>--cluster-host</c> and <c>--cluster-port</c> (<c>akka.remote.dot-netty.tcp.hostname</c> and <c>.port</c>).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> SwitchMappings = new Dictionary<string, string>
    {
        ["--port"] = "server:port",
        ["--host"] = "server:host",
        [ConfigSwitch] = "config",
        ["--cluster-host"] = "akka:remote:dot-netty:tcp:hostname",
        ["--cluster-port"] = "akka:remote:dot-netty:tcp:port",
    };

    /// <summary>
    /// Repeatable command-line switches, each occurrence one item of a list: <c>--cluster-seed 10.0.0.1:4053 --cluster-seed
    /// 10.0.0.2:4053</c> sets <c>akka.cluster.seed-nodes</c> to both, in that order (replacing the file's list).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> ListSwitches = new Dictionary<string, string>
    {
        ["--cluster-seed"] = "akka:cluster:seed-nodes",
    };

    /// <summary>
    /// Adds, lowest precedence first: the HOCON file (<c>--config FILE</c>, else <c>hocon.conf</c> in the current
    /// directory if present; without a file the built-in defaults apply, which equal the shipped hocon.conf),
    /// environment variables prefixed <see cref="EnvironmentPrefix"/>, then command-line switches.
    /// <see cref="GetConfigurationFiles"/> tells afterwards which files were read, and <see cref="Validate"/> checks what was given.
    /// </summary>
    /// <param name="builder">The configuration builder.</param>
    /// <param name="args">The command-line arguments.</param>
    /// <param name="readerOptions">Where files (and the current directory) and environment substitutions come from; the disk and the process environment when null.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="FileNotFoundException"><c>--config</c> names a file that does not exist.</exception>
    public static IConfigurationBuilder AddActorWsConfiguration(this IConfigurationBuilder builder, string[] args, HoconReaderOptions? readerOptions = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(args);
        readerOptions ??= HoconReaderOptions.Default;
        string? explicitFile = FindConfigArgument(args);
        if (explicitFile is not null && !Exists(readerOptions.FileSystem, explicitFile))
            throw new FileNotFoundException($"configuration file {explicitFile} (given with --config) does not exist", explicitFile);
        string file = explicitFile ?? DefaultFile;
        return builder.AddHoconWithOverrides(file, EnvironmentPrefix, args, new Dictionary<string, string>(SwitchMappings), optional: explicitFile is null, readerOptions,
            new Dictionary<string, string>(ListSwitches));
    }

    /// <summary>
    /// Which configuration files the settings were read from, for the startup log. The executable looks, in this order:
    /// <list type="number">
    /// <item><description>the file given with <c>--config FILE</c> (or <c>--config=FILE</c>), relative to the current
    /// directory; it must exist;</description></item>
    /// <item><description>otherwise <see cref="DefaultFile"/> (<c>hocon.conf</c>) in the current directory, if it is there;</description></item>
    /// <item><description>otherwise no file: every setting takes its built-in default (the same values as the shipped
    /// hocon.conf).</description></item>
    /// </list>
    /// Files included by the one read are listed after it. Whatever the file, <c>ACTORWS__…</c> environment variables and then
    /// command-line switches override its values; those are not files and are not listed.
    /// </summary>
    /// <param name="configuration">The configuration built with <see cref="AddActorWsConfiguration"/> (for example the host's <c>builder.Configuration</c>).</param>
    /// <returns>The files read, or that the built-in defaults are used (and which file was looked for).</returns>
    public static ActorWsConfigurationFiles GetConfigurationFiles(IConfigurationRoot configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var read = new List<string>();
        var notFound = new List<string>();
        bool anyHocon = false;
        foreach (var provider in configuration.Providers.OfType<HoconConfigurationProvider>())
        {
            anyHocon |= provider.Root is not null;
            read.AddRange(provider.FilesRead);
            if (provider.MissingOptionalFile is { } missing) notFound.Add(missing);
        }

        return new ActorWsConfigurationFiles(read.Distinct(StringComparer.Ordinal).ToArray(), notFound.ToArray(), usesBuiltInDefaults: !anyHocon);
    }

    /// <summary>
    /// Checks everything the executable is given, before anything starts, and reports every problem at once: each
    /// command-line argument must be a switch of <see cref="SwitchMappings"/> with its value, or a setting written as a
    /// path (<c>--server:port=9000</c>); the <c>server</c> and <c>logging</c> sections must hold only their settings
    /// (<see cref="ServerSettings.SettingNames"/>, <see cref="LoggingSettings.SettingNames"/>), with valid values; the
    /// <c>akka</c> settings ActorWs checks (<see cref="AkkaSettings"/>, the cluster's among them) must be valid. Other keys
    /// are left to whoever reads them.
    /// </summary>
    /// <param name="configuration">The configuration built with <see cref="AddActorWsConfiguration"/>.</param>
    /// <param name="args">The command-line arguments it was built with.</param>
    /// <exception cref="ConfigurationValidationException">Something is wrong; the message has one line per problem, naming where it came from.</exception>
    public static void Validate(IConfigurationRoot configuration, string[] args)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(args);
        var errors = new List<string>(CheckCommandLine(args));
        CollectErrors(errors, () => ServerSettings.Read(configuration));
        CollectErrors(errors, () => LoggingSettings.Read(configuration));
        CollectErrors(errors, () => AkkaSettings.Read(configuration));
        if (errors.Count > 0) throw new ConfigurationValidationException(errors);
    }

    private static void CollectErrors(List<string> errors, Action read)
    {
        try
        {
            read();
        }
        catch (ConfigurationValidationException ex)
        {
            errors.AddRange(ex.Errors);
        }
    }

    private static IEnumerable<string> CheckCommandLine(string[] args)
    {
        string knownSwitches = $"known switches: {string.Join(", ", SwitchMappings.Keys.Concat(ListSwitches.Keys.Select(name => name + " (repeatable)")))}, and {SettingSwitchForm}";
        foreach (var argument in CommandLineArguments.Parse(args, SwitchMappings, ListSwitches))
        {
            switch (argument.Kind)
            {
                case CommandLineArgumentKind.UnknownSwitch:
                    yield return $"command-line argument {argument.Text}: unknown switch{SwitchSuggestion(argument)} ({knownSwitches})";
                    break;
                case CommandLineArgumentKind.MissingValue:
                    yield return $"command-line argument {argument.Text}: no value follows it ({knownSwitches})";
                    break;
                case CommandLineArgumentKind.Stray:
                    yield return $"command-line argument {argument.Text}: neither a switch nor the value of one ({knownSwitches})";
                    break;
            }
        }
    }

    /// <summary>"; did you mean --port 9000?" for <c>--prot 9000</c>, "; did you mean --server:websocket:ping-interval=10s?" for <c>--ping-interval=10s</c>.</summary>
    private static string SwitchSuggestion(CommandLineArgument argument)
    {
        string typed = argument.Switch.TrimStart('-', '/');
        var shortSwitches = SwitchMappings.Keys.Concat(ListSwitches.Keys).Select(name => name.TrimStart('-')).ToArray();
        var candidates = shortSwitches.Concat(ServerSettings.SettingNames).Concat(LoggingSettings.SettingNames).ToArray();
        var nearest = NearestSettingName.Find(typed, candidates);
        if (nearest is null) return string.Empty;
        string suggestedSwitch = shortSwitches.Contains(nearest, StringComparer.OrdinalIgnoreCase)
            ? "--" + nearest
            : "--" + nearest.Replace('.', ConfigurationPath.KeyDelimiter[0]);
        string withValue = argument.Value is null ? suggestedSwitch
            : argument.ValueIsSeparate ? $"{suggestedSwitch} {argument.Value}"
            : $"{suggestedSwitch}={argument.Value}";
        return $"; did you mean {withValue}?";
    }

    private static bool Exists(IHoconFileSystem fileSystem, string path)
    {
        try
        {
            return fileSystem.TryReadAllText(Path.GetFullPath(path, fileSystem.CurrentDirectory), out _);
        }
        catch (IOException)
        {
            return true; // there but unreadable: the HOCON reader reports why, with the file's name
        }
    }

    private static string? FindConfigArgument(string[] args)
    {
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == ConfigSwitch && i + 1 < args.Length) return args[i + 1];
            if (args[i].StartsWith(ConfigSwitch + "=", StringComparison.Ordinal)) return args[i][(ConfigSwitch.Length + 1)..];
        }
        return null;
    }
}

/// <summary>
/// Which configuration files the settings came from (see <see cref="ActorWsConfiguration.GetConfigurationFiles"/>), so
/// that the startup log can name them: <c>/srv/actorws/hocon.conf</c>, or
/// <c>built-in defaults (/srv/actorws/hocon.conf not found)</c>.
/// </summary>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed class ActorWsConfigurationFiles
{
    /// <summary>Creates the description.</summary>
    /// <param name="read">Absolute paths of the files read, each once, in the order read (a file before the files it includes).</param>
    /// <param name="notFound">Absolute paths of optional files looked for and not found.</param>
    /// <param name="usesBuiltInDefaults">True when no HOCON was read at all.</param>
    public ActorWsConfigurationFiles(IReadOnlyList<string> read, IReadOnlyList<string> notFound, bool usesBuiltInDefaults)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(notFound);
        Read = read.ToArray();
        NotFound = notFound.ToArray();
        UsesBuiltInDefaults = usesBuiltInDefaults;
    }

    /// <summary>Absolute paths of the files read, each once, in the order read (a file before the files it includes).</summary>
    public IReadOnlyList<string> Read { get; }

    /// <summary>Absolute paths of optional files looked for and not found (the default <c>hocon.conf</c> when it is absent).</summary>
    public IReadOnlyList<string> NotFound { get; }

    /// <summary>
    /// True when no HOCON was read at all, so every setting not overridden by an environment variable or a command-line
    /// switch has its built-in default.
    /// </summary>
    public bool UsesBuiltInDefaults { get; }

    /// <summary>
    /// The files read, comma-separated; or <c>built-in defaults</c>, followed by the files looked for in parentheses:
    /// <c>built-in defaults (/srv/actorws/hocon.conf not found)</c>.
    /// </summary>
    /// <returns>The text for a log line.</returns>
    public override string ToString()
    {
        if (Read.Count > 0) return string.Join(", ", Read);
        if (!UsesBuiltInDefaults) return "HOCON text held in memory";
        return NotFound.Count == 0 ? "built-in defaults" : $"built-in defaults ({string.Join(", ", NotFound)} not found)";
    }
}
