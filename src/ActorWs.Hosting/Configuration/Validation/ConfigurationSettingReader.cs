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
/// </summary>
/// <remarks>Not thread-safe: use one instance per binding pass.</remarks>
public sealed class ConfigurationSettingReader
{
    private readonly IConfigurationRoot _configuration;
    private readonly string _sectionPath;
    private readonly List<string> _errors = [];

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

    /// <summary>Names a setting and where its value came from, for custom messages: <c>server.port at hocon.conf:12</c>.</summary>
    /// <param name="key">The key relative to the section, <c>:</c>- or <c>.</c>-separated.</param>
    /// <returns>The description; just the setting's name when no provider has it.</returns>
    public string Describe(string key)
    {
        var fullKey = FullKey(key);
        var origin = ConfigurationOrigins.Describe(_configuration, fullKey);
        return origin is null ? DisplayPath(fullKey) : $"{DisplayPath(fullKey)} at {origin}";
    }

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
        if (section.Value is { } text)
        {
            return convert(text, out var value) ? value : FailAndDefault(key, expected, defaultValue);
        }

        // No value: missing (take the default), or an object/array/null where a scalar was expected.
        return section.GetChildren().Any() || KeyExists(section.Path) ? FailAndDefault(key, expected, defaultValue) : defaultValue;
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
