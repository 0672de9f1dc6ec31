namespace ActorWs.Hosting.Configuration.Hocon;

/// <summary>Kinds of tokens the tokenizer produces.</summary>
internal enum HoconTokenKind
{
    End,
    Newline,
    Whitespace,
    Comma,
    Colon,
    Equals,
    PlusEquals,
    OpenBrace,
    CloseBrace,
    OpenBracket,
    CloseBracket,
    QuotedString,
    UnquotedString,
    Number,
    True,
    False,
    Null,
    Substitution,
    OptionalSubstitution,
}
