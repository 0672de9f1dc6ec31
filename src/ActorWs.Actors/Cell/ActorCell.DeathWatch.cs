namespace ActorWs.Actors;

/// <summary>
/// Death watch. The watcher records whom it watches; the watchee records its watchers and notifies
/// each once when it stops. The notification becomes a <see cref="Terminated"/> queued behind the
/// watcher's pending user messages and is delivered only if the watch still stands, so every
/// watcher sees it at most once, and exactly once unless it unwatched first.
/// </summary>
internal sealed partial class ActorCell
{
    internal IActorRef WatchActor(IActorRef subject, object? customMessage)
    {
        var target = From(subject, nameof(subject));
        if (ReferenceEquals(target, this) || IsTerminating)
        {
            return subject;
        }

        bool isNew = !_watching.ContainsKey(target);
        _watching.Set(target, customMessage);
        if (isNew)
        {
            target.SendSystemMessage(new WatchMessage(target, this));
        }

        return subject;
    }

    internal IActorRef UnwatchActor(IActorRef subject)
    {
        var target = From(subject, nameof(subject));
        if (ReferenceEquals(target, this))
        {
            return subject;
        }

        if (_watching.Remove(target, out _))
        {
            target.SendSystemMessage(new UnwatchMessage(target, this));
        }

        _extras?.TerminatedQueued.Remove(target);
        return subject;
    }

    /// <summary>Handles Watch on the watchee side.</summary>
    private void AddWatcher(InternalActorRef watchee, InternalActorRef watcher)
    {
        if (!ReferenceEquals(watchee, this) || ReferenceEquals(watcher, this))
        {
            return;
        }

        // A stopping (not yet dead) actor still accepts watchers: they are notified when it is done.
        _watchedBy.Add(watcher);
    }

    private void RemoveWatcher(InternalActorRef watchee, InternalActorRef watcher)
    {
        if (ReferenceEquals(watchee, this))
        {
            _watchedBy.Remove(watcher);
        }
    }

    /// <summary>Handles a death notification: queue Terminated for watchers, bookkeeping for parents.</summary>
    private void WatchedActorTerminated(InternalActorRef actor, bool existenceConfirmed)
    {
        if (_watching.Remove(actor, out var customMessage) && !IsTerminating)
        {
            if (customMessage is null)
            {
                Extras.TerminatedQueued.Add(actor);
                PostInternal(new Terminated(actor, existenceConfirmed), actor);
            }
            else
            {
                PostInternal(customMessage, actor);
            }
        }

        if (actor is ActorCell child && ReferenceEquals(child.ParentCell, this))
        {
            HandleChildTerminated(child);
        }
    }

    /// <summary>A queued Terminated reached the front of the mailbox: deliver it if still watching.</summary>
    private void ReceivedTerminated(Terminated terminated)
    {
        var key = terminated.ActorRef as InternalActorRef;
        if (key is not null && _extras is { } extras && extras.TerminatedQueued.Remove(key))
        {
            ReceiveMessage(terminated);
        }
    }

    private void TellWatchersWeDied()
    {
        if (_watchedBy.Count == 0)
        {
            return;
        }

        foreach (var watcher in _watchedBy.ToArray())
        {
            // The parent already got its notification.
            if (!ReferenceEquals(watcher, _parent))
            {
                watcher.SendSystemMessage(new DeathWatchNotification(this, existenceConfirmed: true));
            }
        }

        _watchedBy.Clear();
    }

    private void UnwatchWatchedActors()
    {
        if (_watching.Count == 0)
        {
            return;
        }

        foreach (var target in _watching.Keys())
        {
            target.SendSystemMessage(new UnwatchMessage(target, this));
        }

        _watching.Clear();
    }
}
