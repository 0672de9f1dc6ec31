using System.Text;

namespace ActorWs.Protocol.Http;

public sealed partial class HttpRequestHeadParser
{
    private const int VersionLength = 8; // "HTTP/" DIGIT "." DIGIT

    private LineOutcome ProcessLine(ReadOnlySpan<byte> line, out string? error, out int errorStatus)
    {
        error = null;
        errorStatus = HttpStatus.BadRequest;
        if (line.Contains(HttpSyntax.CarriageReturn))
        {
            error = "bare CR in request head";
            return LineOutcome.Failed;
        }

        if (_method is null)
        {
            // RFC 9112 §2.2: empty lines before the request line are ignored (the byte limit still bounds them).
            if (line.IsEmpty)
            {
                return LineOutcome.Continue;
            }

            error = ParseRequestLine(line);
            return error is null ? LineOutcome.Continue : LineOutcome.Failed;
        }

        if (line.IsEmpty)
        {
            return LineOutcome.HeadComplete;
        }

        if (HttpSyntax.IsWhitespace(line[0]))
        {
            error = "obsolete line folding or whitespace before a field";
            return LineOutcome.Failed;
        }

        if (_fields.Count >= _limits.MaxHeaderFields)
        {
            error = "too many header fields";
            errorStatus = HttpStatus.RequestHeaderFieldsTooLarge;
            return LineOutcome.Failed;
        }

        error = ParseFieldLine(line);
        return error is null ? LineOutcome.Continue : LineOutcome.Failed;
    }

    /// <summary>request-line = method SP request-target SP HTTP-version (RFC 9112 §3).</summary>
    private string? ParseRequestLine(ReadOnlySpan<byte> line)
    {
        int firstSpace = line.IndexOf(HttpSyntax.Space);
        if (firstSpace <= 0 || !HttpSyntax.IsToken(line[..firstSpace]))
        {
            return "invalid method";
        }

        ReadOnlySpan<byte> rest = line[(firstSpace + 1)..];
        int secondSpace = rest.IndexOf(HttpSyntax.Space);
        if (secondSpace <= 0 || !IsRequestTarget(rest[..secondSpace]))
        {
            return "invalid request target";
        }

        ReadOnlySpan<byte> version = rest[(secondSpace + 1)..];
        if (version.Length != VersionLength
            || !version.StartsWith("HTTP/"u8)
            || !char.IsAsciiDigit((char)version[5])
            || version[6] != (byte)'.'
            || !char.IsAsciiDigit((char)version[7]))
        {
            return "invalid HTTP version";
        }

        _method = Encoding.ASCII.GetString(line[..firstSpace]);
        _target = Encoding.ASCII.GetString(rest[..secondSpace]);
        _version = new HttpProtocolVersion(version[5] - '0', version[7] - '0');
        return null;
    }

    /// <summary>
    /// Visible ASCII only: a request target is a URI reference (RFC 3986), so spaces, controls, raw non-ASCII bytes
    /// and a fragment (<c>#</c>, never sent in a request and meaningless for WebSocket URIs, RFC 6455 §3) are refused.
    /// </summary>
    private static bool IsRequestTarget(ReadOnlySpan<byte> target)
    {
        foreach (byte b in target)
        {
            if (b <= 0x20 || b >= 0x7F || b == (byte)'#')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>field-line = field-name ":" OWS field-value OWS (RFC 9112 §5).</summary>
    private string? ParseFieldLine(ReadOnlySpan<byte> line)
    {
        int colon = line.IndexOf(HttpSyntax.Colon);
        if (colon < 0)
        {
            return "header field without colon";
        }

        ReadOnlySpan<byte> name = line[..colon];
        if (!HttpSyntax.IsToken(name))
        {
            return "invalid header field name";
        }

        ReadOnlySpan<byte> value = HttpSyntax.TrimWhitespace(line[(colon + 1)..]);
        if (!HttpSyntax.IsFieldValue(value))
        {
            return "invalid character in header field value";
        }

        _fields.Add(new HttpHeaderField(Encoding.ASCII.GetString(name), Encoding.Latin1.GetString(value)));
        return null;
    }
}
