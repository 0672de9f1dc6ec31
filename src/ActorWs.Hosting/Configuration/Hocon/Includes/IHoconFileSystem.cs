namespace ActorWs.Hosting.Configuration.Hocon;

/// <summary>
/// Where the HOCON reader reads files from: the real disk (<see cref="HoconPhysicalFileSystem"/>) or memory
/// (<see cref="HoconInMemoryFileSystem"/>, for tests and for applications that embed their configuration).
/// Paths handed to it are always absolute and normalised.
/// </summary>
/// <remarks>Implementations must be safe to call from several threads if one instance is shared by readers running concurrently.</remarks>
public interface IHoconFileSystem
{
    /// <summary>The directory that relative root paths and <c>include file("...")</c> names are resolved against.</summary>
    string CurrentDirectory { get; }

    /// <summary>Reads a whole file as UTF-8 text.</summary>
    /// <param name="fullPath">Absolute, normalised path.</param>
    /// <param name="text">The file's text when it exists.</param>
    /// <returns>False when the file does not exist (a missing optional include is then ignored).</returns>
    /// <exception cref="IOException">The file exists but cannot be read; the reader reports it as a configuration error.</exception>
    bool TryReadAllText(string fullPath, out string text);
}
