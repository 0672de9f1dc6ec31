using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.CommandLine;

namespace ActorWs.Hosting.Configuration;

/// <summary>
/// Command-line switches as settings overrides, exactly as <see cref="CommandLineConfigurationProvider"/> reads them
/// (<c>--server:port=9000</c>, <c>--server:port 9000</c>, mapped short switches such as <c>--port 9000</c>), plus
/// repeatable list switches (<c>--cluster-seed a --cluster-seed b</c> sets <c>akka:cluster:seed-nodes:0</c> and <c>:1</c>,
/// where the base provider would keep only the last), remembering
/// which argument set each key so that validation messages can name it:
/// <c>server.port at command-line argument --port 80a: expected an integer 0–65535, got "80a"</c>.
/// </summary>
/// <remarks>Read once when built; thread-safe for reading afterwards.</remarks>
public sealed class SettingsCommandLineProvider : CommandLineConfigurationProvider
{
    private readonly IReadOnlyDictionary<string, string> _switchMappings;
    private readonly IReadOnlyDictionary<string, string> _listSwitches;
    private Dictionary<string, string> _argumentOfKey = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Creates the provider.</summary>
    /// <param name="args">The command-line arguments.</param>
    /// <param name="switchMappings">Short switches mapped to keys, for example <c>--port</c> to <c>server:port</c>.</param>
    /// <param name="listSwitches">Repeatable switches mapped to list keys, for example <c>--cluster-seed</c> to <c>akka:cluster:seed-nodes</c>.</param>
    public SettingsCommandLineProvider(IEnumerable<string> args, IDictionary<string, string>? switchMappings = null, IDictionary<string, string>? listSwitches = null)
        : base(args, switchMappings)
    {
        _switchMappings = new Dictionary<string, string>(switchMappings ?? new Dictionary<string, string>(), StringComparer.OrdinalIgnoreCase);
        _listSwitches = new Dictionary<string, string>(listSwitches ?? new Dictionary<string, string>(), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The argument that set <paramref name="key"/> (with its value when that was a separate argument: <c>--port 9000</c>).</summary>
    /// <param name="key">A configuration key such as <c>server:port</c>; case-insensitive.</param>
    /// <param name="argument">The argument when one set the key.</param>
    /// <returns>True when an argument set the key.</returns>
    public bool TryGetArgument(string key, out string argument) => _argumentOfKey.TryGetValue(key, out argument!);

    /// <inheritdoc />
    public override void Load()
    {
        base.Load();
        // The base provider reads "--cluster-seed x" as one key named after the switch, the last occurrence winning: the
        // items go to the list instead, each under its own index.
        foreach (var name in _listSwitches.Keys) Data.Remove(name.TrimStart('-', '/'));
        var argumentOfKey = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var argument in CommandLineArguments.Parse(Args, _switchMappings, _listSwitches))
        {
            if (argument is { Kind: CommandLineArgumentKind.ListSwitch, Key: { } itemKey }) Data[itemKey] = argument.Value;
            // The last argument for a key wins, as in the base provider.
            if (argument.Key is { } key && Data.ContainsKey(key)) argumentOfKey[key] = argument.Text;
        }

        _argumentOfKey = argumentOfKey;
    }

    /// <inheritdoc />
    public override string ToString() => "command-line arguments";
}

/// <summary>The source of <see cref="SettingsCommandLineProvider"/>.</summary>
/// <param name="args">The command-line arguments.</param>
/// <param name="switchMappings">Short switches mapped to keys, for example <c>--port</c> to <c>server:port</c>.</param>
/// <param name="listSwitches">Repeatable switches mapped to list keys, for example <c>--cluster-seed</c> to <c>akka:cluster:seed-nodes</c>.</param>
public sealed class SettingsCommandLineSource(IEnumerable<string> args, IDictionary<string, string>? switchMappings = null, IDictionary<string, string>? listSwitches = null) : IConfigurationSource
{
    /// <inheritdoc />
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new SettingsCommandLineProvider(args, switchMappings, listSwitches);
}
