using System.Diagnostics.CodeAnalysis;

namespace ActorWs.Protocol.Http;

/// <summary>What a complete request head asks for.</summary>
/// <remarks>Thread safety: an enum; immutable.</remarks>
public enum HttpRequestKind : byte
{
    /// <summary>An attempt to open a WebSocket: validate it with <see cref="WebSocketUpgradeValidator"/>.</summary>
    WebSocketUpgrade,

    /// <summary>An ordinary HTTP request for the server to answer on the same port.</summary>
    PlainHttp,

    /// <summary>A request that must be refused; answer with the rejection and close.</summary>
    Invalid,
}

/// <summary>
/// Sorts a parsed request head into WebSocket upgrade, plain HTTP, or invalid (RFC 9110/9112 message rules).
/// </summary>
/// <remarks>
/// <para>
/// Invalid: an HTTP major version other than 1 (505); a missing <c>Host</c> in HTTP/1.1, more than one <c>Host</c>, or a
/// <c>Host</c> that is not a valid authority (400, RFC 9112 §3.2); an invalid or conflicting <c>Content-Length</c>, both
/// <c>Transfer-Encoding</c> and <c>Content-Length</c>, <c>Transfer-Encoding</c> in HTTP/1.0, or a final coding other than
/// chunked (400, RFC 9112 §6).
/// </para>
/// <para>
/// An upgrade attempt is any request whose <c>Upgrade</c> lists <c>websocket</c> or that carries <c>Sec-WebSocket-Key</c>
/// or <c>Sec-WebSocket-Version</c>: such a client wants a WebSocket, so a faulty handshake gets a precise 400/426 rather
/// than an ordinary page. An <c>Upgrade</c> to anything else (h2c) is ignored, as RFC 9110 §7.8 allows.
/// </para>
/// <para>Thread safety: pure functions.</para>
/// </remarks>
public static class HttpRequestClassifier
{
    /// <summary>Classifies a request head.</summary>
    /// <param name="head">A complete head.</param>
    /// <param name="rejection">Why the request is refused, when the result is <see cref="HttpRequestKind.Invalid"/>.</param>
    /// <returns>The kind of request.</returns>
    public static HttpRequestKind Classify(HttpRequestHead head, [NotNullWhen(false)] out HandshakeRejection? rejection)
    {
        ArgumentNullException.ThrowIfNull(head);
        rejection = CheckMessage(head);
        if (rejection is not null)
        {
            return HttpRequestKind.Invalid;
        }

        HttpHeaderCollection headers = head.Headers;
        bool wantsWebSocket = headers.ContainsToken(HttpHeaderNames.Upgrade, WebSocketHandshakeConstants.UpgradeToken)
            || headers.Contains(HttpHeaderNames.SecWebSocketKey)
            || headers.Contains(HttpHeaderNames.SecWebSocketVersion);
        return wantsWebSocket ? HttpRequestKind.WebSocketUpgrade : HttpRequestKind.PlainHttp;
    }

    /// <summary>Checks the message-level rules every request must pass; <see langword="null"/> when it does.</summary>
    internal static HandshakeRejection? CheckMessage(HttpRequestHead head)
    {
        if (head.Version.Major != 1)
        {
            return new HandshakeRejection(HttpStatus.HttpVersionNotSupported, "only HTTP/1.x is supported", []);
        }

        HttpHeaderCollection headers = head.Headers;
        int hostCount = headers.CountOf(HttpHeaderNames.Host);
        if (hostCount > 1)
        {
            return HandshakeRejection.BadRequest("multiple Host header fields");
        }

        if (hostCount == 0 && head.Version.IsAtLeast(HttpProtocolVersion.Http11))
        {
            return HandshakeRejection.BadRequest("missing Host header");
        }

        if (hostCount == 1 && headers.TryGetValue(HttpHeaderNames.Host, out string? host) && !IsValidHost(host!))
        {
            return HandshakeRejection.BadRequest("invalid Host header");
        }

        bool hasTransferEncoding = headers.Contains(HttpHeaderNames.TransferEncoding);
        bool hasContentLength = headers.Contains(HttpHeaderNames.ContentLength);
        if (hasTransferEncoding && hasContentLength)
        {
            return HandshakeRejection.BadRequest("both Transfer-Encoding and Content-Length");
        }

        if (hasContentLength && !head.TryGetContentLength(out _))
        {
            return HandshakeRejection.BadRequest("invalid Content-Length");
        }

        if (hasTransferEncoding && (!head.Version.IsAtLeast(HttpProtocolVersion.Http11) || !head.IsChunked))
        {
            return HandshakeRejection.BadRequest("unsupported Transfer-Encoding");
        }

        return null;
    }

    /// <summary>
    /// Host = uri-host [ ":" port ] (RFC 9110 §7.2): reg-name characters (unreserved, sub-delims, pct-encoded) or an
    /// IP literal in brackets, then optional digits after a colon. Empty is allowed (a target without authority).
    /// </summary>
    private static bool IsValidHost(string host)
    {
        ReadOnlySpan<char> text = host;
        if (text.StartsWith('['))
        {
            int close = text.IndexOf(']');
            if (close < 0 || !IsIpLiteralBody(text[1..close]))
            {
                return false;
            }

            return IsOptionalPort(text[(close + 1)..]);
        }

        int colon = text.LastIndexOf(':');
        ReadOnlySpan<char> name = colon < 0 ? text : text[..colon];
        foreach (char c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || "-._~!$&'()*+,;=%".Contains(c)))
            {
                return false;
            }
        }

        return colon < 0 || IsOptionalPort(text[colon..]);
    }

    private static bool IsIpLiteralBody(ReadOnlySpan<char> body)
    {
        if (body.IsEmpty)
        {
            return false;
        }

        foreach (char c in body)
        {
            if (!(char.IsAsciiHexDigit(c) || c is ':' or '.' or 'v' or 'V'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Empty, or ":" followed by zero or more digits (RFC 3986 allows an empty port).</summary>
    private static bool IsOptionalPort(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return true;
        }

        if (text[0] != ':')
        {
            return false;
        }

        foreach (char c in text[1..])
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
