namespace ActorWs.Hosting.Configuration.Hocon;

/// <summary>
/// The single error type of the HOCON reader: bad syntax, a missing required include, an unresolvable
/// substitution, or a value of the wrong type asked for through a typed accessor.
/// </summary>
/// <remarks>
/// <para>The <see cref="Exception.Message"/> is always one line, in one of these shapes:</para>
/// <list type="bullet">
/// <item><c>&lt;path&gt; at &lt;file&gt;:&lt;line&gt;: &lt;problem&gt;</c> when the setting's path is known
/// (for example <c>server.port at hocon.conf:12: expected an integer 1–65535, got "80a"</c>);</item>
/// <item><c>&lt;file&gt;:&lt;line&gt;: &lt;problem&gt;</c> for syntax errors, where no complete key exists yet.</item>
/// </list>
/// <para>Instances are immutable once thrown and may be read from any thread.</para>
/// </remarks>
public sealed class HoconException : Exception
{
    /// <summary>Creates an exception from its parts; the message is composed from them.</summary>
    /// <param name="origin">Where the problem is, when known.</param>
    /// <param name="path">The rendered setting path (for example <c>server.port</c>), when known.</param>
    /// <param name="problem">What is wrong, phrased for the person editing the file.</param>
    public HoconException(HoconOrigin? origin, string? path, string problem)
        : base(Compose(origin, path, problem))
    {
        Origin = origin;
        Path = path;
        Problem = problem;
    }

    /// <summary>Where the problem is, when known.</summary>
    public HoconOrigin? Origin { get; }

    /// <summary>The rendered path of the setting involved, when known.</summary>
    public string? Path { get; }

    /// <summary>What is wrong, without the location prefix.</summary>
    public string Problem { get; }

    private static string Compose(HoconOrigin? origin, string? path, string problem) => (origin, path) switch
    {
        ({ } o, { } p) => $"{p} at {o}: {problem}",
        ({ } o, null) => $"{o}: {problem}",
        (null, { } p) => $"{p}: {problem}",
        _ => problem,
    };
}
