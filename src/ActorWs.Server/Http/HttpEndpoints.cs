using System.Net;
using System.Text;
using ActorWs.Protocol.Http;
using ActorWs.Server.Metrics;
using ActorWs.Server.Routing;

namespace ActorWs.Server.Http;

/// <summary>
/// The plain-HTTP side of the port: <c>/health</c>, <c>/ready</c>, <c>/metrics</c>, the status page,
/// GET handlers and static files mapped by the application, and the errors for everything else.
/// </summary>
/// <remarks>Configured before the server starts; answering is thread-safe (handlers run on connection actors).</remarks>
internal sealed class HttpEndpoints
{
    private readonly Dictionary<string, HttpGetHandler> _get = new(StringComparer.Ordinal);
    private readonly List<(string Prefix, string Directory)> _static = new();

    /// <summary>Set by the server once it knows its runtime and exporter.</summary>
    public Func<ServerStatus>? Status { get; set; }

    /// <summary>Renders <c>/metrics</c>; null when metrics are off.</summary>
    public PrometheusExporter? Exporter { get; set; }

    /// <summary>Answers <c>/cluster</c> (members, or that clustering is off); set by the server as it starts.</summary>
    public Func<HttpResponse>? Cluster { get; set; }

    /// <summary>
    /// On a cluster node: why it is not ready as a member (<c>joining</c> before it is Up, <c>leaving</c> once it is on its
    /// way out), or null when it is Up; <c>/ready</c> answers 503 with that status meanwhile. Null on a single node.
    /// </summary>
    public Func<string?>? ClusterNotReady { get; set; }

    public void MapGet(string path, HttpGetHandler handler)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(handler);
        if (path[0] != '/') throw new ArgumentException("Paths start with '/'.", nameof(path));
        _get[path] = handler;
    }

    public void MapStaticFiles(string urlPrefix, string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(urlPrefix);
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"Static file directory \"{directory}\" does not exist.");
        if (!urlPrefix.EndsWith('/')) urlPrefix += "/";
        _static.Add((urlPrefix, Path.GetFullPath(directory)));
    }

    /// <summary>
    /// Answers a plain (non-upgrade) request. Precedence: the application's GET handlers, WebSocket routes
    /// (426), static files, then the built-in endpoints; anything else is 404. A known path with a method
    /// other than GET or HEAD is 405.
    /// </summary>
    public HttpResponse Answer(HttpRequestHead request, RouteTable routes)
    {
        string path = request.Path;
        if (_get.TryGetValue(path, out var handler)) return MethodAllowed(request) ?? handler(request);
        if (routes.TryMatch(path, out _, out _))
        {
            return MethodAllowed(request) ?? HttpResponse.Text(HttpStatus.UpgradeRequired, $"{path} is a WebSocket endpoint: open it with a WebSocket client\n") with
            {
                Headers = [new HttpHeaderField("Upgrade", "websocket"), new HttpHeaderField("Sec-WebSocket-Version", "13")],
            };
        }
        if (FindStaticFile(path) is { } file)
            return MethodAllowed(request) ?? new HttpResponse(HttpStatus.Ok, ContentTypeOf(file), File.ReadAllBytes(file));
        if (IsBuiltIn(path)) return MethodAllowed(request) ?? BuiltIn(path);
        return HttpResponse.Text(HttpStatus.NotFound, $"no resource at {path}\n");
    }

    /// <summary>
    /// Whether <c>GET /</c> answers with a page (as <see cref="Answer"/> decides): the application's handler or static
    /// <c>index.html</c>, else the status page when it is on. For the startup line.
    /// </summary>
    public bool ServesPage(RouteTable routes) =>
        _get.ContainsKey("/") || (!routes.TryMatch("/", out _, out _) && (FindStaticFile("/") is not null || IsBuiltIn("/")));

    private static HttpResponse? MethodAllowed(HttpRequestHead request) =>
        request.Method is "GET" or "HEAD"
            ? null
            : HttpResponse.Text(HttpStatus.MethodNotAllowed, $"{request.Method} is not allowed on {request.Path}\n") with
            {
                Headers = [new HttpHeaderField("Allow", "GET, HEAD")],
            };

    /// <summary>The browser client, embedded in this assembly; null if it was built without it.</summary>
    private static readonly Lazy<byte[]?> BrowserClient = new(() =>
    {
        using var stream = typeof(HttpEndpoints).Assembly.GetManifestResourceStream("ActorWs.Server.Web.actorws.js");
        if (stream is null) return null;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    private bool IsBuiltIn(string path) => path switch
    {
        "/actorws.js" => BrowserClient.Value is not null,
        "/health" or "/ready" => true,
        "/metrics" => Exporter is not null,
        "/cluster" => Cluster is not null,
        "/" => Status is not null && (Status().StatusPage),
        _ => false,
    };

    private HttpResponse BuiltIn(string path)
    {
        var status = Status?.Invoke();
        switch (path)
        {
            case "/health":
                return HttpResponse.Json(HttpStatus.Ok, "{\"status\":\"ok\"}");
            case "/ready":
                // A node that is not an Up member cannot yet (or no longer) reach rooms on other nodes: not ready either.
                if (status is { Bound: true, Draining: false } && ClusterNotReady?.Invoke() is { } member)
                    return HttpResponse.Json(HttpStatus.ServiceUnavailable, "{\"status\":\"" + member + "\"}");
                if (status is { Bound: true, Draining: false }) return HttpResponse.Json(HttpStatus.Ok, "{\"status\":\"ready\"}");
                return HttpResponse.Json(HttpStatus.ServiceUnavailable, status is { Draining: true } ? "{\"status\":\"draining\"}" : "{\"status\":\"starting\"}");
            case "/metrics":
                return new HttpResponse(HttpStatus.Ok, PrometheusExporter.ContentType, Encoding.UTF8.GetBytes(Exporter!.Scrape()));
            case "/cluster":
                return Cluster!();
            case "/actorws.js":
                return new HttpResponse(HttpStatus.Ok, "text/javascript; charset=utf-8", BrowserClient.Value!);
            default:
                return HttpResponse.Html(HttpStatus.Ok, StatusPage.Render(status!));
        }
    }

    private string? FindStaticFile(string path)
    {
        foreach (var (prefix, directory) in _static)
        {
            if (!path.StartsWith(prefix, StringComparison.Ordinal) && path + "/" != prefix) continue;
            string relative = path.Length > prefix.Length ? Uri.UnescapeDataString(path[prefix.Length..]) : "";
            if (relative.Length == 0 || relative.EndsWith('/')) relative += "index.html";
            // No way out of the directory: the full path must stay below it.
            string full = Path.GetFullPath(Path.Combine(directory, relative));
            if (!full.StartsWith(directory + Path.DirectorySeparatorChar, StringComparison.Ordinal)) continue;
            if (File.Exists(full)) return full;
        }
        return null;
    }

    private static string ContentTypeOf(string file) => Path.GetExtension(file).ToLowerInvariant() switch
    {
        ".html" or ".htm" => "text/html; charset=utf-8",
        ".js" or ".mjs" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".json" => "application/json; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        ".ico" => "image/x-icon",
        ".txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    };
}

/// <summary>What the status page and <c>/ready</c> show.</summary>
internal sealed record ServerStatus(
    bool Bound,
    bool Draining,
    bool StatusPage,
    IPEndPoint? EndPoint,
    TimeSpan Uptime,
    long OpenConnections,
    long Rooms,
    IReadOnlyList<string> Routes);

/// <summary>The small HTML page at <c>/</c>.</summary>
internal static class StatusPage
{
    public static string Render(ServerStatus status)
    {
        var html = new StringBuilder(1024);
        html.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>ActorWs</title>")
            .Append("<style>body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:40rem;color:#222}")
            .Append("h1{font-size:1.4rem}table{border-collapse:collapse}td{padding:.2rem 1rem .2rem 0}code{background:#f3f3f3;padding:0 .3rem}</style>")
            .Append("</head><body><h1>ActorWs is running</h1><table>")
            .Append("<tr><td>Listening on</td><td><code>").Append(WebUtility.HtmlEncode(status.EndPoint?.ToString() ?? "-")).Append("</code></td></tr>")
            .Append("<tr><td>Uptime</td><td>").Append(status.Uptime.ToString(@"d\.hh\:mm\:ss", System.Globalization.CultureInfo.InvariantCulture)).Append("</td></tr>")
            .Append("<tr><td>Open connections</td><td>").Append(status.OpenConnections).Append("</td></tr>")
            .Append("<tr><td>Rooms</td><td>").Append(status.Rooms).Append("</td></tr>")
            .Append("<tr><td>State</td><td>").Append(status.Draining ? "draining" : "ready").Append("</td></tr></table>")
            .Append("<h2>WebSocket routes</h2><ul>");
        foreach (var route in status.Routes) html.Append("<li><code>").Append(WebUtility.HtmlEncode(route)).Append("</code></li>");
        html.Append("</ul><p><a href=\"/health\">/health</a> · <a href=\"/ready\">/ready</a> · <a href=\"/metrics\">/metrics</a></p></body></html>");
        return html.ToString();
    }
}
