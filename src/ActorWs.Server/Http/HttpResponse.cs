using System.Text;
using ActorWs.Protocol.Http;

namespace ActorWs.Server.Http;

/// <summary>A complete answer to a plain HTTP request on the server's port.</summary>
/// <param name="StatusCode">The status, e.g. 200.</param>
/// <param name="ContentType">The body's media type.</param>
/// <param name="Body">The body bytes.</param>
public sealed record HttpResponse(int StatusCode, string ContentType, ReadOnlyMemory<byte> Body)
{
    /// <summary>Further header fields.</summary>
    public IReadOnlyList<HttpHeaderField> Headers { get; init; } = [];

    /// <summary>A UTF-8 text response.</summary>
    public static HttpResponse Text(int statusCode, string text) =>
        new(statusCode, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes(text));

    /// <summary>A JSON response from already-serialized JSON text.</summary>
    public static HttpResponse Json(int statusCode, string json) =>
        new(statusCode, "application/json; charset=utf-8", Encoding.UTF8.GetBytes(json));

    /// <summary>An HTML response.</summary>
    public static HttpResponse Html(int statusCode, string html) =>
        new(statusCode, "text/html; charset=utf-8", Encoding.UTF8.GetBytes(html));
}

/// <summary>Answers a GET (or HEAD) request for one path.</summary>
public delegate HttpResponse HttpGetHandler(HttpRequestHead request);
