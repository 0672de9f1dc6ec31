namespace ActorWs.Hosting.Configuration.Hocon;

/// <summary>
/// One token. <see cref="Text"/> is the decoded value of a quoted string, the raw text of an unquoted string,
/// number or whitespace run, and the punctuation itself otherwise.
/// </summary>
internal readonly record struct HoconToken(HoconTokenKind Kind, string Text, int Line, int Column)
{
    public bool IsSimpleValue => Kind is HoconTokenKind.QuotedString or HoconTokenKind.UnquotedString or HoconTokenKind.Number
        or HoconTokenKind.True or HoconTokenKind.False or HoconTokenKind.Null;

    /// <summary>How the token is named in error messages.</summary>
    public string Describe() => Kind switch
    {
        HoconTokenKind.End => "the end of the file",
        HoconTokenKind.Newline => "a newline",
        HoconTokenKind.Whitespace => "whitespace",
        HoconTokenKind.QuotedString => $"the quoted string {HoconScalar.Quote(Text)}",
        HoconTokenKind.UnquotedString => $"'{Text}'",
        HoconTokenKind.Number => $"the number {Text}",
        HoconTokenKind.Substitution => "a substitution '${'",
        HoconTokenKind.OptionalSubstitution => "a substitution '${?'",
        _ => $"'{Text}'",
    };
}
