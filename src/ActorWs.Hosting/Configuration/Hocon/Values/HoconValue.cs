namespace ActorWs.Hosting.Configuration.Hocon;

/// <summary>A fully resolved HOCON value (no substitutions left), with the place it was written.</summary>
/// <remarks>Resolved values are immutable; a tree of them may be read from any number of threads.</remarks>
public abstract class HoconValue
{
    private protected HoconValue(HoconOrigin origin) => Origin = origin;

    /// <summary>Where the value was written (for a concatenation: where it starts).</summary>
    public HoconOrigin Origin { get; }

    /// <summary>The JSON type of the value.</summary>
    public abstract HoconValueKind Kind { get; }

    /// <summary>
    /// A short description of the value for error messages: strings are quoted with JSON escapes, numbers and
    /// booleans appear as written, objects and arrays are named rather than printed.
    /// </summary>
    /// <returns>For example <c>"80a"</c>, <c>3.5</c>, <c>null</c>, <c>an object</c>.</returns>
    public abstract string Describe();
}
