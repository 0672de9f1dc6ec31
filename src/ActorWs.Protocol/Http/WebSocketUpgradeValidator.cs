using System.Diagnostics.CodeAnalysis;

namespace ActorWs.Protocol.Http;

/// <summary>
/// Validates a WebSocket opening handshake request (RFC 6455 §4.2.1) and computes its accept value (§4.2.2).
/// </summary>
/// <remarks>
/// <para>Checks, in this order, each failing with 400 and a short reason unless noted:</para>
/// <list type="number">
/// <item>the message rules of <see cref="HttpRequestClassifier"/> (400/505);</item>
/// <item>method <c>GET</c>;</item>
/// <item>HTTP/1.1 or later;</item>
/// <item><c>Host</c> present;</item>
/// <item><c>Upgrade</c> lists the token <c>websocket</c> (any case);</item>
/// <item><c>Connection</c> lists the token <c>upgrade</c> (any case);</item>
/// <item><c>Sec-WebSocket-Version</c> present once; a value other than <c>13</c> yields 426 with <c>Sec-WebSocket-Version: 13</c>;</item>
/// <item><c>Sec-WebSocket-Key</c> present once and the canonical base64 of 16 bytes;</item>
/// <item><c>Sec-WebSocket-Protocol</c>, when present, a list of tokens;</item>
/// <item><c>Sec-WebSocket-Extensions</c>, when present, well formed per §9.1;</item>
/// <item><c>Origin</c> at most once.</item>
/// </list>
/// <para>Thread safety: pure functions.</para>
/// </remarks>
public static class WebSocketUpgradeValidator
{
    /// <summary>Validates an upgrade request.</summary>
    /// <param name="head">A complete request head (normally one classified as <see cref="HttpRequestKind.WebSocketUpgrade"/>).</param>
    /// <param name="request">The validated request, on success.</param>
    /// <param name="rejection">The error response to send, on failure.</param>
    /// <returns><see langword="true"/> when the handshake is valid.</returns>
    public static bool TryValidate(
        HttpRequestHead head,
        [NotNullWhen(true)] out WebSocketUpgradeRequest? request,
        [NotNullWhen(false)] out HandshakeRejection? rejection)
    {
        ArgumentNullException.ThrowIfNull(head);
        request = null;
        rejection = HttpRequestClassifier.CheckMessage(head) ?? CheckUpgrade(head);
        if (rejection is not null)
        {
            return false;
        }

        HttpHeaderCollection headers = head.Headers;
        headers.TryGetValue(HttpHeaderNames.SecWebSocketKey, out string? key);
        if (!WebSocketSubprotocols.TryParseOffers(headers.GetValues(HttpHeaderNames.SecWebSocketProtocol), out IReadOnlyList<string> subprotocols))
        {
            rejection = HandshakeRejection.BadRequest("invalid Sec-WebSocket-Protocol");
            return false;
        }

        if (!WebSocketExtensionParser.TryParse(headers.GetValues(HttpHeaderNames.SecWebSocketExtensions), out IReadOnlyList<WebSocketExtensionOffer> extensions))
        {
            rejection = HandshakeRejection.BadRequest("invalid Sec-WebSocket-Extensions");
            return false;
        }

        if (headers.CountOf(HttpHeaderNames.Origin) > 1)
        {
            rejection = HandshakeRejection.BadRequest("multiple Origin header fields");
            return false;
        }

        headers.TryGetValue(HttpHeaderNames.Origin, out string? origin);
        headers.TryGetValue(HttpHeaderNames.Host, out string? host);
        request = new WebSocketUpgradeRequest(
            head.Path,
            head.Query,
            host!,
            origin,
            key!,
            WebSocketAccept.ComputeAcceptValue(key),
            subprotocols,
            extensions,
            head);
        return true;
    }

    private static HandshakeRejection? CheckUpgrade(HttpRequestHead head)
    {
        HttpHeaderCollection headers = head.Headers;
        if (!string.Equals(head.Method, WebSocketHandshakeConstants.RequiredMethod, StringComparison.Ordinal))
        {
            return HandshakeRejection.BadRequest("WebSocket handshake requires GET");
        }

        if (!head.Version.IsAtLeast(HttpProtocolVersion.Http11))
        {
            return HandshakeRejection.BadRequest("WebSocket handshake requires HTTP/1.1 or later");
        }

        if (!headers.Contains(HttpHeaderNames.Host))
        {
            return HandshakeRejection.BadRequest("missing Host header");
        }

        if (!headers.ContainsToken(HttpHeaderNames.Upgrade, WebSocketHandshakeConstants.UpgradeToken))
        {
            return HandshakeRejection.BadRequest("Upgrade header must include websocket");
        }

        if (!headers.ContainsToken(HttpHeaderNames.Connection, WebSocketHandshakeConstants.ConnectionUpgradeToken))
        {
            return HandshakeRejection.BadRequest("Connection header must include upgrade");
        }

        switch (headers.CountOf(HttpHeaderNames.SecWebSocketVersion))
        {
            case 0:
                return HandshakeRejection.BadRequest("missing Sec-WebSocket-Version");
            case > 1:
                return HandshakeRejection.BadRequest("multiple Sec-WebSocket-Version header fields");
        }

        headers.TryGetValue(HttpHeaderNames.SecWebSocketVersion, out string? version);
        if (!string.Equals(version, WebSocketHandshakeConstants.SupportedVersion, StringComparison.Ordinal))
        {
            return HandshakeRejection.UnsupportedVersion;
        }

        switch (headers.CountOf(HttpHeaderNames.SecWebSocketKey))
        {
            case 0:
                return HandshakeRejection.BadRequest("missing Sec-WebSocket-Key");
            case > 1:
                return HandshakeRejection.BadRequest("multiple Sec-WebSocket-Key header fields");
        }

        headers.TryGetValue(HttpHeaderNames.SecWebSocketKey, out string? key);
        if (!WebSocketAccept.IsValidKey(key))
        {
            return HandshakeRejection.BadRequest("Sec-WebSocket-Key must be base64 of 16 bytes");
        }

        return null;
    }
}
