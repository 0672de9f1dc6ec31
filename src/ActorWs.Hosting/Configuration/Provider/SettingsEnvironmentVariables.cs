using System.Collections;
using Microsoft.Extensions.Configuration;

namespace ActorWs.Hosting.Configuration;

/// <summary>
/// Environment variables as settings overrides: <c>PREFIX</c> stripped, <c>__</c> separating levels, and a
/// single <c>_</c> standing for the dash our keys use (shells cannot export names with dashes), so
/// <c>ACTORWS__SERVER__WEBSOCKET__IDLE_TIMEOUT=90s</c> sets <c>server:websocket:idle-timeout</c>.
/// </summary>
/// <remarks>
/// Remembers which variable set each key, so validation messages can name it. Read once when built;
/// thread-safe for reading afterwards.
/// </remarks>
public sealed class SettingsEnvironmentVariablesProvider : ConfigurationProvider
{
    private readonly string _prefix;
    private readonly Func<IDictionary> _environment;
    private readonly Dictionary<string, string> _variableOfKey = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Reads variables starting with <paramref name="prefix"/> from <paramref name="environment"/> (the process's when null).</summary>
    public SettingsEnvironmentVariablesProvider(string prefix, Func<IDictionary>? environment = null)
    {
        _prefix = prefix;
        _environment = environment ?? Environment.GetEnvironmentVariables;
    }

    /// <summary>The variable that set <paramref name="key"/>, if one did.</summary>
    public bool TryGetVariable(string key, out string variable) => _variableOfKey.TryGetValue(key, out variable!);

    /// <inheritdoc />
    public override void Load()
    {
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        _variableOfKey.Clear();
        foreach (DictionaryEntry entry in _environment())
        {
            string name = (string)entry.Key;
            if (!name.StartsWith(_prefix, StringComparison.OrdinalIgnoreCase)) continue;
            string key = ToKey(name[_prefix.Length..]);
            if (key.Length == 0) continue;
            data[key] = entry.Value as string;
            _variableOfKey[key] = name;
        }
        Data = data;
    }

    /// <summary><c>SERVER__WEBSOCKET__IDLE_TIMEOUT</c> → <c>server:websocket:idle-timeout</c>.</summary>
    internal static string ToKey(string name) =>
        string.Join(ConfigurationPath.KeyDelimiter, name.Split("__").Select(part => part.Replace('_', '-').ToLowerInvariant()));

    /// <inheritdoc />
    public override string ToString() => $"environment variables ({_prefix}*)";
}

/// <summary>The source of <see cref="SettingsEnvironmentVariablesProvider"/>.</summary>
public sealed class SettingsEnvironmentVariablesSource(string prefix, Func<IDictionary>? environment = null) : IConfigurationSource
{
    /// <inheritdoc />
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new SettingsEnvironmentVariablesProvider(prefix, environment);
}
