using ActorWs.Actors;
using Microsoft.Extensions.Logging;

namespace ActorWs.Server.Sessions;

/// <summary>
/// Parent of all sessions. A session whose handler throws is stopped (not restarted: its handler's state
/// would be lost mid-conversation); its connection, watching it, then closes with 1011.
/// </summary>
internal sealed class SessionManager : ActorBase
{
    private readonly ServerRuntime _runtime;
    private readonly ILogger _log;

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
        });

    protected override bool Receive(object message)
    {
        if (message is StartSession start)
        {
            var setup = start.Setup;
            var runtime = _runtime;
            var session = Context.ActorOf(Props.Create(() => new SessionActor(runtime, setup)), setup.Id);
            Sender.Tell(new SessionStarted(session), Self);
            return true;
        }
        return false;
    }
}
