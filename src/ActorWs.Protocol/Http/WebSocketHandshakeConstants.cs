namespace ActorWs.Protocol.Http;

/// <summary>Fixed values of the RFC 6455 opening handshake.</summary>
/// <remarks>Thread safety: constants only.</remarks>
public static class WebSocketHandshakeConstants
{
    /// <summary>The GUID appended to the client key before hashing (§1.3, §4.2.2).</summary>
    public const string AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /// <summary>The only protocol version this implementation speaks (§4.1: "MUST be 13").</summary>
    public const string SupportedVersion = "13";

    /// <summary>The <c>Upgrade</c> token for WebSocket (compared case-insensitively).</summary>
    public const string UpgradeToken = "websocket";

    /// <summary>The <c>Connection</c> option that must accompany an Upgrade (compared case-insensitively).</summary>
    public const string ConnectionUpgradeToken = "upgrade";

    /// <summary>The method of an upgrade request (§4.1: "MUST be a valid HTTP request ... method MUST be GET").</summary>
    public const string RequiredMethod = "GET";

    /// <summary>The decoded length of <c>Sec-WebSocket-Key</c> (§4.1: a randomly selected 16-byte value).</summary>
    public const int KeyDecodedLength = 16;

    /// <summary>The base64 length of a 16-byte key: 22 characters and "==".</summary>
    public const int KeyEncodedLength = 24;

    /// <summary>The base64 length of a SHA-1 digest, i.e. of a <c>Sec-WebSocket-Accept</c> value.</summary>
    public const int AcceptEncodedLength = 28;
}
