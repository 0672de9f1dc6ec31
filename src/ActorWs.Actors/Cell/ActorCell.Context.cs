using Microsoft.Extensions.Logging;

namespace ActorWs.Actors;

/// <summary>The <see cref="IActorContext"/> the running actor sees.</summary>
internal sealed partial class ActorCell : IActorContext
{
    public IActorRef Self => this;

    public IActorRef Sender => OwnTurn?.Sender ?? _system.DeadLetters;

    public IActorRef Parent => (IActorRef?)_parent ?? ActorRefs.Nobody;

    Props IActorContext.Props => _props;

    ActorSystem IActorContext.System => _system;

    public IReadOnlyCollection<IActorRef> Children => ChildrenSnapshot();

    public TimeSpan? ReceiveTimeout => _extras?.ReceiveTimeout?.Timeout;

    public IActorRef Child(string name) => ChildByName(name);

    public IActorRef ActorOf(Props props, string? name = null) => ActorOfCell(props, name);

    public void Stop(IActorRef actor)
    {
        var target = From(actor, nameof(actor));
        if (target is ActorCell cell && ReferenceEquals(cell._parent, this))
        {
            StopChild(cell);
        }
        else
        {
            target.SendSystemMessage(new TerminateMessage());
        }
    }

    public IActorRef Watch(IActorRef subject) => WatchActor(subject, null);

    public IActorRef WatchWith(IActorRef subject, object message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return WatchActor(subject, message);
    }

    public IActorRef Unwatch(IActorRef subject) => UnwatchActor(subject);

    // The current behavior is the top of the behavior stack (null: the actor's own Receive). Only the entries
    // below the top live in a list, made by the first BecomeStacked: a plain Become, which most actors use to
    // switch states, allocates nothing.
    public void Become(Receive receive)
    {
        ArgumentNullException.ThrowIfNull(receive);
        _currentBehavior = receive;
    }

    public void BecomeStacked(Receive receive)
    {
        ArgumentNullException.ThrowIfNull(receive);
        (Extras.BehaviorStack ??= []).Add(_currentBehavior);
        _currentBehavior = receive;
    }

    public void UnbecomeStacked()
    {
        var stack = _extras?.BehaviorStack;
        if (stack is { Count: > 0 })
        {
            _currentBehavior = stack[^1];
            stack.RemoveAt(stack.Count - 1);
        }
        else
        {
            _currentBehavior = null;
        }
    }

    public ILogger GetLogger() => Extras.Logger ??= CreateLogger();

    /// <summary>A fresh (uncached) logger for this actor; safe to call from its parent's turn.</summary>
    internal ILogger CreateLogger() => new ActorLogger(_system.LoggerFactory.CreateLogger(_props.ActorType), this);

    internal ActorStash CreateStash()
    {
        var stash = new ActorStash(this);
        Extras.Stash = stash;
        return stash;
    }

    internal ActorTimerScheduler CreateTimerScheduler()
    {
        var timers = new ActorTimerScheduler(this);
        _timers = timers;
        return timers;
    }
}
