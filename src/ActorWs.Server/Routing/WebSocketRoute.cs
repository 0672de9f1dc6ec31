using Akka.Actor;
using ActorWs.Protocol.Compression.Negotiation;
using ActorWs.Server.Options;
using ActorWs.Server.Sessions;

namespace ActorWs.Server.Routing;

/// <summary>
/// A path on which clients may open WebSockets, with the handler that serves each connection and the
/// policies that apply to it.
/// </summary>
/// <remarks>Configure it before the server starts; it is read-only (and thread-safe) once the server runs.</remarks>
public sealed class WebSocketRoute
{
    private readonly Func<WebSocketHandler>? _handlerFactory;

    internal WebSocketRoute(string template, Func<WebSocketHandler> handlerFactory)
    {
        Template = new RouteTemplate(template);
        _handlerFactory = handlerFactory;
    }

    internal WebSocketRoute(string template, Props actorProps)
    {
        Template = new RouteTemplate(template);
        ActorProps = actorProps;
    }

    /// <summary>For a route served by an actor per connection (<see cref="ActorWsServer.MapActorRoute"/>): its props.</summary>
    internal Props? ActorProps { get; }

    /// <summary>The path template, e.g. <c>/rooms/{name}</c>.</summary>
    public RouteTemplate Template { get; }

    /// <summary>Subprotocols this route speaks, in the server's order of preference; empty for none.</summary>
    public IList<string> Subprotocols { get; } = new List<string>();

    /// <summary>Origins allowed on this route (exact, case-insensitive); null uses the server's list.</summary>
    public IList<string>? AllowedOrigins { get; set; }

    /// <summary>Runs after the request is valid and before the 101: authenticate, authorize, attach an identity.</summary>
    public AcceptHook? Accept { get; set; }

    /// <summary>The room type <see cref="IWebSocketSession.JoinRoom(string, object?)"/> uses on this route.</summary>
    public string? RoomType { get; set; }

    /// <summary>
    /// Whether sessions on this route survive a dropped connection for the reconnection window and can be resumed
    /// (room deliveries are then numbered and kept). The JSON room protocol's route is. Not for actor routes.
    /// </summary>
    public bool Resumable
    {
        get => _resumable;
        set
        {
            if (value && ActorProps is not null) throw new InvalidOperationException("A route served by an actor per connection is not resumable.");
            _resumable = value;
        }
    }

    private bool _resumable;

    /// <summary>Largest message on this route; null uses the server's.</summary>
    public long? MaxMessageSize { get; set; }

    /// <summary>permessage-deflate on this route (e.g. <see cref="PerMessageDeflateSettings.Disabled"/>); null uses the server's.</summary>
    public PerMessageDeflateSettings? Compression { get; set; }

    /// <summary>Slow-consumer policy on this route; null uses the server's.</summary>
    public SlowConsumerPolicy? SlowConsumerPolicy { get; set; }

    internal WebSocketHandler CreateHandler() =>
        (_handlerFactory ?? throw new InvalidOperationException($"Route {Template} is served by an actor, not a handler."))();

    /// <summary>Whether <paramref name="origin"/> may connect, given the server-wide list.</summary>
    internal bool IsOriginAllowed(string? origin, IList<string> serverAllowed)
    {
        var allowed = AllowedOrigins ?? serverAllowed;
        if (allowed.Count == 0) return true;
        if (origin is null) return false;
        foreach (var candidate in allowed)
            if (string.Equals(candidate, origin, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }
}

/// <summary>The server's WebSocket routes; the most specific template that matches wins.</summary>
/// <remarks>Filled while configuring, read-only once the server runs.</remarks>
internal sealed class RouteTable
{
    private readonly List<WebSocketRoute> _routes = new();

    public IReadOnlyList<WebSocketRoute> Routes => _routes;

    public WebSocketRoute Add(string template, Func<WebSocketHandler> handlerFactory)
    {
        ArgumentNullException.ThrowIfNull(handlerFactory);
        return Add(new WebSocketRoute(template, handlerFactory));
    }

    public WebSocketRoute Add(string template, Props actorProps)
    {
        ArgumentNullException.ThrowIfNull(actorProps);
        return Add(new WebSocketRoute(template, actorProps));
    }

    private WebSocketRoute Add(WebSocketRoute route)
    {
        string template = route.Template.Text;
        if (_routes.Any(r => r.Template.Text == route.Template.Text))
            throw new ArgumentException($"A route for \"{template}\" is already mapped.", nameof(template));
        _routes.Add(route);
        // More literal segments first: /rooms/lobby before /rooms/{name}.
        _routes.Sort((a, b) => b.Template.LiteralCount.CompareTo(a.Template.LiteralCount));
        return route;
    }

    public bool TryMatch(string path, out WebSocketRoute route, out IReadOnlyDictionary<string, string> values)
    {
        foreach (var candidate in _routes)
        {
            if (candidate.Template.TryMatch(path, out values))
            {
                route = candidate;
                return true;
            }
        }
        route = null!;
        values = null!;
        return false;
    }
}
