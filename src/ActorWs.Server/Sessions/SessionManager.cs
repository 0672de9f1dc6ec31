using System.Security.Cryptography;
using ActorWs.Actors;
using Microsoft.Extensions.Logging;

namespace ActorWs.Server.Sessions;

/// <summary>
/// Parent of all sessions, and the keeper of resume tokens. A session whose handler throws is stopped (not
/// restarted: its handler's state would be lost mid-conversation); its connection, watching it, then closes with 1011.
/// </summary>
/// <remarks>
/// Resume tokens are 128 random bits, unguessable; a client that comes back with one is handed to the session it
/// names (which checks the identity and what it still keeps), or, if that is not possible, gets a fresh session that
/// tells it why.
/// </remarks>
internal sealed class SessionManager : ActorBase
{
    private readonly ServerRuntime _runtime;
    private readonly ILogger _log;
    private readonly Dictionary<string, IActorRef> _byToken = new(StringComparer.Ordinal);
    private readonly Props _sessionProps;

    public SessionManager(ServerRuntime runtime)
    {
        _runtime = runtime;
        _log = runtime.LoggerFactory.CreateLogger("ActorWs.Server.Sessions");
        _sessionProps = Props.Create(() => new SessionActor(runtime));
    }

    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(ex =>
        {
            _log.LogError(ex, "Session handler failed; the session is stopped and its connection closed with 1011");
            return Directive.Stop;
        });

    /// <summary>A new resume token: 16 random bytes, base64url (22 characters).</summary>
    internal static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    protected override bool Receive(object message)
    {
        switch (message)
        {
            case StartSession start:
                var setup = start.Setup;
                if (setup.ResumeRequestedToken is { } requested)
                {
                    if (_byToken.TryGetValue(requested, out var earlier))
                    {
                        earlier.Tell(new Reattach(setup), Self);
                        return true;
                    }
                    setup = setup with { ResumeError = "unknown or expired token" };
                }
                Create(setup);
                return true;
            case ReattachRefused refused:
                Create(refused.Setup with { ResumeError = refused.Reason });
                return true;
            case SessionEnded ended:
                if (_byToken.TryGetValue(ended.Token, out var session) && session.Equals(Sender)) _byToken.Remove(ended.Token);
                return true;
            default:
                return false;
        }
    }

    private void Create(SessionSetup setup)
    {
        if (setup.Route.Resumable) setup = setup with { ResumeToken = NewToken() };
        var session = Context.ActorOf(_sessionProps, setup.Id);
        session.Tell(new SessionActor.Begin(setup), Self);
        if (setup.ResumeToken is { } token) _byToken[token] = session;
        setup.Connection.Tell(new SessionStarted(session), Self);
    }
}
