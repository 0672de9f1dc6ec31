namespace ActorWs.Actors;

/// <summary>
/// A runtime-internal message (lifecycle, supervision, death watch). System messages sit on their
/// own lock-free stack per actor and are processed before any further user message. Each instance
/// is sent exactly once: <see cref="Next"/> links it into the recipient's queue.
/// </summary>
/// <remarks>Single-use; ownership passes to the recipient on send.</remarks>
internal abstract class SystemMessage
{
    internal SystemMessage? Next;
}

/// <summary>Create the actor instance (the first message of every actor).</summary>
internal sealed class CreateMessage : SystemMessage;

/// <summary>Restart the actor because of <see cref="Cause"/>.</summary>
internal sealed class RecreateMessage(Exception cause) : SystemMessage
{
    internal Exception Cause { get; } = cause;
}

/// <summary>Stop processing user messages (recursively for children) until resumed.</summary>
internal sealed class SuspendMessage : SystemMessage;

/// <summary>Undo one suspension; <see cref="CausedByFailure"/> is set when it answers a failure.</summary>
internal sealed class ResumeMessage(Exception? causedByFailure) : SystemMessage
{
    internal Exception? CausedByFailure { get; } = causedByFailure;
}

/// <summary>Stop the actor: children first, then PostStop.</summary>
internal sealed class TerminateMessage : SystemMessage;

/// <summary><see cref="Watcher"/> wants a death notification from <see cref="Watchee"/>.</summary>
internal sealed class WatchMessage(InternalActorRef watchee, InternalActorRef watcher) : SystemMessage
{
    internal InternalActorRef Watchee { get; } = watchee;

    internal InternalActorRef Watcher { get; } = watcher;
}

/// <summary><see cref="Watcher"/> no longer wants a death notification from <see cref="Watchee"/>.</summary>
internal sealed class UnwatchMessage(InternalActorRef watchee, InternalActorRef watcher) : SystemMessage
{
    internal InternalActorRef Watchee { get; } = watchee;

    internal InternalActorRef Watcher { get; } = watcher;
}

/// <summary><see cref="Actor"/> has stopped (sent to its parent and to its watchers).</summary>
internal sealed class DeathWatchNotification(InternalActorRef actor, bool existenceConfirmed) : SystemMessage
{
    internal InternalActorRef Actor { get; } = actor;

    internal bool ExistenceConfirmed { get; } = existenceConfirmed;
}

/// <summary>The child <see cref="Child"/> failed with <see cref="Cause"/> and awaits a directive.</summary>
internal sealed class FailedMessage(ActorCell child, Exception cause) : SystemMessage
{
    internal ActorCell Child { get; } = child;

    internal Exception Cause { get; } = cause;
}

/// <summary>The bounded mailbox with the Fail policy overflowed.</summary>
internal sealed class MailboxOverflowedMessage : SystemMessage;

/// <summary>Run an <c>await</c> continuation of a <c>ReceiveAsync</c> handler inside the actor.</summary>
internal sealed class RunContinuationMessage(AsyncInvocation invocation, SendOrPostCallback callback, object? state)
    : SystemMessage
{
    internal AsyncInvocation Invocation { get; } = invocation;

    internal SendOrPostCallback Callback { get; } = callback;

    internal object? State { get; } = state;
}

/// <summary>The task returned by a <c>ReceiveAsync</c> handler completed.</summary>
internal sealed class AsyncHandlerCompletedMessage(AsyncInvocation invocation) : SystemMessage
{
    internal AsyncInvocation Invocation { get; } = invocation;
}

/// <summary>Marks a system-message queue that no longer accepts messages (the actor is dead).</summary>
internal sealed class ClosedQueueSentinel : SystemMessage
{
    internal static ClosedQueueSentinel Instance { get; } = new();
}
