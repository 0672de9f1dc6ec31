namespace ActorWs.Protocol.Http;

/// <summary>The HTTP status codes this library produces or that a WebSocket server commonly answers with, and their reason phrases (RFC 9110 §15).</summary>
/// <remarks>Thread safety: constants and a pure function.</remarks>
public static class HttpStatus
{
    /// <summary>101: the connection switches to the WebSocket protocol.</summary>
    public const int SwitchingProtocols = 101;

    /// <summary>200.</summary>
    public const int Ok = 200;

    /// <summary>204.</summary>
    public const int NoContent = 204;

    /// <summary>400: malformed request or invalid WebSocket handshake.</summary>
    public const int BadRequest = 400;

    /// <summary>403: e.g. an Origin not on the allow-list.</summary>
    public const int Forbidden = 403;

    /// <summary>404.</summary>
    public const int NotFound = 404;

    /// <summary>405.</summary>
    public const int MethodNotAllowed = 405;

    /// <summary>426: the client must switch protocol version (sent with <c>Sec-WebSocket-Version: 13</c>).</summary>
    public const int UpgradeRequired = 426;

    /// <summary>431: request head or header count over the limit.</summary>
    public const int RequestHeaderFieldsTooLarge = 431;

    /// <summary>429: the client sent too many requests of a kind in a given time (RFC 6585 §4); sent with <c>Retry-After</c>.</summary>
    public const int TooManyRequests = 429;

    /// <summary>500.</summary>
    public const int InternalServerError = 500;

    /// <summary>503.</summary>
    public const int ServiceUnavailable = 503;

    /// <summary>505: an HTTP major version other than 1.</summary>
    public const int HttpVersionNotSupported = 505;

    /// <summary>The standard reason phrase for a status code, or "Unknown" for codes this library does not name.</summary>
    /// <param name="statusCode">A status code.</param>
    /// <returns>A constant string.</returns>
    public static string ReasonPhrase(int statusCode) => statusCode switch
    {
        SwitchingProtocols => "Switching Protocols",
        Ok => "OK",
        201 => "Created",
        202 => "Accepted",
        NoContent => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        BadRequest => "Bad Request",
        401 => "Unauthorized",
        Forbidden => "Forbidden",
        NotFound => "Not Found",
        MethodNotAllowed => "Method Not Allowed",
        408 => "Request Timeout",
        411 => "Length Required",
        413 => "Content Too Large",
        414 => "URI Too Long",
        UpgradeRequired => "Upgrade Required",
        429 => "Too Many Requests",
        RequestHeaderFieldsTooLarge => "Request Header Fields Too Large",
        InternalServerError => "Internal Server Error",
        501 => "Not Implemented",
        ServiceUnavailable => "Service Unavailable",
        HttpVersionNotSupported => "HTTP Version Not Supported",
        _ => "Unknown",
    };
}
