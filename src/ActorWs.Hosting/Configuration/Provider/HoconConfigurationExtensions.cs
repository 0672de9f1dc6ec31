using ActorWs.Hosting.Configuration.Hocon;
using Microsoft.Extensions.Configuration;

namespace ActorWs.Hosting.Configuration;

/// <summary>
/// Adds HOCON to a configuration builder. Add it first so that the usual later sources override it:
/// <c>AddHoconFile("hocon.conf").Add(new SettingsEnvironmentVariablesSource("ACTORWS__")).Add(new SettingsCommandLineSource(args))</c>
/// gives HOCON &lt; environment &lt; command line. <see cref="AddHoconWithOverrides"/> adds the three in that order.
/// </summary>
/// <remarks>Stateless and thread-safe; the builder itself is not thread-safe.</remarks>
public static class HoconConfigurationExtensions
{
    /// <summary>
    /// Adds a HOCON file, then environment variables with <paramref name="environmentPrefix"/> (prefix stripped,
    /// <c>__</c> read as <c>:</c>), then command-line switches, so each overrides the one before. Because they are
    /// added last, they also override a host's default sources (which read unprefixed environment variables and
    /// the command line before any HOCON was added).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="path">The HOCON file.</param>
    /// <param name="environmentPrefix">For example <c>ACTORWS__</c>, so <c>ACTORWS__SERVER__PORT</c> sets <c>server:port</c>.</param>
    /// <param name="args">The command-line arguments (<c>--server:port 9000</c> or <c>--server:port=9000</c>).</param>
    /// <param name="switchMappings">Short switches mapped to keys, for example <c>-p</c> to <c>server:port</c>.</param>
    /// <param name="optional">When true, a missing HOCON file adds nothing instead of failing.</param>
    /// <param name="readerOptions">File system and environment lookup for the HOCON reader.</param>
    /// <param name="listSwitches">Repeatable switches mapped to list keys, for example <c>--cluster-seed</c> to <c>akka:cluster:seed-nodes</c>.</param>
    /// <returns>The builder.</returns>
    public static IConfigurationBuilder AddHoconWithOverrides(
        this IConfigurationBuilder builder,
        string path,
        string environmentPrefix,
        string[] args,
        IDictionary<string, string>? switchMappings = null,
        bool optional = false,
        HoconReaderOptions? readerOptions = null,
        IDictionary<string, string>? listSwitches = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentException.ThrowIfNullOrEmpty(environmentPrefix);
        return builder
            .AddHoconFile(path, optional, readerOptions)
            .Add(new SettingsEnvironmentVariablesSource(environmentPrefix))
            .Add(new SettingsCommandLineSource(args, switchMappings, listSwitches));
    }

    /// <summary>Adds a HOCON file.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="path">The file; relative paths are taken from the current directory. Named in messages as given.</param>
    /// <param name="optional">When true, a missing file adds nothing instead of failing.</param>
    /// <param name="readerOptions">File system and environment lookup; the disk and process environment when null.</param>
    /// <returns>The builder.</returns>
    public static IConfigurationBuilder AddHoconFile(this IConfigurationBuilder builder, string path, bool optional = false, HoconReaderOptions? readerOptions = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(path);
        return builder.Add(new HoconConfigurationSource { Path = path, Optional = optional, ReaderOptions = readerOptions ?? HoconReaderOptions.Default });
    }

    /// <summary>Adds HOCON text held in memory.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="text">The HOCON text.</param>
    /// <param name="sourceName">The name used in origins and error messages.</param>
    /// <param name="readerOptions">File system (for includes) and environment lookup; the disk and process environment when null.</param>
    /// <returns>The builder.</returns>
    public static IConfigurationBuilder AddHocon(this IConfigurationBuilder builder, string text, string sourceName, HoconReaderOptions? readerOptions = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(text);
        ArgumentException.ThrowIfNullOrEmpty(sourceName);
        return builder.Add(new HoconConfigurationSource { Text = text, SourceName = sourceName, ReaderOptions = readerOptions ?? HoconReaderOptions.Default });
    }

    /// <summary>
    /// Describes where the value that wins for <paramref name="key"/> came from: <c>hocon.conf:12</c> for HOCON,
    /// <c>environment variable ACTORWS__SERVER__PORT</c>, <c>command-line argument --port 9000</c> (<c>command line</c>
    /// for the standard command-line provider), or the provider's name.
    /// </summary>
    /// <param name="configuration">A configuration root (for example the host's <c>ConfigurationManager</c>).</param>
    /// <param name="key">A configuration key such as <c>server:port</c>.</param>
    /// <returns>The description, or null when no provider has the key.</returns>
    public static string? DescribeOrigin(this IConfigurationRoot configuration, string key)
        => ConfigurationOrigins.Describe(configuration, key);
}
