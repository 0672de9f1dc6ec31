namespace ActorWs.Hosting.Configuration.Hocon;

/// <summary>
/// Where a HOCON token or value was written: the source (file name or a name given to in-memory text),
/// the 1-based line and the 1-based column.
/// </summary>
/// <remarks>Immutable value type; safe to share between threads.</remarks>
/// <param name="SourceName">The file name as the user gave it (or as an include resolved it), or the name of in-memory text.</param>
/// <param name="Line">1-based line number, or 0 when the origin is a whole source rather than a line in it.</param>
/// <param name="Column">1-based column number, or 0 when unknown.</param>
public readonly record struct HoconOrigin(string SourceName, int Line, int Column)
{
    /// <summary>An origin naming a whole source (no line), used for settings that are missing from it.</summary>
    /// <param name="sourceName">The source name.</param>
    /// <returns>An origin whose <see cref="Line"/> is 0.</returns>
    public static HoconOrigin WholeSource(string sourceName) => new(sourceName, 0, 0);

    /// <summary>Renders <c>file:line</c>, or just the source name when no line is known.</summary>
    /// <returns>The text used in every error message.</returns>
    public override string ToString() => Line > 0 ? $"{SourceName}:{Line}" : SourceName;
}
