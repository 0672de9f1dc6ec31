using System.Net;
using ActorWs.Protocol.Http;

namespace ActorWs.Server.Routing;

/// <summary>
/// What an accept hook sees of a valid WebSocket upgrade request before it is answered.
/// </summary>
/// <remarks>Immutable; the hook may run on any thread.</remarks>
public sealed class UpgradeRequest
{
    internal UpgradeRequest(WebSocketUpgradeRequest request, IReadOnlyDictionary<string, string> routeValues, EndPoint? remoteEndPoint)
    {
        Request = request;
        RouteValues = routeValues;
        RemoteEndPoint = remoteEndPoint;
    }

    internal WebSocketUpgradeRequest Request { get; }

    /// <summary>The request path, e.g. <c>/rooms/lobby</c>.</summary>
    public string Path => Request.Path;

    /// <summary>The query string without <c>?</c> (not decoded); empty when absent.</summary>
    public string Query => Request.Query;

    /// <summary>Values captured by the route template's parameters.</summary>
    public IReadOnlyDictionary<string, string> RouteValues { get; }

    /// <summary>The <c>Origin</c> header, sent by browsers; null from other clients.</summary>
    public string? Origin => Request.Origin;

    /// <summary>All request header fields (e.g. <c>Authorization</c>, <c>Cookie</c>).</summary>
    public HttpHeaderCollection Headers => Request.Head.Headers;

    /// <summary>The subprotocols the client offered, in its order.</summary>
    public IReadOnlyList<string> OfferedSubprotocols => Request.OfferedSubprotocols;

    /// <summary>The client's address.</summary>
    public EndPoint? RemoteEndPoint { get; }

    /// <summary>A query parameter's decoded value, or null (first occurrence).</summary>
    public string? GetQueryValue(string name)
    {
        foreach (var value in QueryValues(name)) return value;
        return null;
    }

    /// <summary>Every decoded value of a query parameter given more than once (e.g. <c>?pos=…&amp;pos=…</c>), in order.</summary>
    public IReadOnlyList<string> GetQueryValues(string name) => QueryValues(name).ToList();

    private IEnumerable<string> QueryValues(string name)
    {
        foreach (var part in Query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = part.IndexOf('=');
            string key = Uri.UnescapeDataString((eq < 0 ? part : part[..eq]).Replace('+', ' '));
            if (key == name) yield return eq < 0 ? "" : Uri.UnescapeDataString(part[(eq + 1)..].Replace('+', ' '));
        }
    }
}

/// <summary>An accept hook's answer: open the WebSocket (with an identity for the session) or refuse it.</summary>
public readonly record struct AcceptDecision
{
    private AcceptDecision(bool accepted, object? identity, int status, string reason)
    {
        Accepted = accepted;
        Identity = identity;
        Status = status;
        Reason = reason;
    }

    /// <summary>Whether the upgrade goes ahead.</summary>
    public bool Accepted { get; }

    /// <summary>Who the client is, attached to its session (null when anonymous).</summary>
    public object? Identity { get; }

    /// <summary>The HTTP status of a refusal (e.g. 401, 403, or 503 from <see cref="ServiceUnavailable"/>).</summary>
    public int Status { get; }

    /// <summary>Why it was refused (sent as the response body).</summary>
    public string Reason { get; }

    /// <summary>Accepts the upgrade.</summary>
    public static AcceptDecision Accept(object? identity = null) => new(true, identity, 101, "");

    /// <summary>Refuses with 401 Unauthorized (the client has not proven who it is).</summary>
    public static AcceptDecision Unauthorized(string reason) => Reject(401, reason);

    /// <summary>Refuses with 403 Forbidden (the client is known but not allowed).</summary>
    public static AcceptDecision Forbidden(string reason) => Reject(403, reason);

    /// <summary>
    /// Refuses with 503 Service Unavailable: the request is fine but the server cannot take it now (a capacity is
    /// reached); a later attempt may succeed.
    /// </summary>
    public static AcceptDecision ServiceUnavailable(string reason) => new(false, null, 503, reason ?? "");

    /// <summary>Refuses with any 4xx status.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The status is not 400–499.</exception>
    public static AcceptDecision Reject(int status, string reason)
    {
        if (status is < 400 or > 499) throw new ArgumentOutOfRangeException(nameof(status), status, "A refusal must be a 4xx status.");
        return new(false, null, status, reason ?? "");
    }
}

/// <summary>Decides whether an upgrade may proceed: authentication, authorization, rate limiting.</summary>
public delegate ValueTask<AcceptDecision> AcceptHook(UpgradeRequest request);
