using Akka.Actor;

namespace ActorWs.Server.Sessions;

/// <summary>
/// Where a connection waiting for its session and the session taking it (a new session, one resumed by token, or the
/// application's actor of an actor route) meet. The connection may stop before the session manager's
/// <see cref="SessionStarted"/> reaches it (a client that resets its socket right after the upgrade request): that
/// message then goes nowhere, and the session would stay attached to a connection that is gone, never detached and
/// never ended. Whichever of the two comes second learns of the other here instead.
/// </summary>
/// <remarks>
/// Made per upgrade and forgotten by both once the session has started, so an open connection holds none. Safe to
/// use from the connection's and the session's threads at once: one compare-and-swap decides the order.
/// </remarks>
internal sealed class SessionHandoff(string path)
{
    /// <summary>The state once the connection stopped before any session took it.</summary>
    private static readonly object ConnectionGone = new();

    /// <summary>Null while waiting; the session's <see cref="IActorRef"/> once taken; <see cref="ConnectionGone"/>.</summary>
    private object? _state;

    /// <summary>The path the client asked for (what the connection logs as it opens).</summary>
    public string Path { get; } = path;

    /// <summary>
    /// Session side: takes the connection. False if the connection has already stopped: nothing it could send would
    /// arrive, and nothing will tell the session that the connection is gone.
    /// </summary>
    public bool TryTake(IActorRef session) => Interlocked.CompareExchange(ref _state, session, null) is null;

    /// <summary>
    /// Connection side, as it stops without having heard of its session: the session that took it meanwhile (which
    /// must now hear that the connection is gone), or null, and then no session will take it.
    /// </summary>
    public IActorRef? Abandon() => Interlocked.CompareExchange(ref _state, ConnectionGone, null) as IActorRef;
}
