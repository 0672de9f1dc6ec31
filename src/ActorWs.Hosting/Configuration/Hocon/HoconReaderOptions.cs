namespace ActorWs.Hosting.Configuration.Hocon;

/// <summary>Where the reader gets files and environment variables from.</summary>
/// <remarks>Immutable record; safe to share if the file system and the lookup are.</remarks>
public sealed record HoconReaderOptions
{
    /// <summary>Reads the root file and included files. Defaults to the disk.</summary>
    public IHoconFileSystem FileSystem { get; init; } = HoconPhysicalFileSystem.Instance;

    /// <summary>
    /// Looks up an environment variable for a substitution that the document does not define (null or empty
    /// means unset). Defaults to the process environment.
    /// </summary>
    public Func<string, string?> EnvironmentLookup { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>The defaults: disk and process environment.</summary>
    public static HoconReaderOptions Default { get; } = new();
}
