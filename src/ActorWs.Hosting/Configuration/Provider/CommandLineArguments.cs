namespace ActorWs.Hosting.Configuration;

/// <summary>What one command-line argument (with its value, when that is the next argument) amounts to.</summary>
internal enum CommandLineArgumentKind
{
    /// <summary>A mapped short switch such as <c>--port 9000</c>.</summary>
    MappedSwitch,
    /// <summary>
    /// One occurrence of a repeatable switch such as <c>--cluster-seed 127.0.0.1:4053</c>: each adds an item to the list
    /// it is mapped to (<c>akka:cluster:seed-nodes:0</c>, <c>:1</c>…), in the order given.
    /// </summary>
    ListSwitch,
    /// <summary>A configuration path such as <c>--server:port=9000</c> (it holds a <c>:</c>).</summary>
    SettingPath,
    /// <summary>A switch that is neither mapped nor a configuration path, such as <c>--prot 9000</c>.</summary>
    UnknownSwitch,
    /// <summary>A switch that is the last argument and has no <c>=value</c>, so it sets nothing.</summary>
    MissingValue,
    /// <summary>An argument that is neither a switch nor the value of one, such as a lone <c>9000</c>.</summary>
    Stray,
}

/// <summary>One command-line argument as the configuration sees it.</summary>
/// <param name="Text">The argument as given, with its value when that was the next argument: <c>--prot 9000</c>.</param>
/// <param name="Kind">What it amounts to.</param>
/// <param name="Switch">The switch without its value (<c>--prot</c>); the whole argument for <see cref="CommandLineArgumentKind.Stray"/>.</param>
/// <param name="Key">The configuration key it sets (<c>server:port</c>), or null when the provider ignores or rejects it.</param>
/// <param name="Value">The value given with it, or null when there is none.</param>
/// <param name="ValueIsSeparate">True when the value was the next argument rather than written after <c>=</c>.</param>
internal sealed record CommandLineArgument(string Text, CommandLineArgumentKind Kind, string Switch, string? Key, string? Value, bool ValueIsSeparate);

/// <summary>
/// Reads command-line arguments the way <c>Microsoft.Extensions.Configuration.CommandLine</c> does (so that what it
/// reports matches what the configuration holds), but keeps, for each, the argument text and whether it means
/// anything: <c>--key=value</c>, <c>--key value</c>, <c>/key value</c> (same as <c>--key</c>), <c>key=value</c>,
/// and mapped switches (also <c>-p value</c>); the last argument for a key wins.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
internal static class CommandLineArguments
{
    private const string LongPrefix = "--";
    private const string ShortPrefix = "-";
    private const string SlashPrefix = "/";

    /// <summary>Reads the arguments in order.</summary>
    /// <param name="args">The command-line arguments.</param>
    /// <param name="switchMappings">Short switches mapped to keys (<c>--port</c> → <c>server:port</c>), compared without regard to case.</param>
    /// <param name="listSwitches">Repeatable switches mapped to list keys (<c>--cluster-seed</c> → <c>akka:cluster:seed-nodes</c>).</param>
    /// <returns>One entry per argument, or per switch and its separate value.</returns>
    public static IReadOnlyList<CommandLineArgument> Parse(IEnumerable<string> args, IEnumerable<KeyValuePair<string, string>>? switchMappings, IEnumerable<KeyValuePair<string, string>>? listSwitches = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var mappings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, key) in switchMappings ?? []) mappings[name] = key;
        var lists = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, key) in listSwitches ?? []) lists[name] = key;
        var itemsSoFar = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var list = args.ToList();
        var result = new List<CommandLineArgument>(list.Count);
        for (int i = 0; i < list.Count; i++)
        {
            string original = list[i];
            string argument = original;
            int prefixLength = 0;
            if (argument.StartsWith(LongPrefix, StringComparison.Ordinal)) prefixLength = LongPrefix.Length;
            else if (argument.StartsWith(ShortPrefix, StringComparison.Ordinal)) prefixLength = ShortPrefix.Length;
            else if (argument.StartsWith(SlashPrefix, StringComparison.Ordinal))
            {
                argument = LongPrefix + argument[SlashPrefix.Length..]; // "/key" means "--key", also for the mappings
                prefixLength = LongPrefix.Length;
            }

            int equals = argument.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                if (prefixLength == 0)
                {
                    result.Add(new CommandLineArgument(original, CommandLineArgumentKind.Stray, original, null, null, false));
                    continue;
                }

                bool hasValue = i + 1 < list.Count;
                if (lists.TryGetValue(argument, out var listKey))
                {
                    if (!hasValue)
                    {
                        result.Add(new CommandLineArgument(original, CommandLineArgumentKind.MissingValue, original, null, null, false));
                        continue;
                    }
                    string item = list[++i];
                    result.Add(new CommandLineArgument($"{original} {item}", CommandLineArgumentKind.ListSwitch, original, NextItemKey(itemsSoFar, listKey), item, true));
                    continue;
                }

                bool mapped = mappings.TryGetValue(argument, out var mappedKey);
                if (!mapped && prefixLength == ShortPrefix.Length)
                {
                    // The provider ignores an unmapped "-x" (and then takes its value for a stray argument): report both as one.
                    string? ignoredValue = hasValue && !list[i + 1].StartsWith(ShortPrefix, StringComparison.Ordinal) ? list[++i] : null;
                    string text = ignoredValue is null ? original : $"{original} {ignoredValue}";
                    result.Add(new CommandLineArgument(text, CommandLineArgumentKind.UnknownSwitch, original, null, ignoredValue, ignoredValue is not null));
                    continue;
                }

                if (!hasValue)
                {
                    result.Add(new CommandLineArgument(original, CommandLineArgumentKind.MissingValue, original, null, null, false));
                    continue;
                }

                string key = mapped ? mappedKey! : argument[prefixLength..];
                string value = list[++i];
                result.Add(new CommandLineArgument($"{original} {value}", KindOf(mapped, key), original, key, value, true));
            }
            else
            {
                string name = argument[..equals];
                string shownSwitch = original[..(equals - (argument.Length - original.Length))];
                if (lists.TryGetValue(name, out var listKey))
                {
                    result.Add(new CommandLineArgument(original, CommandLineArgumentKind.ListSwitch, shownSwitch, NextItemKey(itemsSoFar, listKey), argument[(equals + 1)..], false));
                    continue;
                }

                bool mapped = mappings.TryGetValue(name, out var mappedKey);
                if (!mapped && prefixLength == ShortPrefix.Length)
                {
                    // The provider rejects this with a FormatException before anything is read.
                    result.Add(new CommandLineArgument(original, CommandLineArgumentKind.UnknownSwitch, shownSwitch, null, argument[(equals + 1)..], false));
                    continue;
                }

                string key = mapped ? mappedKey! : argument[prefixLength..equals];
                result.Add(new CommandLineArgument(original, KindOf(mapped, key), shownSwitch, key, argument[(equals + 1)..], false));
            }
        }

        return result;
    }

    /// <summary><c>akka:cluster:seed-nodes:0</c> for the first item of a list switch, <c>:1</c> for the next…</summary>
    private static string NextItemKey(Dictionary<string, int> itemsSoFar, string listKey)
    {
        itemsSoFar.TryGetValue(listKey, out int index);
        itemsSoFar[listKey] = index + 1;
        return listKey + Microsoft.Extensions.Configuration.ConfigurationPath.KeyDelimiter + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static CommandLineArgumentKind KindOf(bool mapped, string key) =>
        mapped ? CommandLineArgumentKind.MappedSwitch
        : key.Contains(Microsoft.Extensions.Configuration.ConfigurationPath.KeyDelimiter, StringComparison.Ordinal) ? CommandLineArgumentKind.SettingPath
        : CommandLineArgumentKind.UnknownSwitch;
}
