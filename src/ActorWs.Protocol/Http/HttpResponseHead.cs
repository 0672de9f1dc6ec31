namespace ActorWs.Protocol.Http;

/// <summary>What to write for an HTTP/1.1 response head (the body is written separately or by <see cref="HttpResponseWriter.TryWriteResponse(Span{byte}, HttpResponseHead, ReadOnlySpan{byte}, out int)"/>).</summary>
/// <remarks>Thread safety: immutable.</remarks>
public sealed record HttpResponseHead
{
    /// <summary>Creates a response head.</summary>
    /// <param name="statusCode">A status code from 100 to 999.</param>
    /// <param name="contentLength">The body length in bytes (also for HEAD responses, which omit the body).</param>
    /// <param name="keepAlive">Whether the connection stays open for another request; <see langword="false"/> sends <c>Connection: close</c>.</param>
    public HttpResponseHead(int statusCode, long contentLength, bool keepAlive)
    {
        StatusCode = statusCode;
        ContentLength = contentLength;
        KeepAlive = keepAlive;
    }

    /// <summary>The status code.</summary>
    public int StatusCode { get; init; }

    /// <summary>The body length written as <c>Content-Length</c> (omitted for 1xx and 204, which have no body).</summary>
    public long ContentLength { get; init; }

    /// <summary>Whether the connection stays open; <see langword="false"/> adds <c>Connection: close</c>.</summary>
    public bool KeepAlive { get; init; }

    /// <summary>The <c>Content-Type</c>, e.g. <c>text/plain; charset=utf-8</c>; omitted when null.</summary>
    public string? ContentType { get; init; }

    /// <summary>
    /// The <c>Date</c> (RFC 9110 §6.6.1: an origin server with a clock must send it); omitted when null.
    /// Pass <c>TimeProvider.GetUtcNow()</c>.
    /// </summary>
    public DateTimeOffset? Date { get; init; }

    /// <summary>Further header fields, written after the standard ones in order.</summary>
    public IReadOnlyList<HttpHeaderField> ExtraHeaders { get; init; } = [];
}
