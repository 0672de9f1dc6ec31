using ActorWs.Hosting.Configuration;
using Microsoft.Extensions.Configuration;

namespace ActorWs.Hosting.Hosting;

/// <summary>Where the executable's settings come from, in the usual .NET order.</summary>
public static class ActorWsConfiguration
{
    /// <summary>The prefix of environment variables that override settings: <c>ACTORWS__SERVER__PORT=9000</c>.</summary>
    public const string EnvironmentPrefix = "ACTORWS__";

    /// <summary>The file read when <c>--config</c> is not given (from the current directory, if it is there).</summary>
    public const string DefaultFile = "hocon.conf";

    /// <summary>Short command-line switches: <c>--port</c>, <c>--host</c>.</summary>
    public static readonly IReadOnlyDictionary<string, string> SwitchMappings = new Dictionary<string, string>
    {
        ["--port"] = "server:port",
        ["--host"] = "server:host",
        ["--config"] = "config",
    };

    /// <summary>
    /// Adds, lowest precedence first: the HOCON file (<c>--config FILE</c>, else <c>hocon.conf</c> in the current
    /// directory if present; without a file the built-in defaults apply, which equal the shipped hocon.conf),
    /// environment variables prefixed <see cref="EnvironmentPrefix"/>, then command-line switches.
    /// </summary>
    /// <exception cref="FileNotFoundException"><c>--config</c> names a file that does not exist.</exception>
    public static IConfigurationBuilder AddActorWsConfiguration(this IConfigurationBuilder builder, string[] args)
    {
        ArgumentNullException.ThrowIfNull(builder);
        string? explicitFile = FindConfigArgument(args);
        if (explicitFile is not null && !File.Exists(explicitFile))
            throw new FileNotFoundException($"configuration file {explicitFile} (given with --config) does not exist", explicitFile);
        string file = explicitFile ?? DefaultFile;
        return builder.AddHoconWithOverrides(file, EnvironmentPrefix, args, new Dictionary<string, string>(SwitchMappings), optional: explicitFile is null);
    }

    private static string? FindConfigArgument(string[] args)
    {
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--config" && i + 1 < args.Length) return args[i + 1];
            if (args[i].StartsWith("--config=", StringComparison.Ordinal)) return args[i]["--config=".Length..];
        }
        return null;
    }
}
