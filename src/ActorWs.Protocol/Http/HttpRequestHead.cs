namespace ActorWs.Protocol.Http;

/// <summary>An HTTP version as written in the request line: <c>HTTP/major.minor</c>.</summary>
/// <param name="Major">The major digit.</param>
/// <param name="Minor">The minor digit.</param>
/// <remarks>Thread safety: an immutable value.</remarks>
public readonly record struct HttpProtocolVersion(int Major, int Minor)
{
    /// <summary>HTTP/1.0.</summary>
    public static HttpProtocolVersion Http10 => new(1, 0);

    /// <summary>HTTP/1.1.</summary>
    public static HttpProtocolVersion Http11 => new(1, 1);

    /// <summary>Whether this version is at least <paramref name="other"/>.</summary>
    /// <param name="other">The version to compare with.</param>
    /// <returns><see langword="true"/> when equal or later.</returns>
    public bool IsAtLeast(HttpProtocolVersion other) => Major > other.Major || (Major == other.Major && Minor >= other.Minor);

    /// <summary>The request-line form, e.g. <c>HTTP/1.1</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"HTTP/{Major}.{Minor}";
}

/// <summary>The four request-target forms of RFC 9112 §3.2.</summary>
/// <remarks>Thread safety: an enum; immutable.</remarks>
public enum HttpRequestTargetForm : byte
{
    /// <summary><c>/path?query</c>, the usual form.</summary>
    Origin,

    /// <summary><c>http://host/path?query</c>, sent to proxies.</summary>
    Absolute,

    /// <summary><c>host:port</c>, only for CONNECT.</summary>
    Authority,

    /// <summary><c>*</c>, only for server-wide OPTIONS.</summary>
    Asterisk,
}

/// <summary>A parsed HTTP/1.x request head: request line and header fields (RFC 9112 §2–§5).</summary>
/// <remarks>Thread safety: immutable; safe to read from any thread.</remarks>
public sealed class HttpRequestHead
{
    /// <summary>Creates a head. Normally produced by <see cref="HttpRequestHeadParser"/>.</summary>
    /// <param name="method">The method token, case preserved (methods are case-sensitive).</param>
    /// <param name="target">The request target exactly as received.</param>
    /// <param name="version">The protocol version.</param>
    /// <param name="headers">The header field lines.</param>
    public HttpRequestHead(string method, string target, HttpProtocolVersion version, HttpHeaderCollection headers)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(headers);
        Method = method;
        Target = target;
        Version = version;
        Headers = headers;
        (TargetForm, Path, Query) = SplitTarget(target);
    }

    /// <summary>The method, e.g. <c>GET</c>.</summary>
    public string Method { get; }

    /// <summary>The request target as received, e.g. <c>/chat?room=1</c>.</summary>
    public string Target { get; }

    /// <summary>Which request-target form <see cref="Target"/> has.</summary>
    public HttpRequestTargetForm TargetForm { get; }

    /// <summary>
    /// The path: the target up to <c>?</c> for the origin form, the path after the authority for the absolute form
    /// (<c>/</c> when empty), <c>*</c> for the asterisk form and empty for the authority form. Not percent-decoded.
    /// </summary>
    public string Path { get; }

    /// <summary>The query after <c>?</c> (without it), empty when there is none. Not percent-decoded.</summary>
    public string Query { get; }

    /// <summary>The protocol version.</summary>
    public HttpProtocolVersion Version { get; }

    /// <summary>The header field lines.</summary>
    public HttpHeaderCollection Headers { get; }

    /// <summary>
    /// The body length announced by <c>Content-Length</c> (RFC 9110 §8.6). Returns <see langword="false"/> when the field is absent,
    /// not a decimal number, or given more than once with different values.
    /// </summary>
    /// <param name="length">The length, or 0.</param>
    /// <returns><see langword="true"/> when a single valid length is announced.</returns>
    public bool TryGetContentLength(out long length)
    {
        length = 0;
        bool found = false;
        foreach (string element in Headers.GetListElements(HttpHeaderNames.ContentLength))
        {
            if (!IsDecimal(element) || !long.TryParse(element, System.Globalization.NumberStyles.None, null, out long value))
            {
                return false;
            }

            if (found && value != length)
            {
                return false;
            }

            length = value;
            found = true;
        }

        return found;
    }

    /// <summary>Whether the body uses chunked transfer coding (the last <c>Transfer-Encoding</c> coding is <c>chunked</c>).</summary>
    public bool IsChunked
    {
        get
        {
            IReadOnlyList<string> codings = Headers.GetListElements(HttpHeaderNames.TransferEncoding);
            return codings.Count > 0 && codings[^1].Equals("chunked", StringComparison.OrdinalIgnoreCase);
        }
    }

    private static bool IsDecimal(string text)
    {
        foreach (char c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return text.Length > 0;
    }

    private static (HttpRequestTargetForm Form, string Path, string Query) SplitTarget(string target)
    {
        if (target == "*")
        {
            return (HttpRequestTargetForm.Asterisk, "*", "");
        }

        if (target.StartsWith('/'))
        {
            int question = target.IndexOf('?');
            return question < 0
                ? (HttpRequestTargetForm.Origin, target, "")
                : (HttpRequestTargetForm.Origin, target[..question], target[(question + 1)..]);
        }

        int schemeEnd = target.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd > 0)
        {
            int authorityStart = schemeEnd + 3;
            int pathStart = target.IndexOfAny(['/', '?'], authorityStart);
            if (pathStart < 0)
            {
                return (HttpRequestTargetForm.Absolute, "/", "");
            }

            int question = target.IndexOf('?', pathStart);
            string path = question < 0 ? target[pathStart..] : target[pathStart..question];
            string query = question < 0 ? "" : target[(question + 1)..];
            return (HttpRequestTargetForm.Absolute, path.Length == 0 ? "/" : path, query);
        }

        return (HttpRequestTargetForm.Authority, "", "");
    }
}
