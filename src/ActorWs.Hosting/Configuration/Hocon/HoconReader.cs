namespace ActorWs.Hosting.Configuration.Hocon;

/// <summary>
/// Reads HOCON into a resolved <see cref="HoconObject"/>: parse, merge duplicate keys and includes, then resolve
/// substitutions over the whole document (as the spec requires).
/// </summary>
/// <remarks>Stateless and thread-safe; each call reads independently.</remarks>
public static class HoconReader
{
    /// <summary>Reads HOCON text. Relative includes are resolved against the directory of <paramref name="sourceName"/>
    /// (taken relative to the file system's current directory).</summary>
    /// <param name="text">The HOCON text.</param>
    /// <param name="sourceName">The name used in messages and origins, for example <c>hocon.conf</c>.</param>
    /// <param name="options">File system and environment; <see cref="HoconReaderOptions.Default"/> when null.</param>
    /// <returns>The resolved root object.</returns>
    /// <exception cref="HoconException">The text is not valid HOCON, an include fails, or a substitution cannot be resolved.</exception>
    public static HoconObject Parse(string text, string sourceName, HoconReaderOptions? options = null)
        => Parse(text, sourceName, options, filesRead: []);

    /// <summary>Reads HOCON text as <see cref="Parse(string, string, HoconReaderOptions?)"/> does, adding the absolute path of every included file to <paramref name="filesRead"/>.</summary>
    internal static HoconObject Parse(string text, string sourceName, HoconReaderOptions? options, List<string> filesRead)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentException.ThrowIfNullOrEmpty(sourceName);
        options ??= HoconReaderOptions.Default;
        var fullPath = Path.GetFullPath(sourceName, options.FileSystem.CurrentDirectory);
        var source = new HoconSource(sourceName, null, Path.GetDirectoryName(fullPath) ?? fullPath, Path.GetDirectoryName(sourceName) ?? string.Empty);
        return Read(text, source, options, filesRead);
    }

    /// <summary>Reads a HOCON file (relative paths are resolved against the file system's current directory).</summary>
    /// <param name="path">The file to read; it is named in messages as given.</param>
    /// <param name="options">File system and environment; <see cref="HoconReaderOptions.Default"/> when null.</param>
    /// <returns>The resolved root object.</returns>
    /// <exception cref="HoconException">The file is missing or unreadable, is not valid HOCON, an include fails, or a substitution cannot be resolved.</exception>
    public static HoconObject ReadFile(string path, HoconReaderOptions? options = null)
        => TryReadFile(path, options) ?? throw new HoconException(HoconOrigin.WholeSource(path), null, "the configuration file does not exist");

    /// <summary>Reads a HOCON file if it exists.</summary>
    /// <param name="path">The file to read; it is named in messages as given.</param>
    /// <param name="options">File system and environment; <see cref="HoconReaderOptions.Default"/> when null.</param>
    /// <returns>The resolved root object, or null when the file does not exist.</returns>
    /// <exception cref="HoconException">The file is unreadable, is not valid HOCON, an include fails, or a substitution cannot be resolved.</exception>
    public static HoconObject? TryReadFile(string path, HoconReaderOptions? options = null)
        => TryReadFile(path, options, filesRead: []);

    /// <summary>
    /// Reads a HOCON file if it exists, as <see cref="TryReadFile(string, HoconReaderOptions?)"/> does, adding the absolute
    /// path of the file and of every file it includes to <paramref name="filesRead"/>.
    /// </summary>
    internal static HoconObject? TryReadFile(string path, HoconReaderOptions? options, List<string> filesRead)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= HoconReaderOptions.Default;
        var fullPath = Path.GetFullPath(path, options.FileSystem.CurrentDirectory);
        string text;
        try
        {
            if (!options.FileSystem.TryReadAllText(fullPath, out text)) return null;
        }
        catch (IOException e)
        {
            throw new HoconException(HoconOrigin.WholeSource(path), null, $"cannot read the configuration file: {e.Message}");
        }

        filesRead.Add(fullPath);
        var source = new HoconSource(path, fullPath, Path.GetDirectoryName(fullPath) ?? fullPath, Path.GetDirectoryName(path) ?? string.Empty);
        return Read(text, source, options, filesRead);
    }

    private static HoconObject Read(string text, HoconSource source, HoconReaderOptions options, List<string> filesRead)
    {
        var includes = new HoconIncludeContext(options.FileSystem, filesRead);
        includes.ActiveSources.Add(source);
        var root = HoconParser.ParseDocument(text, source, includes, substitutionPrefix: null);
        return HoconResolver.ResolveDocument(root, options.EnvironmentLookup);
    }
}
