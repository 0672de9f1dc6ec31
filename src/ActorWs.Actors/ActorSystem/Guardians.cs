namespace ActorWs.Actors;

/// <summary>
/// The root guardian (<c>/</c>): supervises <c>/user</c> and <c>/system</c> with a stopping
/// strategy and drives the end of the system: when <c>/user</c> is gone it stops <c>/system</c>,
/// when that is gone it stops itself, and its end completes <see cref="ActorSystem.WhenTerminated"/>.
/// </summary>
/// <remarks>Runs as an ordinary actor; see <see cref="ActorBase"/>.</remarks>
internal sealed class RootGuardian : UntypedActor
{
    private IActorRef _userGuardian = ActorRefs.Nobody;
    private IActorRef _systemGuardian = ActorRefs.Nobody;

    protected override void PreStart()
    {
        _userGuardian = Context.Watch(Context.Child(ActorSystem.UserGuardianName));
        _systemGuardian = Context.Watch(Context.Child(ActorSystem.SystemGuardianName));
    }

    protected override void OnReceive(object message)
    {
        if (message is Terminated terminated)
        {
            if (terminated.ActorRef.Equals(_userGuardian))
            {
                Context.Stop(_systemGuardian);
            }
            else if (terminated.ActorRef.Equals(_systemGuardian))
            {
                Context.Stop(Self);
            }
        }
        else
        {
            Unhandled(message);
        }
    }

    protected override SupervisorStrategy SupervisorStrategy() => Actors.SupervisorStrategy.StoppingStrategy;
}

/// <summary>The <c>/user</c> and <c>/system</c> guardians: parents of top-level actors, nothing more.</summary>
/// <remarks>Runs as an ordinary actor; see <see cref="ActorBase"/>.</remarks>
internal sealed class Guardian : UntypedActor
{
    protected override void OnReceive(object message) => Unhandled(message);

    protected override void PreRestart(Exception reason, object? message)
    {
        // A guardian restart must not take all top-level actors with it.
    }
}
