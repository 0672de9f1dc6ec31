using System.Security.Cryptography;
using Akka.Actor;
using ActorWs.Server.Dispatch;
using Microsoft.Extensions.Logging;

namespace ActorWs.Server.Sessions;

/// <summary>
/// Parent of the resumable sessions, and the keeper of resume tokens. A session whose handler throws is stopped
/// (not restarted: its handler's state would be lost mid-conversation); it then tells its connection to close with 1011.
/// </summary>
/// <remarks>
/// Resume tokens are 128 random bits, unguessable; a client that comes back with one is handed to the session it
/// names (which checks the token is still its current one, the identity, and what it still keeps), or, if that is not
/// possible, gets a fresh session that tells it why. A token works once: the session that accepts a resume rotates it
/// (<see cref="TokenRotated"/>) and the spent one is forgotten here, so a replay is an unknown token. Sessions of
/// ordinary routes are not here: they run inside their connection actors.
/// <para>In a cluster, a token this node does not know may be another node's session's (that node crashed, stopped,
/// or the client's load balancer picked another): with the positions the client sent, a new session here asks each of
/// its rooms to take it as that member (<see cref="SessionActor"/>, resuming from another node).</para>
/// <para>A session that had to end because it can no longer be resumed completely (it lost messages its detached
/// client has not seen: past its resume buffer's bounds, or given up to the memory budget) leaves its refusal here
/// (<see cref="SessionEnded.Refusal"/>): for a reconnection window its token, presented once by the session's identity,
/// gets those words instead of "unknown or expired token". Anyone else, and any later attempt, gets the usual words.</para>
/// </remarks>
internal sealed class SessionManager : UntypedActor
{
    private readonly ServerRuntime _runtime;
    private readonly ILogger _log;
    private readonly Dictionary<string, IActorRef> _byToken = new(StringComparer.Ordinal);

    /// <summary>Tokens of sessions that ended unresumable, with why and until when (a <see cref="TimeProvider"/> timestamp).</summary>
    private readonly Dictionary<string, (ResumeRefusal Refusal, long Until)> _unresumable = new(StringComparer.Ordinal);

    /// <summary>Expired entries of <see cref="_unresumable"/> are swept when it reaches this size (then twice what is left).</summary>
    private int _sweepUnresumableAt = MinimumSweepSize;

    private const int MinimumSweepSize = 64;

    public SessionManager(ServerRuntime runtime)
    {
        _runtime = runtime;
        _log = runtime.LoggerFactory.CreateLogger("ActorWs.Server.Sessions");
    }

    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(ex =>
        {
            _log.LogError(ex, "Session handler failed; the session is stopped and its connection closed with 1011");
            return Directive.Stop;
        }, loggingEnabled: false);

    /// <summary>
    /// The refusal of a token that names no session, a spent one, and one presented by another identity than its
    /// session's: the same words for all three, so that a refusal tells a caller nothing about which tokens are live.
    /// </summary>
    internal const string UnknownToken = "unknown or expired token";

    /// <summary>A new resume token: 16 random bytes, base64url (22 characters).</summary>
    internal static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case StartSession start:
                var setup = start.Setup;
                if (setup.ResumeRequestedToken is { } requested)
                {
                    if (_byToken.TryGetValue(requested, out var earlier))
                    {
                        earlier.Tell(new Reattach(setup, start.Handoff), Self);
                        return;
                    }
                    var refusal = UnresumableRefusal(requested, setup.Identity);
                    if (refusal is null && _runtime.ClusterRooms is not null && setup.ResumePositions is not null)
                    {
                        // Not a session of this node: in a cluster it may be another node's; its rooms know its token.
                        Create(setup with { ResumesFromAnotherNode = true }, start.Handoff);
                        return;
                    }
                    setup = setup with { ResumeError = refusal ?? UnknownToken };
                }
                Create(setup, start.Handoff);
                break;
            case ReattachRefused refused:
                Create(refused.Setup with { ResumeError = refused.Reason }, refused.Handoff);
                break;
            case TokenRotated rotated:
                if (_byToken.TryGetValue(rotated.Spent, out var owner) && owner.Equals(Sender)) _byToken.Remove(rotated.Spent);
                _byToken[rotated.Current] = Sender;
                break;
            case SessionEnded ended:
                if (_byToken.TryGetValue(ended.Token, out var session) && session.Equals(Sender))
                {
                    _byToken.Remove(ended.Token);
                    if (ended.Refusal is { } refusal) RememberUnresumable(ended.Token, refusal);
                }
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void RememberUnresumable(string token, ResumeRefusal refusal)
    {
        long now = _runtime.Time.GetTimestamp();
        if (_unresumable.Count >= _sweepUnresumableAt)
        {
            foreach (var (expiredToken, _) in _unresumable.Where(e => e.Value.Until <= now).ToList()) _unresumable.Remove(expiredToken);
            _sweepUnresumableAt = Math.Max(MinimumSweepSize, _unresumable.Count * 2);
        }
        long ticks = (long)(refusal.For.TotalSeconds * _runtime.Time.TimestampFrequency);
        _unresumable[token] = (refusal, now + ticks);
    }

    /// <summary>
    /// The words for a resume with the token of a session that ended unresumable, once, to its own identity within the
    /// time it was kept; null otherwise (the token is then as unknown as any). Another identity does not use it up.
    /// </summary>
    private string? UnresumableRefusal(string token, object? identity)
    {
        if (!_unresumable.TryGetValue(token, out var entry)) return null;
        if (entry.Until <= _runtime.Time.GetTimestamp())
        {
            _unresumable.Remove(token);
            return null;
        }
        if (!Equals(entry.Refusal.Identity, identity)) return null;
        _unresumable.Remove(token);
        return entry.Refusal.Reason;
    }

    private void Create(SessionSetup setup, SessionHandoff handoff)
    {
        // The session hears it begins before the connection hears the session exists: the connection starts handing it
        // the client's messages only then, so they always come after the beginning (the two Tells go from this actor's
        // one thread to each mailbox in turn). What the session sends as it begins (the welcome) may then reach the
        // connection before SessionStarted does (different senders); the connection takes it while opening.
        if (setup.Route.ActorProps is { } props)
        {
            // A route served by the application's actor: that actor is the session.
            var handler = Context.ActorOf(props, setup.Id);
            if (!handoff.TryTake(handler))
            {
                Context.Stop(handler); // the connection is already gone: the actor never had a WebSocket
                return;
            }
            handler.Tell(new ActorRoutes.WebSocketOpened(setup.Connection, setup.Path, setup.Query, setup.RouteValues, setup.Identity, setup.Subprotocol, setup.Transport.RemoteEndPoint), setup.Connection);
            setup.Connection.Tell(new SessionStarted(handler), Self);
            return;
        }
        // A session resumed from another node answers to the token the client came with until its welcome gives a new one.
        setup = setup with { ResumeToken = setup.ResumesFromAnotherNode ? setup.ResumeRequestedToken : NewToken() };
        var session = Context.ActorOf(_runtime.SessionProps(setup.Transport.DispatcherId), setup.Id);
        session.Tell(new SessionActor.Begin(setup, handoff), Self);
        setup.Connection.Tell(new SessionStarted(session), Self);
        _byToken[setup.ResumeToken!] = session;
    }
}
