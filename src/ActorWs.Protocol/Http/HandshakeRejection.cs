namespace ActorWs.Protocol.Http;

/// <summary>
/// Why a request cannot be served or upgraded, as the HTTP error response to send before closing:
/// status code, a short reason (sent as the text/plain body) and any extra header fields.
/// </summary>
/// <param name="StatusCode">400, 426, 431, 505, or a code the server chose (e.g. 403 for a refused Origin).</param>
/// <param name="Reason">A short, human-readable reason.</param>
/// <param name="ExtraHeaders">Header fields to add, e.g. <c>Sec-WebSocket-Version: 13</c> with 426.</param>
/// <remarks>Thread safety: immutable.</remarks>
public sealed record HandshakeRejection(int StatusCode, string Reason, IReadOnlyList<HttpHeaderField> ExtraHeaders)
{
    /// <summary>A 400 Bad Request with the given reason and no extra headers.</summary>
    /// <param name="reason">The reason.</param>
    /// <returns>The rejection.</returns>
    public static HandshakeRejection BadRequest(string reason) => new(HttpStatus.BadRequest, reason, []);

    /// <summary>
    /// A 426 Upgrade Required naming the only version this server speaks (RFC 6455 §4.2.2 item 4), with the
    /// <c>Upgrade: websocket</c> field RFC 9110 §15.5.22 requires on 426.
    /// </summary>
    public static HandshakeRejection UnsupportedVersion { get; } = new(
        HttpStatus.UpgradeRequired,
        "unsupported Sec-WebSocket-Version",
        [
            new HttpHeaderField(HttpHeaderNames.SecWebSocketVersion, WebSocketHandshakeConstants.SupportedVersion),
            new HttpHeaderField(HttpHeaderNames.Upgrade, WebSocketHandshakeConstants.UpgradeToken),
        ]);
}
