using System.Text;

namespace ActorWs.Protocol.Http;

/// <summary>
/// Parses <c>Sec-WebSocket-Extensions</c> values (RFC 6455 §9.1):
/// <c>1#( extension-token *( ";" extension-param ) )</c>, <c>extension-param = token [ "=" (token | quoted-string) ]</c>,
/// where a quoted value must still be a token once unquoted. Whitespace around separators and empty list elements are
/// accepted (RFC 9110 §5.6.1).
/// </summary>
/// <remarks>Thread safety: pure functions.</remarks>
public static class WebSocketExtensionParser
{
    /// <summary>Parses every line of the field into offers, in order.</summary>
    /// <param name="fieldValues">The values of each <c>Sec-WebSocket-Extensions</c> line.</param>
    /// <param name="offers">The offers on success; empty on failure.</param>
    /// <returns><see langword="false"/> when any value breaks the grammar.</returns>
    public static bool TryParse(IEnumerable<string> fieldValues, out IReadOnlyList<WebSocketExtensionOffer> offers)
    {
        ArgumentNullException.ThrowIfNull(fieldValues);
        var parsed = new List<WebSocketExtensionOffer>();
        foreach (string value in fieldValues)
        {
            if (!TryParseValue(value, parsed))
            {
                offers = [];
                return false;
            }
        }

        offers = parsed;
        return true;
    }

    /// <summary>Parses one field value into offers.</summary>
    /// <param name="fieldValue">A <c>Sec-WebSocket-Extensions</c> value.</param>
    /// <param name="offers">The offers on success; empty on failure.</param>
    /// <returns><see langword="false"/> when the value breaks the grammar.</returns>
    public static bool TryParse(string fieldValue, out IReadOnlyList<WebSocketExtensionOffer> offers) =>
        TryParse([fieldValue], out offers);

    private static bool TryParseValue(string value, List<WebSocketExtensionOffer> offers)
    {
        var cursor = new Cursor(value);
        while (true)
        {
            cursor.SkipWhitespace();
            if (cursor.AtEnd)
            {
                return true;
            }

            if (cursor.TryTake(','))
            {
                continue; // empty list element
            }

            if (!cursor.TryReadToken(out string? name))
            {
                return false;
            }

            var parameters = new List<WebSocketExtensionParameter>();
            cursor.SkipWhitespace();
            while (cursor.TryTake(';'))
            {
                cursor.SkipWhitespace();
                if (!cursor.TryReadToken(out string? parameterName))
                {
                    return false;
                }

                cursor.SkipWhitespace();
                string? parameterValue = null;
                if (cursor.TryTake('='))
                {
                    cursor.SkipWhitespace();
                    if (!(cursor.Peek == '"' ? cursor.TryReadQuotedToken(out parameterValue) : cursor.TryReadToken(out parameterValue)))
                    {
                        return false;
                    }

                    cursor.SkipWhitespace();
                }

                parameters.Add(new WebSocketExtensionParameter(parameterName!, parameterValue));
            }

            offers.Add(new WebSocketExtensionOffer(name!, parameters));
            if (cursor.AtEnd)
            {
                return true;
            }

            if (!cursor.TryTake(','))
            {
                return false;
            }
        }
    }

    private ref struct Cursor(string text)
    {
        private readonly string _text = text;
        private int _position;

        public readonly bool AtEnd => _position >= _text.Length;

        public readonly char Peek => AtEnd ? '\0' : _text[_position];

        public void SkipWhitespace()
        {
            while (!AtEnd && HttpSyntax.IsWhitespace(_text[_position]))
            {
                _position++;
            }
        }

        public bool TryTake(char c)
        {
            if (Peek != c || AtEnd)
            {
                return false;
            }

            _position++;
            return true;
        }

        public bool TryReadToken(out string? token)
        {
            int start = _position;
            while (!AtEnd && HttpSyntax.IsTokenChar(_text[_position]))
            {
                _position++;
            }

            token = _position > start ? _text[start.._position] : null;
            return token is not null;
        }

        /// <summary>quoted-string (RFC 9110 §5.6.4) whose unescaped content must be a token (RFC 6455 §9.1).</summary>
        public bool TryReadQuotedToken(out string? token)
        {
            token = null;
            _position++; // opening quote
            var content = new StringBuilder();
            while (!AtEnd)
            {
                char c = _text[_position++];
                if (c == '"')
                {
                    token = content.ToString();
                    return HttpSyntax.IsToken(token.AsSpan());
                }

                if (c == '\\')
                {
                    if (AtEnd)
                    {
                        return false;
                    }

                    c = _text[_position++];
                }

                content.Append(c);
            }

            return false; // unterminated
        }
    }
}
