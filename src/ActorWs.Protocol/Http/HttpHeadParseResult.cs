namespace ActorWs.Protocol.Http;

/// <summary>Where an incremental request-head parse stands.</summary>
/// <remarks>Thread safety: an enum; immutable.</remarks>
public enum HttpHeadParseStatus : byte
{
    /// <summary>The head is not complete; feed the next bytes.</summary>
    NeedMore,

    /// <summary>The head is complete; <see cref="HttpHeadParseResult.Head"/> holds it.</summary>
    Complete,

    /// <summary>The head is malformed or over a limit; answer <see cref="HttpHeadParseResult.ErrorStatusCode"/> and close.</summary>
    Error,
}

/// <summary>The outcome of one <see cref="HttpRequestHeadParser.Feed"/> call.</summary>
/// <param name="Status">Need more, complete or error.</param>
/// <param name="Consumed">
/// How many bytes of the chunk belong to the head. On <see cref="HttpHeadParseStatus.Complete"/> the bytes after them are
/// the start of whatever follows (the WebSocket stream, or a request body) and are left to the caller;
/// on <see cref="HttpHeadParseStatus.NeedMore"/> it is the whole chunk; on <see cref="HttpHeadParseStatus.Error"/> it is 0
/// (the request is answered with the error and the connection closed, so nothing after the fault is read).
/// </param>
/// <param name="Head">The parsed head, on <see cref="HttpHeadParseStatus.Complete"/>.</param>
/// <param name="ErrorStatusCode">400 or 431 on <see cref="HttpHeadParseStatus.Error"/>; otherwise 0.</param>
/// <param name="ErrorReason">A short constant description of the fault on <see cref="HttpHeadParseStatus.Error"/>.</param>
/// <remarks>Thread safety: an immutable value.</remarks>
public readonly record struct HttpHeadParseResult(
    HttpHeadParseStatus Status,
    int Consumed,
    HttpRequestHead? Head,
    int ErrorStatusCode,
    string? ErrorReason)
{
    internal static HttpHeadParseResult NeedMore(int consumed) => new(HttpHeadParseStatus.NeedMore, consumed, null, 0, null);

    internal static HttpHeadParseResult Completed(int consumed, HttpRequestHead head) => new(HttpHeadParseStatus.Complete, consumed, head, 0, null);

    internal static HttpHeadParseResult Failed(int statusCode, string reason) => new(HttpHeadParseStatus.Error, 0, null, statusCode, reason);
}
