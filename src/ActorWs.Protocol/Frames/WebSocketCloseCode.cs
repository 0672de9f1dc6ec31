namespace ActorWs.Protocol.Frames;

/// <summary>
/// Close status codes of RFC 6455 §7.4.1 and the IANA "WebSocket Close Code Number" registry,
/// plus the §7.4 rule for which codes may appear in a Close frame.
/// </summary>
/// <remarks>Thread safety: constants and a pure function; safe from any thread.</remarks>
public static class WebSocketCloseCode
{
    /// <summary>1000: the purpose of the connection has been fulfilled.</summary>
    public const ushort NormalClosure = 1000;

    /// <summary>1001: the endpoint is going away (server shutdown, page navigation).</summary>
    public const ushort GoingAway = 1001;

    /// <summary>1002: the peer broke the protocol.</summary>
    public const ushort ProtocolError = 1002;

    /// <summary>1003: the endpoint cannot accept this type of data (e.g. binary when it only takes text).</summary>
    public const ushort UnsupportedData = 1003;

    /// <summary>1004: reserved, never sent.</summary>
    public const ushort Reserved = 1004;

    /// <summary>1005: reported locally when a Close frame had no status code; never sent on the wire.</summary>
    public const ushort NoStatusReceived = 1005;

    /// <summary>1006: reported locally when the connection dropped without a Close frame; never sent.</summary>
    public const ushort AbnormalClosure = 1006;

    /// <summary>1007: message data was inconsistent with its type (e.g. invalid UTF-8 in a text message).</summary>
    public const ushort InvalidPayloadData = 1007;

    /// <summary>1008: a message violated the endpoint's policy.</summary>
    public const ushort PolicyViolation = 1008;

    /// <summary>1009: a message was too big to process.</summary>
    public const ushort MessageTooBig = 1009;

    /// <summary>1010: (client) the server did not negotiate an extension the client requires.</summary>
    public const ushort MandatoryExtension = 1010;

    /// <summary>1011: (server) an unexpected condition prevented the request from being fulfilled.</summary>
    public const ushort InternalServerError = 1011;

    /// <summary>1012: the service is restarting (IANA registry).</summary>
    public const ushort ServiceRestart = 1012;

    /// <summary>1013: try again later, e.g. the server is overloaded (IANA registry).</summary>
    public const ushort TryAgainLater = 1013;

    /// <summary>1014: a gateway or proxy received an invalid response from upstream (IANA registry).</summary>
    public const ushort BadGateway = 1014;

    /// <summary>1015: reported locally when the TLS handshake failed; never sent.</summary>
    public const ushort TlsHandshakeFailure = 1015;

    /// <summary>The first code of the range registered with IANA for libraries and frameworks.</summary>
    public const ushort FirstRegisteredCode = 3000;

    /// <summary>The first code of the range for private use by applications (4000–4999).</summary>
    public const ushort FirstPrivateCode = 4000;

    /// <summary>The last code an endpoint may send.</summary>
    public const ushort LastPrivateCode = 4999;

    /// <summary>
    /// Whether <paramref name="code"/> may appear in a Close frame (§7.4): 1000–1003, 1007–1014 and
    /// 3000–4999. 0–999 are unused, 1004 is reserved, 1005/1006/1015 are local-only and 1016–2999 are
    /// reserved for future protocol revisions, so receiving any of those is a protocol error.
    /// </summary>
    /// <param name="code">The status code read from or about to be written into a Close frame.</param>
    /// <returns><see langword="true"/> when the code may be sent and received.</returns>
    public static bool IsValidInCloseFrame(int code) => code switch
    {
        >= NormalClosure and <= UnsupportedData => true,
        >= InvalidPayloadData and <= BadGateway => true,
        >= FirstRegisteredCode and <= LastPrivateCode => true,
        _ => false,
    };
}
