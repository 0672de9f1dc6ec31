namespace ActorWs.Actors;

/// <summary>
/// Base of every reference the runtime creates. Besides user messages it accepts system messages
/// (watch, stop, failure, ...), which travel on their own queue and overtake user messages.
/// </summary>
/// <remarks>Thread-safe: both send paths may be used from any thread.</remarks>
internal abstract class InternalActorRef : IActorRef
{
    public abstract ActorPath Path { get; }

    /// <summary>The owning system, or null for system-less refs such as Nobody.</summary>
    internal abstract ActorSystem? System { get; }

    /// <summary>Whether the actor behind this reference has finished stopping.</summary>
    internal virtual bool IsTerminated => false;

    public abstract void Tell(object message, IActorRef? sender);

    internal abstract void SendSystemMessage(SystemMessage message);

    public override string ToString() => $"[{Path}]";

    /// <summary>
    /// Converts a public reference to the runtime's own type. References created outside this
    /// runtime cannot take part in death watch or supervision.
    /// </summary>
    internal static InternalActorRef From(IActorRef actor, string paramName)
    {
        ArgumentNullException.ThrowIfNull(actor, paramName);
        return actor as InternalActorRef
               ?? throw new ArgumentException(
                   $"[{actor}] was not created by this actor runtime and cannot be watched or stopped.", paramName);
    }
}

/// <summary>Well-known references.</summary>
/// <remarks>Static, immutable; thread-safe.</remarks>
public static class ActorRefs
{
    /// <summary>The "no sender" value for <see cref="IActorRef.Tell"/>: replies go to dead letters.</summary>
    public static readonly IActorRef? NoSender = null;

    /// <summary>
    /// A reference to no actor: <see cref="IActorContext.Child"/> returns it when there is no such
    /// child. Messages sent to it are discarded silently.
    /// </summary>
    public static IActorRef Nobody { get; } = NobodyActorRef.Instance;
}

/// <summary>The reference to no actor; discards everything.</summary>
/// <remarks>Stateless singleton; thread-safe.</remarks>
internal sealed class NobodyActorRef : InternalActorRef
{
    private static readonly ActorPath NobodyPath = ActorPath.CreateRoot("nobody");

    private NobodyActorRef()
    {
    }

    internal static NobodyActorRef Instance { get; } = new();

    public override ActorPath Path => NobodyPath;

    internal override ActorSystem? System => null;

    internal override bool IsTerminated => true;

    public override void Tell(object message, IActorRef? sender)
    {
        ArgumentNullException.ThrowIfNull(message);
    }

    internal override void SendSystemMessage(SystemMessage message)
    {
        // A watcher of Nobody learns at once that there is nothing to watch.
        if (message is WatchMessage watch)
        {
            watch.Watcher.SendSystemMessage(new DeathWatchNotification(this, existenceConfirmed: false));
        }
    }
}

/// <summary>The system's dead-letter office: everything told to it is published as a <see cref="DeadLetter"/>.</summary>
/// <remarks>Thread-safe.</remarks>
internal sealed class DeadLetterActorRef : InternalActorRef
{
    private readonly ActorSystem _system;
    private readonly ActorPath _path;

    internal DeadLetterActorRef(ActorSystem system, ActorPath path)
    {
        _system = system;
        _path = path;
    }

    public override ActorPath Path => _path;

    internal override ActorSystem System => _system;

    public override void Tell(object message, IActorRef? sender)
    {
        ArgumentNullException.ThrowIfNull(message);
        _system.PublishDeadLetter(message, sender, this);
    }

    internal override void SendSystemMessage(SystemMessage message)
    {
        if (message is WatchMessage watch)
        {
            watch.Watcher.SendSystemMessage(new DeathWatchNotification(this, existenceConfirmed: false));
        }
    }
}
