namespace ActorWs.Actors;

/// <summary>Stopping an actor and waiting until it has stopped.</summary>
/// <remarks>Stateless; thread-safe.</remarks>
public static class GracefulStopExtensions
{
    /// <summary>
    /// Sends <paramref name="stopMessage"/> (a <see cref="PoisonPill"/> by default, so queued messages
    /// are processed first) and returns a task that completes with <see langword="true"/> once the
    /// actor has stopped (children and PostStop included), or with <see langword="false"/> when that
    /// did not happen within <paramref name="timeout"/> (the system's clock). Completes with
    /// <see langword="true"/> at once for an actor that is already dead.
    /// </summary>
    /// <param name="target">The actor to stop.</param>
    /// <param name="timeout">How long to wait (positive or infinite).</param>
    /// <param name="stopMessage">The message that makes it stop; <see cref="PoisonPill"/> when null.</param>
    /// <returns>Whether it stopped in time.</returns>
    /// <exception cref="ArgumentException">The reference was not created by this runtime.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is zero or negative (other than infinite).</exception>
    public static Task<bool> GracefulStop(this IActorRef target, TimeSpan timeout, object? stopMessage = null)
    {
        var actor = InternalActorRef.From(target, nameof(target));
        if (timeout != Timeout.InfiniteTimeSpan && timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "Must be positive or infinite.");
        }

        var watcher = new StopWatcher(actor, timeout);
        actor.SendSystemMessage(new WatchMessage(actor, watcher));
        actor.Tell(stopMessage ?? PoisonPill.Instance, null);
        return watcher.Task;
    }

    /// <summary>A temporary watcher that completes when its target's death notification arrives.</summary>
    /// <remarks>Thread-safe: the notification and the timeout race; the first wins.</remarks>
    private sealed class StopWatcher : InternalActorRef
    {
        private readonly TaskCompletionSource<bool> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly InternalActorRef _target;
        private readonly ITimer? _timer;
        private readonly ActorPath _path;

        internal StopWatcher(InternalActorRef target, TimeSpan timeout)
        {
            _target = target;
            var system = target.System;
            _path = (system?.TemporaryPath ?? ActorPath.CreateRoot("temp")).ChildOfValidName("$stop" + (system?.NextTemporaryId() ?? 0));
            if (timeout != Timeout.InfiniteTimeSpan)
            {
                _timer = (system?.TimeProvider ?? TimeProvider.System).CreateTimer(
                    static s => ((StopWatcher)s!).Complete(false), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                _timer.Change(timeout, Timeout.InfiniteTimeSpan);
            }
        }

        public override ActorPath Path => _path;

        internal override ActorSystem? System => _target.System;

        internal override bool IsTerminated => _completion.Task.IsCompleted;

        internal Task<bool> Task => _completion.Task;

        public override void Tell(object message, IActorRef? sender) => ArgumentNullException.ThrowIfNull(message);

        internal override void SendSystemMessage(SystemMessage message)
        {
            if (message is DeathWatchNotification notification && ReferenceEquals(notification.Actor, _target))
            {
                Complete(true);
            }
        }

        private void Complete(bool stopped)
        {
            if (_completion.TrySetResult(stopped))
            {
                _timer?.Dispose();
                if (!stopped)
                {
                    _target.SendSystemMessage(new UnwatchMessage(_target, this));
                }
            }
        }
    }
}
