using System.Globalization;

namespace ActorWs.Actors;

/// <summary>Request-reply from outside (or inside) actors.</summary>
/// <remarks>Stateless; thread-safe.</remarks>
public static class AskExtensions
{
    /// <summary>
    /// Sends <paramref name="message"/> with a temporary reply-to reference as sender and returns a
    /// task that completes with the first reply. The task faults with <see cref="AskTimeoutException"/>
    /// when no reply arrives within <paramref name="timeout"/> (measured by the system's
    /// <see cref="TimeProvider"/>), with the cause of a <see cref="Status.Failure"/> reply, with
    /// <see cref="InvalidCastException"/> when the reply is not a <typeparamref name="T"/>, and is
    /// cancelled by <paramref name="cancellationToken"/>. Continuations run asynchronously, never
    /// inside the replying actor.
    /// </summary>
    /// <typeparam name="T">The expected reply type.</typeparam>
    /// <param name="recipient">The actor to ask.</param>
    /// <param name="message">The request.</param>
    /// <param name="timeout">How long to wait; null for <see cref="ActorSystemSettings.DefaultAskTimeout"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The reply task.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="recipient"/> or <paramref name="message"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is zero or negative (other than infinite).</exception>
    public static Task<T> Ask<T>(
        this IActorRef recipient, object message, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        ArgumentNullException.ThrowIfNull(message);
        var system = (recipient as InternalActorRef)?.System;
        var wait = timeout ?? system?.Settings.DefaultAskTimeout ?? Timeout.InfiniteTimeSpan;
        if (wait != Timeout.InfiniteTimeSpan && wait <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "An ask timeout must be positive or infinite.");
        }

        var promise = new PromiseActorRef<T>(system, recipient, wait, cancellationToken);
        recipient.Tell(message, promise);
        return promise.Task;
    }

    /// <summary>Like <see cref="Ask{T}"/> with any reply type.</summary>
    /// <param name="recipient">The actor to ask.</param>
    /// <param name="message">The request.</param>
    /// <param name="timeout">How long to wait; null for the system default.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The reply task.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="recipient"/> or <paramref name="message"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is zero or negative (other than infinite).</exception>
    public static Task<object> Ask(
        this IActorRef recipient, object message, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
        => Ask<object>(recipient, message, timeout, cancellationToken);
}

/// <summary>The temporary reply-to reference of one ask; completes its task with the first reply.</summary>
/// <remarks>Thread-safe: replies, the timeout and cancellation may race; the first wins.</remarks>
internal sealed class PromiseActorRef<T> : InternalActorRef
{
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ActorSystem? _system;
    private readonly IActorRef _recipient;
    private readonly long _id;
    private readonly ITimer? _timer;
    private readonly CancellationTokenRegistration _cancellation;
    private readonly TimeSpan _timeout;
    private ActorPath? _path;

    internal PromiseActorRef(ActorSystem? system, IActorRef recipient, TimeSpan timeout, CancellationToken cancellationToken)
    {
        _system = system;
        _recipient = recipient;
        _id = system?.NextTemporaryId() ?? 0;
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            var time = system?.TimeProvider ?? TimeProvider.System;
            _timer = time.CreateTimer(
                static s => ((PromiseActorRef<T>)s!).TimedOut(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _timeout = timeout;
            _timer.Change(timeout, Timeout.InfiniteTimeSpan);
        }

        if (cancellationToken.CanBeCanceled)
        {
            _cancellation = cancellationToken.Register(
                static s => ((PromiseActorRef<T>)s!).Cancelled(), this);
        }
    }

    public override ActorPath Path => _path ??= (_system?.TemporaryPath ?? ActorPath.CreateRoot("temp"))
        .ChildOfValidName("$" + _id.ToString(CultureInfo.InvariantCulture));

    internal override ActorSystem? System => _system;

    internal override bool IsTerminated => _completion.Task.IsCompleted;

    internal Task<T> Task => _completion.Task;

    public override void Tell(object message, IActorRef? sender)
    {
        ArgumentNullException.ThrowIfNull(message);
        bool completed = message switch
        {
            T reply => _completion.TrySetResult(reply),
            Status.Failure failure => _completion.TrySetException(failure.Cause),
            _ => _completion.TrySetException(new InvalidCastException(
                $"Ask to [{_recipient.Path}] expected a reply of type {typeof(T)} but got {message.GetType()}.")),
        };
        if (completed)
        {
            Cleanup();
        }
        else
        {
            // A second reply (or one after the timeout) has nowhere to go.
            _system?.PublishDeadLetter(message, sender, this);
        }
    }

    internal override void SendSystemMessage(SystemMessage message)
    {
        if (message is WatchMessage watch && IsTerminated)
        {
            watch.Watcher.SendSystemMessage(new DeathWatchNotification(this, existenceConfirmed: false));
        }
    }

    private void TimedOut()
    {
        if (_completion.TrySetException(new AskTimeoutException(
                $"Ask to [{_recipient.Path}] timed out after {_timeout} without a reply.")))
        {
            Cleanup();
        }
    }

    private void Cancelled()
    {
        if (_completion.TrySetCanceled())
        {
            Cleanup();
        }
    }

    private void Cleanup()
    {
        _timer?.Dispose();
        _cancellation.Dispose();
    }
}
