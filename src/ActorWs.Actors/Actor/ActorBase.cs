using Microsoft.Extensions.Logging;

namespace ActorWs.Actors;

/// <summary>
/// Base class of all actors. An instance is created by the runtime from <see cref="Props"/> (never
/// with <c>new</c> directly), processes one message at a time, and is replaced by a fresh instance
/// when its supervisor restarts it.
/// </summary>
/// <remarks>
/// Not thread-safe and does not need to be: the runtime guarantees that at most one message (or
/// lifecycle hook) of an actor runs at a time and that the memory writes of one are visible to the
/// next, even when they run on different thread-pool threads.
/// </remarks>
public abstract class ActorBase
{
    /// <summary>Binds the new instance to the actor being created and injects stash and timers.</summary>
    /// <exception cref="ActorInitializationException">The instance is not being created by the runtime from <see cref="Props"/>.</exception>
    protected ActorBase()
    {
        var cell = ActorCell.Current;
        if (cell is null || !cell.IsConstructingActor)
        {
            throw new ActorInitializationException(
                null, "Actors are created by the runtime from Props (ActorOf); do not construct them with new.", null);
        }

        if (this is IWithStash withStash)
        {
            withStash.Stash = cell.CreateStash();
        }

        if (this is IWithTimers withTimers)
        {
            withTimers.Timers = cell.CreateTimerScheduler();
        }
    }

    /// <summary>The context of the actor whose message is being processed on this thread.</summary>
    /// <exception cref="NotSupportedException">Used outside the actor's own message processing.</exception>
    protected static IActorContext Context => ActorCell.Current
        ?? throw new NotSupportedException(
            "There is no active actor context: Context is only available while the actor processes a message.");

    /// <summary>This actor's reference.</summary>
    protected IActorRef Self => Context.Self;

    /// <summary>The sender of the current message (<see cref="ActorSystem.DeadLetters"/> when none).</summary>
    protected IActorRef Sender => Context.Sender;

    /// <summary>The actor's initial behaviour: handles <paramref name="message"/> and says whether it did.</summary>
    /// <param name="message">The message.</param>
    /// <returns><see langword="true"/> when handled.</returns>
    protected abstract bool Receive(object message);

    /// <summary>
    /// Called for a message no behaviour handled. The default fails the actor with a
    /// <see cref="DeathPactException"/> for an unhandled <see cref="Terminated"/>; for anything else
    /// it publishes an <see cref="UnhandledMessage"/> and logs it at debug level.
    /// </summary>
    /// <param name="message">The unhandled message.</param>
    /// <exception cref="DeathPactException"><paramref name="message"/> is a <see cref="Terminated"/>.</exception>
    protected virtual void Unhandled(object message)
    {
        if (message is Terminated terminated)
        {
            throw new DeathPactException(terminated.ActorRef);
        }

        ActorCell.Current?.PublishUnhandled(message);
    }

    /// <summary>Called once before the first message (and by the default <see cref="PostRestart"/>).</summary>
    protected virtual void PreStart()
    {
    }

    /// <summary>Called after the actor stopped, once all its children are gone.</summary>
    protected virtual void PostStop()
    {
    }

    /// <summary>
    /// Called on the failed instance before it is replaced. The default unwatches and stops all
    /// children and calls <see cref="PostStop"/>; the new instance is created once those children
    /// have stopped. Children not stopped here are restarted too.
    /// </summary>
    /// <param name="reason">The failure.</param>
    /// <param name="message">The message being processed when it failed, if any.</param>
    protected virtual void PreRestart(Exception reason, object? message)
    {
        var context = Context;
        foreach (var child in context.Children)
        {
            context.Unwatch(child);
            context.Stop(child);
        }

        PostStop();
    }

    /// <summary>Called on the fresh instance after a restart; the default calls <see cref="PreStart"/>.</summary>
    /// <param name="reason">The failure that caused the restart.</param>
    protected virtual void PostRestart(Exception reason)
    {
        PreStart();
    }

    /// <summary>
    /// The strategy this actor uses for its failed children, unless its <see cref="Props"/> sets one.
    /// Default: <see cref="Actors.SupervisorStrategy.DefaultStrategy"/>.
    /// </summary>
    /// <returns>The strategy.</returns>
    protected virtual SupervisorStrategy SupervisorStrategy() => global::ActorWs.Actors.SupervisorStrategy.DefaultStrategy;

    /// <summary>Replaces the current behaviour; see <see cref="IActorContext.Become"/>.</summary>
    /// <param name="receive">The new behaviour.</param>
    protected void Become(Receive receive) => Context.Become(receive);

    /// <summary>Pushes a behaviour; see <see cref="IActorContext.BecomeStacked"/>.</summary>
    /// <param name="receive">The new behaviour.</param>
    protected void BecomeStacked(Receive receive) => Context.BecomeStacked(receive);

    /// <summary>Pops the behaviour stack; see <see cref="IActorContext.UnbecomeStacked"/>.</summary>
    protected void UnbecomeStacked() => Context.UnbecomeStacked();

    /// <summary>Sets or clears the receive timeout; see <see cref="IActorContext.SetReceiveTimeout"/>.</summary>
    /// <param name="timeout">The idle period, or null to clear.</param>
    protected void SetReceiveTimeout(TimeSpan? timeout) => Context.SetReceiveTimeout(timeout);

    internal bool InvokeReceive(object message) => Receive(message);

    internal void InvokeUnhandled(object message) => Unhandled(message);

    internal void InvokePreStart() => PreStart();

    internal void InvokePostStop() => PostStop();

    internal void InvokePreRestart(Exception reason, object? message) => PreRestart(reason, message);

    internal void InvokePostRestart(Exception reason) => PostRestart(reason);

    internal SupervisorStrategy InvokeSupervisorStrategy() => SupervisorStrategy();

    /// <summary>Called by the runtime once the constructor has returned.</summary>
    internal virtual void OnConstructed()
    {
    }
}

/// <summary>
/// An actor that handles messages in one method, usually a <c>switch</c>. It allocates nothing per
/// instance beyond the object itself, which makes it the leanest choice for actors created by the
/// hundred thousand. Call <see cref="ActorBase.Unhandled"/> for messages it does not understand.
/// </summary>
/// <remarks>Not thread-safe; see <see cref="ActorBase"/> for the runtime's guarantees.</remarks>
public abstract class UntypedActor : ActorBase
{
    /// <summary>Handles one message.</summary>
    /// <param name="message">The message.</param>
    protected abstract void OnReceive(object message);

    /// <inheritdoc/>
    protected sealed override bool Receive(object message)
    {
        OnReceive(message);
        return true;
    }
}
