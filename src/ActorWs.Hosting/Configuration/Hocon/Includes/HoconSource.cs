namespace ActorWs.Hosting.Configuration.Hocon;

/// <summary>
/// One parsed source: the name shown in messages (as the user wrote it, or joined from include names) and, for
/// files, the absolute path used for reading, locating relative includes and detecting include cycles.
/// </summary>
internal sealed record HoconSource(string DisplayName, string? FullPath, string IncludeDirectory, string DisplayDirectory);

/// <summary>State shared by a root file and all the files it includes.</summary>
internal sealed class HoconIncludeContext(IHoconFileSystem fileSystem, List<string> filesRead)
{
    /// <summary>Deepest chain of nested includes accepted (a cycle is reported before this is reached).</summary>
    public const int MaxIncludeDepth = 32;

    public IHoconFileSystem FileSystem { get; } = fileSystem;

    /// <summary>Files being parsed, outermost first, to report include cycles.</summary>
    public List<HoconSource> ActiveSources { get; } = [];

    /// <summary>Absolute paths of every file read so far (the root file, then includes in the order read).</summary>
    public List<string> FilesRead { get; } = filesRead;
}
