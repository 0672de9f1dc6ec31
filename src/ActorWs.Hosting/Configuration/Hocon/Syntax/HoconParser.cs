namespace ActorWs.Hosting.Configuration.Hocon;

/// <summary>
/// Parses tokens into an unresolved tree (<see cref="ObjectNode"/> root), applying duplicate-key merges and
/// includes as it goes. Grammar rules follow the HOCON spec: optional root braces, <c>:</c>/<c>=</c>/<c>+=</c>
/// or an implied separator before <c>{</c>, commas or newlines between fields and elements (one trailing comma
/// allowed), value concatenation on one line, and path expressions as keys.
/// </summary>
internal sealed partial class HoconParser
{
    /// <summary>Deepest nesting of objects and arrays accepted, so hostile input cannot exhaust the stack.</summary>
    public const int MaxNestingDepth = 200;

    private readonly List<HoconToken> _tokens;
    private readonly HoconSource _source;
    private readonly HoconIncludeContext _includes;
    private readonly HoconPath? _substitutionPrefix;
    private int _position;
    private int _depth;

    /// <summary>The full path (from the configuration root) of the object being parsed; null inside arrays, where it has none.</summary>
    private List<string>? _objectPath;

    private HoconParser(List<HoconToken> tokens, HoconSource source, HoconIncludeContext includes, HoconPath? substitutionPrefix)
    {
        _tokens = tokens;
        _source = source;
        _includes = includes;
        _substitutionPrefix = substitutionPrefix;
        _objectPath = substitutionPrefix is null ? [] : [.. substitutionPrefix.Elements];
    }

    /// <summary>Parses one source whose root must be an object.</summary>
    /// <param name="text">The source text.</param>
    /// <param name="source">Names the source for origins and locates its includes.</param>
    /// <param name="includes">Shared include state (file system, cycle detection).</param>
    /// <param name="substitutionPrefix">For an included file: the path it is included at, used to fix up its substitutions.</param>
    public static ObjectNode ParseDocument(string text, HoconSource source, HoconIncludeContext includes, HoconPath? substitutionPrefix)
    {
        var tokens = HoconTokenizer.Tokenize(text, source.DisplayName);
        return new HoconParser(tokens, source, includes, substitutionPrefix).ParseRoot();
    }

    private HoconToken Peek => _tokens[_position];

    private HoconToken Next() => _tokens[_position++];

    private HoconOrigin OriginOf(HoconToken token) => new(_source.DisplayName, token.Line, token.Column);

    private HoconException Error(HoconToken at, string problem) => new(OriginOf(at), null, problem);

    private void SkipWhitespace()
    {
        while (Peek.Kind == HoconTokenKind.Whitespace) _position++;
    }

    /// <returns>True when at least one newline was skipped.</returns>
    private bool SkipWhitespaceAndNewlines()
    {
        var sawNewline = false;
        while (Peek.Kind is HoconTokenKind.Whitespace or HoconTokenKind.Newline)
        {
            sawNewline |= Next().Kind == HoconTokenKind.Newline;
        }

        return sawNewline;
    }

    private ObjectNode ParseRoot()
    {
        SkipWhitespaceAndNewlines();
        var first = Peek;
        if (first.Kind == HoconTokenKind.OpenBracket)
        {
            throw Error(first, "the root of a configuration file must be an object, not an array");
        }

        var root = new ObjectNode(new HoconOrigin(_source.DisplayName, first.Line, first.Column));
        if (first.Kind == HoconTokenKind.OpenBrace)
        {
            Next();
            ParseObjectBody(root, first);
            SkipWhitespaceAndNewlines();
            if (Peek.Kind != HoconTokenKind.End)
            {
                throw Error(Peek, $"unexpected {Peek.Describe()} after the closing '}}' of the root object");
            }
        }
        else
        {
            ParseObjectBody(root, null);
        }

        return root;
    }

    /// <summary>Fields until the matching '}' (or the end of the file when the root braces were omitted).</summary>
    private void ParseObjectBody(ObjectNode target, HoconToken? openBrace)
    {
        var braced = openBrace is not null;
        while (true)
        {
            SkipWhitespaceAndNewlines();
            var token = Peek;
            switch (token.Kind)
            {
                case HoconTokenKind.CloseBrace:
                    if (!braced) throw Error(token, "unbalanced '}': there is no '{' for it to close");
                    Next();
                    return;
                case HoconTokenKind.End:
                    if (braced) throw Error(openBrace!.Value, "'{' is not closed with '}' before the end of the file");
                    return;
                case HoconTokenKind.Comma:
                    throw Error(token, "unexpected ',': expected a key (commas may only follow a field, one at a time)");
            }

            string describedKey;
            if (token is { Kind: HoconTokenKind.UnquotedString, Text: "include" })
            {
                ParseInclude(target);
                describedKey = "include";
            }
            else
            {
                describedKey = ParseField(target);
            }

            var sawNewline = SkipWhitespaceAndNewlines();
            var after = Peek;
            if (after.Kind == HoconTokenKind.Comma)
            {
                Next();
                SkipWhitespaceAndNewlines();
                if (Peek.Kind == HoconTokenKind.Comma) throw Error(Peek, "two commas in a row");
                continue;
            }

            if (after.Kind is HoconTokenKind.CloseBrace or HoconTokenKind.End || sawNewline) continue;
            throw Error(after, $"expected ',' or a newline after the value of '{describedKey}', found {after.Describe()}");
        }
    }

    /// <summary>Parses <c>key [:|=|+=] value</c> or <c>key { ... }</c> and merges it into <paramref name="target"/>.</summary>
    /// <returns>The key as written, for messages.</returns>
    private string ParseField(ObjectNode target)
    {
        var keyToken = Peek;
        var key = ParsePathExpression(isKey: true);
        var keyText = key.ToString();
        SkipWhitespaceAndNewlines();
        var separator = Peek;
        var isAppend = false;
        switch (separator.Kind)
        {
            case HoconTokenKind.Colon or HoconTokenKind.Equals:
                Next();
                break;
            case HoconTokenKind.PlusEquals:
                Next();
                isAppend = true;
                break;
            case HoconTokenKind.OpenBrace:
                break; // "foo { }" means "foo : { }"
            default:
                throw Error(separator, $"expected ':', '=', '+=' or '{{' after the key '{keyText}', found {separator.Describe()}");
        }

        SkipWhitespaceAndNewlines();
        var fieldPath = _objectPath is null ? null : new List<string>(_objectPath.Concat(key.Elements));
        var saved = _objectPath;
        _objectPath = fieldPath;
        HoconNode? value;
        try
        {
            value = ParseValue();
        }
        finally
        {
            _objectPath = saved;
        }

        if (value is null) throw Error(Peek, $"expected a value for the key '{keyText}', found {Peek.Describe()}");
        if (isAppend)
        {
            // a += b means a = ${?a} [b], with the full path of the field.
            if (fieldPath is null) throw Error(separator, $"'+=' cannot be used for '{keyText}' inside an object that is an array element (its path is not known)");
            var origin = OriginOf(separator);
            var selfReference = new SubstitutionNode(origin, new HoconPath([.. fieldPath]), null, optional: true);
            value = new ConcatenationNode(origin, [selfReference, new ArrayNode(value.Origin, [value])]);
        }

        HoconNodeMerger.Assign(target, key.Elements, 0, value, OriginOf(keyToken));
        return keyText;
    }

    /// <summary>
    /// A key or the inside of a substitution: simple values and whitespace, joined into a path. Keys end at a
    /// separator, substitutions at '}'.
    /// </summary>
    private HoconPath ParsePathExpression(bool isKey)
    {
        var start = Peek;
        var pieces = new List<HoconToken>();
        while (true)
        {
            var token = Peek;
            if (token.IsSimpleValue || token.Kind == HoconTokenKind.Whitespace)
            {
                pieces.Add(Next());
                continue;
            }

            if (isKey && token.Kind is HoconTokenKind.Substitution or HoconTokenKind.OptionalSubstitution)
            {
                throw Error(token, "substitutions are not allowed in keys");
            }

            if (isKey && token.Kind is HoconTokenKind.OpenBracket)
            {
                throw Error(token, "an array cannot be a key");
            }

            if (!isKey && token.Kind is not HoconTokenKind.CloseBrace)
            {
                var problem = token.Kind is HoconTokenKind.Newline or HoconTokenKind.End
                    ? "substitution '${' is not closed with '}' on the same line"
                    : $"unexpected {token.Describe()} inside a substitution (it must contain only a path)";
                throw Error(token, problem);
            }

            break;
        }

        while (pieces.Count > 0 && pieces[^1].Kind == HoconTokenKind.Whitespace) pieces.RemoveAt(pieces.Count - 1);
        if (pieces.Count == 0)
        {
            throw Error(start, isKey ? $"expected a key, found {start.Describe()}" : "a substitution needs a path, as in ${a.b}");
        }

        var problem2 = HoconPathBuilder.TryBuild(pieces, out var path);
        return problem2 is null ? path! : throw Error(pieces[0], problem2);
    }

    /// <summary>
    /// A value concatenation: the values up to the next newline, comma or closing bracket. One piece stays what it
    /// is; several pieces (with the whitespace between them) become a <see cref="ConcatenationNode"/>.
    /// </summary>
    /// <returns>Null when there is no value at all.</returns>
    private HoconNode? ParseValue()
    {
        var pieces = new List<HoconNode>();
        HoconToken? pendingWhitespace = null;
        while (true)
        {
            var token = Peek;
            HoconNode piece;
            switch (token.Kind)
            {
                case HoconTokenKind.Whitespace:
                    Next();
                    if (pieces.Count > 0) pendingWhitespace = token;
                    continue;
                case HoconTokenKind.Newline or HoconTokenKind.Comma or HoconTokenKind.CloseBrace or HoconTokenKind.CloseBracket or HoconTokenKind.End:
                    return pieces.Count switch
                    {
                        0 => null,
                        1 => pieces[0],
                        _ => new ConcatenationNode(pieces[0].Origin, pieces),
                    };
                case HoconTokenKind.OpenBrace:
                    piece = ParseObject();
                    break;
                case HoconTokenKind.OpenBracket:
                    piece = ParseArray();
                    break;
                case HoconTokenKind.Substitution or HoconTokenKind.OptionalSubstitution:
                    piece = ParseSubstitution();
                    break;
                case HoconTokenKind.QuotedString or HoconTokenKind.UnquotedString:
                    Next();
                    piece = new ScalarNode(HoconScalar.String(token.Text, OriginOf(token)));
                    break;
                case HoconTokenKind.Number:
                    Next();
                    piece = new ScalarNode(HoconScalar.Number(token.Text, OriginOf(token)));
                    break;
                case HoconTokenKind.True or HoconTokenKind.False:
                    Next();
                    piece = new ScalarNode(HoconScalar.Boolean(token.Kind == HoconTokenKind.True, OriginOf(token)));
                    break;
                case HoconTokenKind.Null:
                    Next();
                    piece = new ScalarNode(HoconScalar.Null(OriginOf(token)));
                    break;
                default:
                    throw Error(token, $"unexpected {token.Describe()} in a value; quote strings that contain it");
            }

            if (pendingWhitespace is { } whitespace)
            {
                pieces.Add(new ScalarNode(HoconScalar.String(whitespace.Text, OriginOf(whitespace)), isSeparatorWhitespace: true));
                pendingWhitespace = null;
            }

            pieces.Add(piece);
        }
    }

    private ObjectNode ParseObject()
    {
        var open = Next();
        EnterNesting(open);
        var node = new ObjectNode(OriginOf(open));
        ParseObjectBody(node, open);
        _depth--;
        return node;
    }

    private ArrayNode ParseArray()
    {
        var open = Next();
        EnterNesting(open);
        var items = new List<HoconNode>();
        var savedPath = _objectPath;
        _objectPath = null; // objects inside arrays have no path from the root
        SkipWhitespaceAndNewlines();
        if (Peek.Kind == HoconTokenKind.CloseBracket)
        {
            Next();
        }
        else
        {
            while (true)
            {
                if (Peek.Kind == HoconTokenKind.Comma) throw Error(Peek, "unexpected ',': expected an array element (commas may only follow an element, one at a time)");
                var item = ParseValue() ?? throw Error(Peek, $"expected an array element, found {Peek.Describe()}");
                items.Add(item);
                var sawNewline = SkipWhitespaceAndNewlines();
                var after = Peek;
                if (after.Kind == HoconTokenKind.Comma)
                {
                    Next();
                    SkipWhitespaceAndNewlines();
                    if (Peek.Kind == HoconTokenKind.Comma) throw Error(Peek, "two commas in a row");
                    if (Peek.Kind == HoconTokenKind.CloseBracket)
                    {
                        Next();
                        break;
                    }

                    continue;
                }

                if (after.Kind == HoconTokenKind.CloseBracket)
                {
                    Next();
                    break;
                }

                if (after.Kind == HoconTokenKind.End) throw Error(open, "'[' is not closed with ']' before the end of the file");
                if (!sawNewline) throw Error(after, $"expected ',' or ']' after an array element, found {after.Describe()}");
            }
        }

        _objectPath = savedPath;
        _depth--;
        return new ArrayNode(OriginOf(open), items);
    }

    private SubstitutionNode ParseSubstitution()
    {
        var open = Next();
        var optional = open.Kind == HoconTokenKind.OptionalSubstitution;
        SkipWhitespace();
        var path = ParsePathExpression(isKey: false);
        Next(); // '}'
        return _substitutionPrefix is null
            ? new SubstitutionNode(OriginOf(open), path, null, optional)
            : new SubstitutionNode(OriginOf(open), _substitutionPrefix.Append(path), path, optional);
    }

    private void EnterNesting(HoconToken open)
    {
        if (++_depth > MaxNestingDepth) throw Error(open, $"objects and arrays are nested more than {MaxNestingDepth} levels deep");
    }
}
