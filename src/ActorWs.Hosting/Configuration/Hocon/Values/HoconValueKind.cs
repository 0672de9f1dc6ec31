namespace ActorWs.Hosting.Configuration.Hocon;

/// <summary>The JSON type of a resolved HOCON value.</summary>
public enum HoconValueKind
{
    /// <summary>An object: ordered fields with string keys.</summary>
    Object,

    /// <summary>An array of values.</summary>
    Array,

    /// <summary>A string (quoted, unquoted, triple-quoted, or the result of a string concatenation).</summary>
    String,

    /// <summary>A JSON number, kept exactly as written.</summary>
    Number,

    /// <summary><c>true</c> or <c>false</c>.</summary>
    Boolean,

    /// <summary><c>null</c>.</summary>
    Null,
}
