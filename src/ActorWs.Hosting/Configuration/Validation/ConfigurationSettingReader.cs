using ActorWs.Hosting.Configuration.Hocon;
using Microsoft.Extensions.Configuration;

namespace ActorWs.Hosting.Configuration;

/// <summary>
/// Reads typed settings from one configuration section (whatever provider supplied them: HOCON, environment,
/// command line) and collects one clear message per bad value, naming the setting, where its value came from,
/// what was expected and what was found:
/// <c>server.port at hocon.conf:12: expected an integer 1–65535, got "80a"</c>.
/// A missing setting takes the given default; a bad one records an error and also returns the default, so
/// all errors can be reported together by <see cref="ThrowIfInvalid"/>.
/// <para>
/// The reader remembers every key it was asked for (<see cref="SettingsRead"/>): those keys are the settings the
/// section has. After reading them all, <see cref="ReportUnknownSettings"/> records an error for anything else the
/// configuration holds under the section, so a mistyped key does not pass in silence. For that to be right, read
/// every setting on every pass, also those that only matter when another one is set.
/// </para>
/// </summary>
/// <remarks>Not thread-safe: use one instance per binding pass.</remarks>
public sealed class ConfigurationSettingReader
{
    private readonly IConfigurationRoot _configuration;
    private readonly string _sectionPath;
    private readonly List<string> _errors = [];
    private readonly List<string> _keysRead = [];
    private readonly HashSet<string> _keysReadSet = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _freeFormKeys = [];

    /// <summary>Creates a reader for a section.</summary>
    /// <param name="configuration">The configuration root (needed to find which provider each value came from).</param>
    /// <param name="sectionPath">The section, <c>:</c>- or <c>.</c>-separated (for example <c>server</c>); empty for the root.</param>
    public ConfigurationSettingReader(IConfigurationRoot configuration, string sectionPath = "")
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(sectionPath);
        _configuration = configuration;
        _sectionPath = ToConfigurationKey(sectionPath);
    }

    /// <summary>The messages collected so far, one line each.</summary>
    public IReadOnlyList<string> Errors => _errors;

    /// <summary>True while no error has been recorded.</summary>
    public bool IsValid => _errors.Count == 0;

    /// <summary>
    /// The settings this reader has been asked for so far, as written in HOCON with the section in front
    /// (<c>server.http.keep-alive</c>), in the order first read. A section read with <see cref="GetFreeFormChildren"/>
    /// appears under its own name.
    /// </summary>
    public IReadOnlyList<string> SettingsRead => _keysRead.Select(DisplayPath).ToArray();

    /// <summary>Names a setting and where its value came from, for custom messages: <c>server.port at hocon.conf:12</c>.</summary>
    /// <param name="key">The key relative to the section, <c>:</c>- or <c>.</c>-separated.</param>
    /// <returns>The description; just the setting's name when no provider has it.</returns>
    public string Describe(string key) => DescribeFullKey(FullKey(key));

    /// <summary>Records a custom validation failure in the standard format.</summary>
    /// <param name="key">The key relative to the section.</param>
    /// <param name="expected">What would have been valid, for example "an existing certificate file".</param>
    public void Fail(string key, string expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        _errors.Add($"{Describe(key)}: expected {expected}, got {DescribeFound(_configuration.GetSection(FullKey(key)))}");
    }

    /// <summary>Reads a string (any scalar value).</summary>
    /// <param name="key">The key relative to the section.</param>
    /// <param name="defaultValue">Returned when the setting is missing or invalid.</param>
    /// <returns>The value.</returns>
    public string? GetString(string key, string? defaultValue = null)
        => Read(key, SettingExpectations.Text, defaultValue, (string text, out string? value) => { value = text; return true; });

    /// <summary>Reads a 32-bit integer within a range.</summary>
    /// <param name="key">The key relative to the section.</param>
    /// <param name="min">Smallest accepted value.</param>
    /// <param name="max">Largest accepted value.</param>
    /// <param name="defaultValue">Returned when the setting is missing or invalid.</param>
    /// <returns>The value.</returns>
    public int GetInt(string key, int min, int max, int defaultValue)
        => (int)GetLong(key, min, max, defaultValue, int.MinValue, int.MaxValue);

    /// <summary>Reads a 64-bit integer within a range.</summary>
    /// <param name="key">The key relative to the section.</param>
    /// <param name="min">Smallest accepted value.</param>
    /// <param name="max">Largest accepted value.</param>
    /// <param name="defaultValue">Returned when the setting is missing or invalid.</param>
    /// <returns>The value.</returns>
    public long GetLong(string key, long min, long max, long defaultValue)
        => GetLong(key, min, max, defaultValue, long.MinValue, long.MaxValue);

    /// <summary>Reads a boolean: true/false, yes/no or on/off.</summary>
    /// <param name="key">The key relative to the section.</param>
    /// <param name="defaultValue">Returned when the setting is missing or invalid.</param>
    /// <returns>The value.</returns>
    public bool GetBool(string key, bool defaultValue)
        => Read(key, SettingExpectations.Boolean, defaultValue, SettingConversions.TryParseBoolean);

    /// <summary>Reads a number (JSON's grammar: <c>8</c>, <c>8.5</c>, <c>1e3</c>) within a range.</summary>
    /// <param name="key">The key relative to the section.</param>
    /// <param name="min">Smallest accepted value.</param>
    /// <param name="max">Largest accepted value.</param>
    /// <param name="defaultValue">Returned when the setting is missing or invalid.</param>
    /// <returns>The value.</returns>
    public double GetDouble(string key, double min, double max, double defaultValue)
        => Read(key, $"{SettingExpectations.Number} between {min.ToString(System.Globalization.CultureInfo.InvariantCulture)} and {max.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
            defaultValue, (string text, out double value) => SettingConversions.TryParseDouble(text, out value) && value >= min && value <= max);

    /// <summary>Reads a duration (<see cref="HoconDuration"/> format; a bare number is milliseconds) within a range.</summary>
    /// <param name="key">The key relative to the section.</param>
    /// <param name="min">Smallest accepted value.</param>
    /// <param name="max">Largest accepted value.</param>
    /// <param name="defaultValue">Returned when the setting is missing or invalid.</param>
    /// <returns>The value.</returns>
    public TimeSpan GetDuration(string key, TimeSpan min, TimeSpan max, TimeSpan defaultValue)
        => Read(key, SettingExpectations.Duration(min, max), defaultValue, (string text, out TimeSpan value) => HoconDuration.TryParse(text, out value) && value >= min && value <= max);

    /// <summary>Reads a size in bytes (<see cref="ByteSize"/> format; a bare number is bytes) within a range.</summary>
    /// <param name="key">The key relative to the section.</param>
    /// <param name="min">Smallest accepted value.</param>
    /// <param name="max">Largest accepted value.</param>
    /// <param name="defaultValue">Returned when the setting is missing or invalid.</param>
    /// <returns>The value.</returns>
    public long GetBytes(string key, long min, long max, long defaultValue)
        => Read(key, SettingExpectations.Size(min, max), defaultValue, (string text, out long value) => ByteSize.TryParse(text, out value) && value >= min && value <= max);

    /// <summary>Reads a list of strings (configuration children <c>key:0</c>, <c>key:1</c>…).</summary>
    /// <param name="key">The key relative to the section.</param>
    /// <param name="defaultValue">Returned when the setting is missing or invalid.</param>
    /// <returns>The values in index order.</returns>
    public IReadOnlyList<string> GetStringList(string key, IReadOnlyList<string> defaultValue)
    {
        var section = _configuration.GetSection(FullKey(key));
        Remember(section.Path);
        var children = section.GetChildren().ToList();
        if (children.Count == 0) return section.Value is null ? defaultValue : FailAndDefault(key, SettingExpectations.TextList, defaultValue);
        var indexed = new List<(int Index, string? Value)>(children.Count);
        foreach (var child in children)
        {
            if (!int.TryParse(child.Key, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index) || child.Value is null)
            {
                return FailAndDefault(key, SettingExpectations.TextList, defaultValue);
            }

            indexed.Add((index, child.Value));
        }

        return indexed.OrderBy(item => item.Index).Select(item => item.Value!).ToArray();
    }

    /// <summary>
    /// Reads a list of strings that is taken whole from one source: the source of highest precedence (the command line over
    /// environment variables over the file) that has the list, or any item of it, gives every item, and the items of
    /// lower sources are not merged in. The plain <see cref="GetStringList(string, IReadOnlyList{string})"/> merges by index,
    /// as <c>Microsoft.Extensions.Configuration</c> does, so one item given on the command line would replace only the
    /// file's first item and keep the rest; for a list such as seed nodes that would be a list nobody wrote.
    /// </summary>
    /// <param name="key">The key relative to the section.</param>
    /// <param name="defaultValue">Returned when no source has the setting, or when it is invalid.</param>
    /// <returns>The values in index order.</returns>
    public IReadOnlyList<string> GetStringListFromOneSource(string key, IReadOnlyList<string> defaultValue)
    {
        string fullKey = FullKey(key);
        Remember(fullKey);
        foreach (var provider in _configuration.Providers.Reverse())
        {
            bool hasValue = provider.TryGet(fullKey, out var scalar);
            var childKeys = provider.GetChildKeys([], fullKey).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            if (!hasValue && childKeys.Count == 0) continue;
            if (childKeys.Count == 0) return scalar is null ? [] : FailAndDefault(key, SettingExpectations.TextList, defaultValue); // [] or a plain value
            var indexed = new List<(int Index, string Value)>(childKeys.Count);
            foreach (string child in childKeys)
            {
                string childKey = fullKey + ConfigurationPath.KeyDelimiter + child;
                if (!int.TryParse(child, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index)
                    || !provider.TryGet(childKey, out var value) || value is null)
                {
                    return FailAndDefault(key, SettingExpectations.TextList, defaultValue);
                }
                indexed.Add((index, value));
            }
            return indexed.OrderBy(item => item.Index).Select(item => item.Value).ToArray();
        }
        return defaultValue;
    }

    /// <summary>
    /// Reads a section whose children are named by the user rather than by the program (for example log levels
    /// per namespace, <c>overrides { "Microsoft" = warning }</c>). Every key below it counts as read, so
    /// <see cref="ReportUnknownSettings"/> accepts any name there. A plain value where the section belongs is
    /// recorded as an error.
    /// </summary>
    /// <param name="key">The key of the section relative to the reader's section.</param>
    /// <returns>The section's children (none when it is missing or empty).</returns>
    public IReadOnlyList<IConfigurationSection> GetFreeFormChildren(string key)
    {
        var section = _configuration.GetSection(FullKey(key));
        Remember(section.Path);
        if (!_freeFormKeys.Contains(section.Path, StringComparer.OrdinalIgnoreCase)) _freeFormKeys.Add(section.Path);
        var children = section.GetChildren().ToList();
        if (children.Count == 0 && section.Value is not null) Fail(key, SettingExpectations.Section);
        return children;
    }

    /// <summary>
    /// Records an error for every key the configuration holds below the reader's section (from any provider) that
    /// is neither a setting this reader has read nor inside one, naming where its value came from and, when a
    /// setting's name is close, suggesting it: <c>server.prot at hocon.conf:3: unknown setting; did you mean server.port?</c>.
    /// A plain value where a section of settings belongs (<c>server.http = 5</c>) is reported too. Call it once every
    /// setting has been read.
    /// </summary>
    public void ReportUnknownSettings()
    {
        var present = (_sectionPath.Length == 0 ? _configuration.AsEnumerable() : _configuration.GetSection(_sectionPath).AsEnumerable())
            .Where(entry => entry.Key.Length > 0)
            .ToList();
        var presentKeys = new HashSet<string>(present.Select(entry => entry.Key), StringComparer.OrdinalIgnoreCase);
        foreach (var (fullKey, value) in present.OrderBy(entry => entry.Key, StringComparer.OrdinalIgnoreCase))
        {
            if (IsRead(fullKey)) continue;
            if (IsSectionOfSettings(fullKey))
            {
                if (value is not null) _errors.Add($"{DescribeFullKey(fullKey)}: expected {SettingExpectations.Section}, got {HoconScalar.Quote(value)}");
                continue;
            }

            bool hasChildren = presentKeys.Any(other => other.StartsWith(fullKey + ConfigurationPath.KeyDelimiter, StringComparison.OrdinalIgnoreCase));
            if (value is null && hasChildren) continue; // only a path to deeper keys, which are reported themselves
            _errors.Add($"{DescribeFullKey(fullKey)}: unknown setting{Suggestion(fullKey)}");
        }
    }

    /// <summary>Throws when any error was recorded.</summary>
    /// <exception cref="ConfigurationValidationException">At least one setting was invalid; the message lists them, one per line.</exception>
    public void ThrowIfInvalid()
    {
        if (_errors.Count > 0) throw new ConfigurationValidationException(_errors);
    }

    private delegate bool TryConvert<T>(string text, out T value);

    private long GetLong(string key, long min, long max, long defaultValue, long typeMin, long typeMax)
        => Read(key, SettingExpectations.Integer(min, max, typeMin, typeMax), defaultValue, (string text, out long value) => SettingConversions.TryParseInteger(text, out value) && value >= min && value <= max);

    private T Read<T>(string key, string expected, T defaultValue, TryConvert<T> convert)
    {
        var section = _configuration.GetSection(FullKey(key));
        Remember(section.Path);
        if (section.Value is { } text)
        {
            return convert(text, out var value) ? value : FailAndDefault(key, expected, defaultValue);
        }

        // No value: missing (take the default), or an object/array/null where a scalar was expected.
        return section.GetChildren().Any() || KeyExists(section.Path) ? FailAndDefault(key, expected, defaultValue) : defaultValue;
    }

    private void Remember(string fullKey)
    {
        if (_keysReadSet.Add(fullKey)) _keysRead.Add(fullKey);
    }

    /// <summary>Whether the key is a setting that was read, or lies inside one (a list's items, a free-form section's names).</summary>
    private bool IsRead(string fullKey) =>
        _keysRead.Exists(read => string.Equals(fullKey, read, StringComparison.OrdinalIgnoreCase)
            || fullKey.StartsWith(read + ConfigurationPath.KeyDelimiter, StringComparison.OrdinalIgnoreCase));

    /// <summary>Whether settings were read below the key: the reader's own section, or one like <c>server:http</c>.</summary>
    private bool IsSectionOfSettings(string fullKey) =>
        string.Equals(fullKey, _sectionPath, StringComparison.OrdinalIgnoreCase)
        || _keysRead.Exists(read => read.StartsWith(fullKey + ConfigurationPath.KeyDelimiter, StringComparison.OrdinalIgnoreCase));

    /// <summary>"; did you mean server.port?" when a setting's name is close to the key, else nothing.</summary>
    /// <remarks>Names are compared below the section, so that how close counts as close depends on what was typed there.</remarks>
    private string Suggestion(string fullKey)
    {
        var nearest = NearestSettingName.Find(
            RelativeDisplayPath(fullKey),
            _keysRead.Select(RelativeDisplayPath).ToArray(),
            _freeFormKeys.Select(RelativeDisplayPath).ToArray());
        if (nearest is null) return string.Empty;
        return $"; did you mean {(_sectionPath.Length == 0 ? nearest : DisplayPath(_sectionPath) + "." + nearest)}?";
    }

    private string RelativeDisplayPath(string fullKey) =>
        DisplayPath(_sectionPath.Length == 0 ? fullKey : fullKey[(_sectionPath.Length + 1)..]);

    private string DescribeFullKey(string fullKey)
    {
        var origin = ConfigurationOrigins.Describe(_configuration, fullKey);
        return origin is null ? DisplayPath(fullKey) : $"{DisplayPath(fullKey)} at {origin}";
    }

    private bool KeyExists(string fullKey) => _configuration.Providers.Any(p => p.TryGet(fullKey, out _));

    private T FailAndDefault<T>(string key, string expected, T defaultValue)
    {
        Fail(key, expected);
        return defaultValue;
    }

    private static string DescribeFound(IConfigurationSection section)
    {
        if (section.Value is { } text) return HoconScalar.Quote(text);
        if (section.GetChildren().Any()) return section.GetChildren().All(c => int.TryParse(c.Key, out _)) ? "an array" : "an object";
        return "null";
    }

    private string FullKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var relative = ToConfigurationKey(key);
        return _sectionPath.Length == 0 ? relative : relative.Length == 0 ? _sectionPath : _sectionPath + ConfigurationPath.KeyDelimiter + relative;
    }

    private static string ToConfigurationKey(string path) => path.Replace('.', ':');

    private static string DisplayPath(string fullKey) => fullKey.Replace(':', '.');
}
