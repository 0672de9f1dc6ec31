using System.Diagnostics.CodeAnalysis;
using ActorWs.Hosting.Configuration.Hocon;
using Microsoft.Extensions.Configuration;

namespace ActorWs.Hosting.Configuration;

/// <summary>
/// Exposes resolved HOCON as configuration keys: <c>a.b.c</c> becomes <c>a:b:c</c>, array elements become
/// <c>a:0</c>, <c>a:1</c>…, numbers keep their written form, booleans are <c>true</c>/<c>false</c>, null and empty
/// objects or arrays are keys with a null value. Remembers the file and line of every key
/// (<see cref="IHoconOriginLookup"/>) so validation can say where a bad value came from.
/// </summary>
/// <remarks>
/// Configuration keys are case-insensitive, HOCON keys are not: keys differing only in case collapse to the later one.
/// <see cref="Load"/> is called by the configuration builder; reads afterwards are safe from any thread. Files are not
/// watched for changes.
/// </remarks>
public sealed class HoconConfigurationProvider : ConfigurationProvider, IHoconOriginLookup
{
    private readonly HoconConfigurationSource _source;
    private Dictionary<string, HoconOrigin> _origins = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Creates a provider for a source.</summary>
    /// <param name="source">What to load.</param>
    public HoconConfigurationProvider(HoconConfigurationSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        _source = source;
    }

    /// <summary>The resolved document after <see cref="Load"/>; null before, or when an optional file was missing.</summary>
    public HoconObject? Root { get; private set; }

    /// <summary>
    /// Absolute paths of the files the last <see cref="Load"/> read: the source's file (none for in-memory text), then
    /// every file it included, in the order read. Empty before loading and when an optional file was missing.
    /// </summary>
    public IReadOnlyList<string> FilesRead { get; private set; } = [];

    /// <summary>
    /// The absolute path of the optional file that the last <see cref="Load"/> looked for and did not find; null when it
    /// was found, before loading, and for in-memory text.
    /// </summary>
    public string? MissingOptionalFile { get; private set; }

    /// <summary>Reads and resolves the HOCON and replaces the provider's keys.</summary>
    /// <exception cref="HoconException">The configuration is invalid; the message names the file and line.</exception>
    public override void Load()
    {
        var filesRead = new List<string>();
        var root = _source.Text is { } text
            ? HoconReader.Parse(text, _source.SourceName, _source.ReaderOptions, filesRead)
            : ReadFile(filesRead);
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var origins = new Dictionary<string, HoconOrigin>(StringComparer.OrdinalIgnoreCase);
        if (root is not null) Flatten(root, null, data, origins);
        Root = root;
        FilesRead = filesRead;
        MissingOptionalFile = root is null && _source.Path is { } path ? Path.GetFullPath(path, _source.ReaderOptions.FileSystem.CurrentDirectory) : null;
        _origins = origins;
        Data = data;
    }

    /// <inheritdoc />
    /// <remarks>Also knows keys of non-empty objects and arrays, which have no value of their own.</remarks>
    public bool TryGetOrigin(string key, out HoconOrigin origin) => _origins.TryGetValue(key, out origin);

    /// <inheritdoc />
    public override string ToString() => $"{nameof(HoconConfigurationProvider)} for '{_source.Path ?? _source.SourceName}' ({(_source.Optional ? "Optional" : "Required")})";

    private HoconObject? ReadFile(List<string> filesRead)
    {
        var path = _source.Path ?? throw new InvalidOperationException("a HOCON configuration source needs a Path or a Text");
        var root = HoconReader.TryReadFile(path, _source.ReaderOptions, filesRead);
        if (root is null && !_source.Optional)
        {
            throw new HoconException(HoconOrigin.WholeSource(path), null, "the configuration file does not exist (pass optional: true to allow that)");
        }

        return root;
    }

    private static void Flatten(HoconValue value, string? prefix, Dictionary<string, string?> data, Dictionary<string, HoconOrigin> origins)
    {
        if (prefix is not null) origins[prefix] = value.Origin; // objects and arrays too, so "got an object" can say where
        switch (value)
        {
            case HoconObject { Count: > 0 } obj:
                foreach (var (key, child) in obj) Flatten(child, Join(prefix, key), data, origins);
                return;
            case HoconArray { Count: > 0 } array:
                for (var i = 0; i < array.Count; i++) Flatten(array[i], Join(prefix, i.ToString(System.Globalization.CultureInfo.InvariantCulture)), data, origins);
                return;
        }

        if (prefix is null) return; // an empty root has no keys
        data[prefix] = value is HoconScalar { IsNull: false } scalar ? scalar.Text : null;
    }

    [return: NotNullIfNotNull(nameof(key))]
    private static string Join(string? prefix, string key) => prefix is null ? key : prefix + ConfigurationPath.KeyDelimiter + key;
}
