using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Configuration.EnvironmentVariables;

namespace ActorWs.Hosting.Configuration;

/// <summary>Finds which provider's value wins for a key (the last one that has it) and says where that value came from.</summary>
/// <remarks>Stateless and thread-safe.</remarks>
internal static class ConfigurationOrigins
{
    private const string EnvironmentDelimiter = "__";
    private const string PrefixMarker = "Prefix: '";

    public static string? Describe(IConfigurationRoot configuration, string key)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(key);
        foreach (var provider in configuration.Providers.Reverse())
        {
            if (!provider.TryGet(key, out _)) continue;
            return provider switch
            {
                IHoconOriginLookup hocon when hocon.TryGetOrigin(key, out var origin) => origin.ToString(),
                SettingsEnvironmentVariablesProvider settings when settings.TryGetVariable(key, out var variable) => $"environment variable {variable}",
                EnvironmentVariablesConfigurationProvider => $"environment variable {EnvironmentPrefix(provider)}{key.Replace(ConfigurationPath.KeyDelimiter, EnvironmentDelimiter, StringComparison.Ordinal).ToUpperInvariant()}",
                SettingsCommandLineProvider commandLine when commandLine.TryGetArgument(key, out var argument) => $"command-line argument {argument}",
                CommandLineConfigurationProvider => "command line",
                _ => provider.ToString() ?? provider.GetType().Name,
            };
        }

        // No provider has a value for the key itself: it may be an object or array, which only HOCON tracks.
        foreach (var provider in configuration.Providers.Reverse())
        {
            if (provider is IHoconOriginLookup hocon && hocon.TryGetOrigin(key, out var origin)) return origin.ToString();
        }

        return null;
    }

    /// <summary>The prefix the provider strips, which it only reveals through ToString ("... Prefix: 'ACTORWS__'").</summary>
    private static string EnvironmentPrefix(IConfigurationProvider provider)
    {
        var text = provider.ToString() ?? string.Empty;
        var start = text.IndexOf(PrefixMarker, StringComparison.Ordinal);
        if (start < 0) return string.Empty;
        start += PrefixMarker.Length;
        var end = text.IndexOf('\'', start);
        return end < 0 ? string.Empty : text[start..end];
    }
}
