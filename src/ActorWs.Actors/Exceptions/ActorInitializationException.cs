namespace ActorWs.Actors;

/// <summary>
/// An actor could not be created: its factory, constructor, <c>PreStart</c> or <c>PostRestart</c>
/// threw. The default supervisor strategy stops such an actor.
/// </summary>
/// <remarks>Immutable after construction; thread-safe.</remarks>
public class ActorInitializationException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="actor">The actor that failed to initialize, when known.</param>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The exception thrown by user code.</param>
    public ActorInitializationException(IActorRef? actor, string message, Exception? innerException)
        : base(message, innerException)
    {
        Actor = actor;
    }

    /// <summary>The actor that failed to initialize, when known.</summary>
    public IActorRef? Actor { get; }
}

/// <summary>Thrown inside an actor that processes a <see cref="Kill"/> message.</summary>
/// <remarks>Immutable; thread-safe.</remarks>
public class ActorKilledException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">Description.</param>
    public ActorKilledException(string message)
        : base(message)
    {
    }
}

/// <summary>
/// Thrown inside an actor that receives a <see cref="Terminated"/> for an actor it watches and
/// does not handle it: the watcher dies with the watched actor unless its supervisor decides
/// otherwise (the default strategy stops it).
/// </summary>
/// <remarks>Immutable; thread-safe.</remarks>
public class DeathPactException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="deadActor">The watched actor that stopped.</param>
    public DeathPactException(IActorRef deadActor)
        : base($"Monitored actor [{deadActor.Path}] terminated and its Terminated message was not handled.")
    {
        DeadActor = deadActor;
    }

    /// <summary>The watched actor that stopped.</summary>
    public IActorRef DeadActor { get; }
}

/// <summary>The task returned by <see cref="AskExtensions.Ask{T}"/> got no reply in time.</summary>
/// <remarks>Immutable; thread-safe.</remarks>
public class AskTimeoutException : TimeoutException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">Description naming the recipient and the timeout.</param>
    public AskTimeoutException(string message)
        : base(message)
    {
    }
}

/// <summary>
/// An actor name given to <see cref="IActorContext.ActorOf"/> is empty, contains characters not
/// allowed in a path element, starts with <c>$</c> (reserved for generated names), or is already
/// used by a sibling.
/// </summary>
/// <remarks>Immutable; thread-safe.</remarks>
public class InvalidActorNameException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">Description naming the offending name.</param>
    public InvalidActorNameException(string message)
        : base(message)
    {
    }
}

/// <summary>
/// An actor used an API in a state where it is not allowed, for example stashing the same message
/// twice or stashing outside of message processing.
/// </summary>
/// <remarks>Immutable; thread-safe.</remarks>
public class IllegalActorStateException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">Description.</param>
    public IllegalActorStateException(string message)
        : base(message)
    {
    }
}

/// <summary>
/// The failure raised in an actor whose bounded mailbox uses
/// <see cref="MailboxOverflowStrategy.Fail"/> and overflowed. It goes to the actor's supervisor
/// like any other failure; the message that did not fit goes to dead letters.
/// </summary>
/// <remarks>Immutable; thread-safe.</remarks>
public class MailboxOverflowException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="actor">The actor whose mailbox overflowed.</param>
    /// <param name="capacity">The mailbox capacity.</param>
    public MailboxOverflowException(IActorRef actor, int capacity)
        : base($"Mailbox of [{actor.Path}] overflowed its capacity of {capacity} messages.")
    {
        Actor = actor;
        Capacity = capacity;
    }

    /// <summary>The actor whose mailbox overflowed.</summary>
    public IActorRef Actor { get; }

    /// <summary>The mailbox capacity.</summary>
    public int Capacity { get; }
}
