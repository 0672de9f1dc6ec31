using System.Net;
using Akka.Actor;

namespace ActorWs.Server.Listener;

/// <summary>Bind the configured endpoint and start accepting; the answer is <see cref="Bound"/> or <see cref="BindFailed"/>.</summary>
internal sealed record Bind;

/// <summary>The listener is bound and accepting on <paramref name="EndPoint"/> (with the real port).</summary>
public sealed record Bound(IPEndPoint EndPoint);

/// <summary>The endpoint could not be bound; <paramref name="Reason"/> says why, e.g. "port 8080 in use".</summary>
public sealed record BindFailed(string Reason);

/// <summary>Stop accepting (connections already open are not touched); answered with <see cref="Unbound"/>.</summary>
internal sealed record Unbind
{
    public static readonly Unbind Instance = new();
}

/// <summary>The listener no longer accepts.</summary>
internal sealed record Unbound
{
    public static readonly Unbound Instance = new();
}

/// <summary>
/// Shutdown: stop accepting, close every open connection with 1001, wait up to <paramref name="Timeout"/>,
/// abort what is left; answered with <see cref="Drained"/>.
/// </summary>
internal sealed record Drain(TimeSpan Timeout);

/// <summary>All connections are gone; <paramref name="Aborted"/> of them had to be aborted.</summary>
internal sealed record Drained(int Aborted);

/// <summary>Listener-internal: check connection deadlines now.</summary>
internal sealed record HousekeepingTick
{
    public static readonly HousekeepingTick Instance = new();
}

/// <summary>Listener-internal: try accepting again after a transient failure (e.g. out of descriptors).</summary>
internal sealed record AcceptRetry
{
    public static readonly AcceptRetry Instance = new();
}

/// <summary>Listener-internal: the last connection went away while draining.</summary>
internal sealed record AllConnectionsClosed
{
    public static readonly AllConnectionsClosed Instance = new();
}

/// <summary>Listener-internal: the drain timeout is over.</summary>
internal sealed record DrainTimedOut
{
    public static readonly DrainTimedOut Instance = new();
}
