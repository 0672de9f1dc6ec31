namespace ActorWs.Protocol.Http;

/// <summary>Header field names used by the handshake and the HTTP side of the server.</summary>
/// <remarks>Thread safety: constants only.</remarks>
public static class HttpHeaderNames
{
    /// <summary>Host (RFC 9110 §7.2).</summary>
    public const string Host = "Host";

    /// <summary>Connection (RFC 9110 §7.6.1).</summary>
    public const string Connection = "Connection";

    /// <summary>Upgrade (RFC 9110 §7.8).</summary>
    public const string Upgrade = "Upgrade";

    /// <summary>Content-Length (RFC 9110 §8.6).</summary>
    public const string ContentLength = "Content-Length";

    /// <summary>Content-Type (RFC 9110 §8.3).</summary>
    public const string ContentType = "Content-Type";

    /// <summary>Transfer-Encoding (RFC 9112 §6.1).</summary>
    public const string TransferEncoding = "Transfer-Encoding";

    /// <summary>Date (RFC 9110 §6.6.1).</summary>
    public const string Date = "Date";

    /// <summary>Origin (RFC 6454).</summary>
    public const string Origin = "Origin";

    /// <summary>Sec-WebSocket-Key (RFC 6455 §11.3.1).</summary>
    public const string SecWebSocketKey = "Sec-WebSocket-Key";

    /// <summary>Sec-WebSocket-Accept (RFC 6455 §11.3.3).</summary>
    public const string SecWebSocketAccept = "Sec-WebSocket-Accept";

    /// <summary>Sec-WebSocket-Version (RFC 6455 §11.3.5).</summary>
    public const string SecWebSocketVersion = "Sec-WebSocket-Version";

    /// <summary>Sec-WebSocket-Protocol (RFC 6455 §11.3.4).</summary>
    public const string SecWebSocketProtocol = "Sec-WebSocket-Protocol";

    /// <summary>Sec-WebSocket-Extensions (RFC 6455 §11.3.2).</summary>
    public const string SecWebSocketExtensions = "Sec-WebSocket-Extensions";
}
