using ActorWs.Hosting.Configuration.Hocon;
using Microsoft.Extensions.Configuration;

namespace ActorWs.Hosting.Configuration;

/// <summary>
/// Describes HOCON configuration to load: a file (<see cref="Path"/>) or in-memory text (<see cref="Text"/>).
/// Build it through <see cref="HoconConfigurationExtensions"/>.
/// </summary>
/// <remarks>Set the properties before the configuration is built; the source is not meant to change afterwards.</remarks>
public sealed class HoconConfigurationSource : IConfigurationSource
{
    /// <summary>The file to read; relative paths are resolved against <see cref="IHoconFileSystem.CurrentDirectory"/>. Null when <see cref="Text"/> is used.</summary>
    public string? Path { get; set; }

    /// <summary>In-memory HOCON text to read instead of a file.</summary>
    public string? Text { get; set; }

    /// <summary>The name used for <see cref="Text"/> in origins and error messages (and to locate its relative includes).</summary>
    public string SourceName { get; set; } = "hocon";

    /// <summary>When true, a missing <see cref="Path"/> yields no settings instead of an error.</summary>
    public bool Optional { get; set; }

    /// <summary>Where files and includes are read from.</summary>
    public HoconReaderOptions ReaderOptions { get; set; } = HoconReaderOptions.Default;

    /// <inheritdoc />
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new HoconConfigurationProvider(this);
}
