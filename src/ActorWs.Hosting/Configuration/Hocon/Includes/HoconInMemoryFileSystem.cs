namespace ActorWs.Hosting.Configuration.Hocon;

/// <summary>
/// Files held in memory, keyed by absolute path (relative paths are taken relative to <see cref="CurrentDirectory"/>).
/// Lets tests and embedding applications use includes without touching the disk.
/// </summary>
/// <remarks>Add files before reading; concurrent reads are safe, but adding while another thread reads is not.</remarks>
public sealed class HoconInMemoryFileSystem : IHoconFileSystem
{
    private readonly Dictionary<string, string> _files = new(StringComparer.Ordinal);

    /// <summary>Creates an empty file system.</summary>
    /// <param name="currentDirectory">An absolute directory that relative paths are resolved against.</param>
    public HoconInMemoryFileSystem(string currentDirectory = "/")
    {
        if (!Path.IsPathFullyQualified(currentDirectory)) throw new ArgumentException("the current directory must be an absolute path", nameof(currentDirectory));
        CurrentDirectory = Path.GetFullPath(currentDirectory);
    }

    /// <inheritdoc />
    public string CurrentDirectory { get; }

    /// <summary>Adds or replaces a file.</summary>
    /// <param name="path">Absolute path, or a path relative to <see cref="CurrentDirectory"/>.</param>
    /// <param name="text">The file's content.</param>
    /// <returns>This instance, for chaining.</returns>
    public HoconInMemoryFileSystem Add(string path, string text)
    {
        _files[Path.GetFullPath(path, CurrentDirectory)] = text;
        return this;
    }

    /// <inheritdoc />
    public bool TryReadAllText(string fullPath, out string text)
    {
        if (_files.TryGetValue(fullPath, out var found))
        {
            text = found;
            return true;
        }

        text = string.Empty;
        return false;
    }
}
