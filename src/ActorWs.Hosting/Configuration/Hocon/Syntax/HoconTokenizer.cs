using System.Globalization;
using System.Text;

namespace ActorWs.Hosting.Configuration.Hocon;

/// <summary>
/// Splits HOCON text into tokens, tracking line and column. Comments are dropped (the newline that ends them is
/// kept, because newlines separate fields). Configuration is read once at start, so tokens are materialised into a
/// list rather than streamed.
/// </summary>
internal sealed class HoconTokenizer
{
    private const string TripleQuote = "\"\"\"";
    private const int UnicodeEscapeDigits = 4;

    private readonly string _text;
    private readonly string _sourceName;
    private readonly List<HoconToken> _tokens = [];
    private int _index;
    private int _line = 1;
    private int _lineStart;

    private HoconTokenizer(string text, string sourceName)
    {
        _text = text;
        _sourceName = sourceName;
    }

    /// <summary>Tokenizes the whole text; the last token is always <see cref="HoconTokenKind.End"/>.</summary>
    /// <exception cref="HoconException">The text contains a character or string that HOCON does not allow.</exception>
    public static List<HoconToken> Tokenize(string text, string sourceName)
    {
        var tokenizer = new HoconTokenizer(text, sourceName);
        tokenizer.Run();
        return tokenizer._tokens;
    }

    private int Column => _index - _lineStart + 1;

    private char PeekAt(int offset) => _index + offset < _text.Length ? _text[_index + offset] : '\0';

    private HoconException Error(int line, int column, string problem) => new(new HoconOrigin(_sourceName, line, column), null, problem);

    private void Add(HoconTokenKind kind, string text, int line, int column) => _tokens.Add(new HoconToken(kind, text, line, column));

    private void Run()
    {
        while (_index < _text.Length)
        {
            var c = _text[_index];
            int line = _line, column = Column;
            if (c == HoconCharacters.Newline)
            {
                Add(HoconTokenKind.Newline, "\n", line, column);
                _index++;
                _line++;
                _lineStart = _index;
                continue;
            }

            if (HoconCharacters.IsWhitespace(c))
            {
                var start = _index;
                while (_index < _text.Length && _text[_index] != HoconCharacters.Newline && HoconCharacters.IsWhitespace(_text[_index])) _index++;
                Add(HoconTokenKind.Whitespace, _text[start.._index], line, column);
                continue;
            }

            if (c == '#' || (c == '/' && PeekAt(1) == '/'))
            {
                while (_index < _text.Length && _text[_index] != HoconCharacters.Newline) _index++;
                continue;
            }

            switch (c)
            {
                case ',': Punctuation(HoconTokenKind.Comma, ","); continue;
                case ':': Punctuation(HoconTokenKind.Colon, ":"); continue;
                case '=': Punctuation(HoconTokenKind.Equals, "="); continue;
                case '{': Punctuation(HoconTokenKind.OpenBrace, "{"); continue;
                case '}': Punctuation(HoconTokenKind.CloseBrace, "}"); continue;
                case '[': Punctuation(HoconTokenKind.OpenBracket, "["); continue;
                case ']': Punctuation(HoconTokenKind.CloseBracket, "]"); continue;
                case '+':
                    if (PeekAt(1) != '=') throw Error(line, column, "'+' is only allowed as part of '+='; quote strings that contain it");
                    _index += 2;
                    Add(HoconTokenKind.PlusEquals, "+=", line, column);
                    continue;
                case '$':
                    if (PeekAt(1) != '{') throw Error(line, column, "'$' is only allowed to start a substitution '${...}'; quote strings that contain it");
                    if (PeekAt(2) == '?')
                    {
                        _index += 3;
                        Add(HoconTokenKind.OptionalSubstitution, "${?", line, column);
                    }
                    else
                    {
                        _index += 2;
                        Add(HoconTokenKind.Substitution, "${", line, column);
                    }

                    continue;
                case '"':
                    if (PeekAt(1) == '"' && PeekAt(2) == '"') ReadTripleQuoted(line, column);
                    else ReadQuoted(line, column);
                    continue;
            }

            if (HoconCharacters.StartsNumber(c))
            {
                ReadNumber(line, column);
                continue;
            }

            if (HoconCharacters.IsForbiddenInUnquoted(c))
            {
                throw Error(line, column, $"the character '{c}' is not allowed outside quotes; quote strings that contain it");
            }

            ReadUnquoted(line, column);
        }

        Add(HoconTokenKind.End, string.Empty, _line, Column);
    }

    private void Punctuation(HoconTokenKind kind, string text)
    {
        Add(kind, text, _line, Column);
        _index++;
    }

    /// <summary>
    /// An unquoted run, except that <c>true</c>, <c>false</c> and <c>null</c> at its start are their own tokens
    /// (<c>truefoo</c> is <c>true</c> then <c>foo</c>, per the spec).
    /// </summary>
    private void ReadUnquoted(int line, int column)
    {
        var rest = _text.AsSpan(_index);
        if (TryKeyword(rest, "true", HoconTokenKind.True, line, column)
            || TryKeyword(rest, "false", HoconTokenKind.False, line, column)
            || TryKeyword(rest, "null", HoconTokenKind.Null, line, column))
        {
            return;
        }

        var start = _index;
        while (_index < _text.Length)
        {
            var c = _text[_index];
            if (HoconCharacters.IsWhitespace(c) || HoconCharacters.IsForbiddenInUnquoted(c)) break;
            if (c == '/' && PeekAt(1) == '/') break;
            _index++;
        }

        Add(HoconTokenKind.UnquotedString, _text[start.._index], line, column);
    }

    private bool TryKeyword(ReadOnlySpan<char> rest, string keyword, HoconTokenKind kind, int line, int column)
    {
        if (!rest.StartsWith(keyword, StringComparison.Ordinal)) return false;
        _index += keyword.Length;
        Add(kind, keyword, line, column);
        return true;
    }

    /// <summary>
    /// The longest prefix that is a JSON number: <c>-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?</c>.
    /// Whatever follows starts a new token, so <c>10.0bar</c> is the number <c>10.0</c> then <c>bar</c>.
    /// </summary>
    private void ReadNumber(int line, int column)
    {
        var start = _index;
        if (_text[_index] == '-')
        {
            _index++;
            if (!HoconCharacters.IsDigit(PeekAt(0)))
            {
                throw Error(line, column, "'-' must be followed by a digit (a value may not start with '-' unless it is a number); quote strings that start with '-'");
            }
        }

        if (_text[_index] == '0') _index++;
        else while (HoconCharacters.IsDigit(PeekAt(0))) _index++;

        if (PeekAt(0) == '.' && HoconCharacters.IsDigit(PeekAt(1)))
        {
            _index++;
            while (HoconCharacters.IsDigit(PeekAt(0))) _index++;
        }

        if (PeekAt(0) is 'e' or 'E')
        {
            var signed = PeekAt(1) is '+' or '-';
            if (HoconCharacters.IsDigit(PeekAt(signed ? 2 : 1)))
            {
                _index += signed ? 2 : 1;
                while (HoconCharacters.IsDigit(PeekAt(0))) _index++;
            }
        }

        Add(HoconTokenKind.Number, _text[start.._index], line, column);
    }

    private void ReadQuoted(int line, int column)
    {
        _index++; // opening quote
        var builder = new StringBuilder();
        while (true)
        {
            if (_index >= _text.Length) throw Error(line, column, "quoted string is not closed before the end of the file");
            var c = _text[_index];
            if (c == '"')
            {
                _index++;
                break;
            }

            if (c == HoconCharacters.Newline) throw Error(line, column, "quoted string is not closed before the end of the line (use a triple-quoted string for multi-line text)");
            if (c < ' ') throw Error(_line, Column, $"control character U+{(int)c:X4} is not allowed in a quoted string; write it as an escape");
            if (c != '\\')
            {
                builder.Append(c);
                _index++;
                continue;
            }

            var escapeColumn = Column;
            var escape = PeekAt(1);
            _index += 2;
            switch (escape)
            {
                case '"': builder.Append('"'); break;
                case '\\': builder.Append('\\'); break;
                case '/': builder.Append('/'); break;
                case 'b': builder.Append('\b'); break;
                case 'f': builder.Append('\f'); break;
                case 'n': builder.Append('\n'); break;
                case 'r': builder.Append('\r'); break;
                case 't': builder.Append('\t'); break;
                case 'u':
                    if (_index + UnicodeEscapeDigits > _text.Length
                        || !ushort.TryParse(_text.AsSpan(_index, UnicodeEscapeDigits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                    {
                        throw Error(_line, escapeColumn, "'\\u' must be followed by four hexadecimal digits");
                    }

                    builder.Append((char)code);
                    _index += UnicodeEscapeDigits;
                    break;
                default:
                    var shown = escape == '\0' ? "end of file" : escape.ToString();
                    throw Error(_line, escapeColumn, $"invalid escape '\\{shown}' in a quoted string (allowed: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
            }
        }

        Add(HoconTokenKind.QuotedString, builder.ToString(), line, column);
    }

    /// <summary>
    /// Text between <c>"""</c> and the next run of three or more quotes, unmodified (no escapes). As in Scala,
    /// quotes beyond the final three of the closing run belong to the string.
    /// </summary>
    private void ReadTripleQuoted(int line, int column)
    {
        var contentStart = _index + TripleQuote.Length;
        var close = _text.IndexOf(TripleQuote, contentStart, StringComparison.Ordinal);
        if (close < 0) throw Error(line, column, "triple-quoted string is not closed with \"\"\"");
        var runEnd = close + TripleQuote.Length;
        while (runEnd < _text.Length && _text[runEnd] == '"') runEnd++;
        var content = _text[contentStart..(runEnd - TripleQuote.Length)];
        for (var i = _index; i < runEnd; i++)
        {
            if (_text[i] == HoconCharacters.Newline)
            {
                _line++;
                _lineStart = i + 1;
            }
        }

        _index = runEnd;
        Add(HoconTokenKind.QuotedString, content, line, column);
    }
}
