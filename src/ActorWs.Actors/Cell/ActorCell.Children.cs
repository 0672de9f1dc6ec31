namespace ActorWs.Actors;

/// <summary>Creating, naming, stopping and tracking children.</summary>
internal sealed partial class ActorCell
{
    // Digits of generated names: "$a", "$b", ... "$-", "$ab", ... (all valid path characters).
    private const string GeneratedNameDigits = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";

    internal ActorCell ActorOfCell(Props props, string? name)
    {
        ArgumentNullException.ThrowIfNull(props);
        if (name is not null && (!ActorPath.IsValidPathElement(name) || name[0] == ActorPath.GeneratedNamePrefix))
        {
            throw new InvalidActorNameException(
                $"Actor name [{name}] is invalid: use letters, digits and -_.*+:@&=,!~'; and do not start with '$'.");
        }

        var container = EnsureChildrenContainer();
        ActorCell child;
        lock (container)
        {
            name ??= NextGeneratedName(container);
            if (container.ByName.ContainsKey(name))
            {
                throw new InvalidActorNameException($"Actor name [{name}] is not unique among the children of [{Path}].");
            }

            if (container.StoppingAll || IsTerminating)
            {
                return CreateStopped(_system, this, name, props);
            }

            child = new ActorCell(_system, this, name, props);
            container.ByName.Add(name, child);
        }

        child.Start();
        return child;
    }

    /// <summary>A snapshot of all children, including stopping ones.</summary>
    internal ActorCell[] ChildrenSnapshot()
    {
        var container = Volatile.Read(ref _children);
        if (container is null)
        {
            return [];
        }

        lock (container)
        {
            return container.ByName.Count == 0 ? [] : [.. container.ByName.Values];
        }
    }

    /// <summary>Children that are not stopping (the ones a strategy may restart).</summary>
    internal List<ActorCell> LiveChildren()
    {
        var all = ChildrenSnapshot();
        var stopping = _children?.Stopping;
        var live = new List<ActorCell>(all.Length);
        foreach (var child in all)
        {
            if (stopping is null || !stopping.Contains(child))
            {
                live.Add(child);
            }
        }

        return live;
    }

    internal IActorRef ChildByName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var container = Volatile.Read(ref _children);
        if (container is null)
        {
            return ActorRefs.Nobody;
        }

        lock (container)
        {
            return container.ByName.TryGetValue(name, out var child) ? child : ActorRefs.Nobody;
        }
    }

    internal ChildRestartStats GetRestartStats(ActorCell child)
    {
        var container = EnsureChildrenContainer();
        container.RestartStats ??= [];
        if (!container.RestartStats.TryGetValue(child, out var stats))
        {
            stats = new ChildRestartStats();
            container.RestartStats.Add(child, stats);
        }

        return stats;
    }

    /// <summary>Marks <paramref name="child"/> as stopping and tells it to stop.</summary>
    internal void StopChild(ActorCell child)
    {
        var container = _children;
        if (container is not null && IsChild(container, child))
        {
            container.Stopping ??= [];
            container.Stopping.Add(child);
        }

        child.SendSystemMessage(new TerminateMessage());
    }

    internal void RestartChild(ActorCell child, Exception cause, bool suspendFirst)
    {
        if (suspendFirst)
        {
            child.SendSystemMessage(new SuspendMessage());
        }

        child.SendSystemMessage(new RecreateMessage(cause));
    }

    private static bool IsChild(ChildrenContainer container, ActorCell candidate)
    {
        lock (container)
        {
            return container.ByName.TryGetValue(candidate.Name, out var child) && ReferenceEquals(child, candidate);
        }
    }

    private ChildrenContainer EnsureChildrenContainer()
    {
        var container = Volatile.Read(ref _children);
        if (container is not null)
        {
            return container;
        }

        Interlocked.CompareExchange(ref _children, new ChildrenContainer(), null);
        return _children!;
    }

    private static string NextGeneratedName(ChildrenContainer container)
    {
        long id = container.NextGeneratedNameId++;
        Span<char> buffer = stackalloc char[12];
        int length = 0;
        buffer[length++] = ActorPath.GeneratedNamePrefix;
        do
        {
            buffer[length++] = GeneratedNameDigits[(int)(id % GeneratedNameDigits.Length)];
            id /= GeneratedNameDigits.Length;
        }
        while (id > 0);

        return new string(buffer[..length]);
    }

    /// <summary>Stops every child (when this actor stops); returns whether any had to be stopped.</summary>
    private bool StopAllChildren()
    {
        var container = Volatile.Read(ref _children);
        if (container is null)
        {
            return false;
        }

        ActorCell[] all;
        lock (container)
        {
            container.StoppingAll = true;
            all = [.. container.ByName.Values];
        }

        foreach (var child in all)
        {
            StopChild(child);
        }

        return all.Length > 0;
    }

    /// <summary>Suspends all children except <paramref name="exempt"/> (which suspended itself when it failed).</summary>
    private void SuspendChildren(ActorCell? exempt)
    {
        foreach (var child in ChildrenSnapshot())
        {
            if (!ReferenceEquals(child, exempt))
            {
                child.SendSystemMessage(new SuspendMessage());
            }
        }
    }

    private void ResumeChildren(Exception? causedByFailure, ActorCell? perpetrator)
    {
        foreach (var child in ChildrenSnapshot())
        {
            child.SendSystemMessage(new ResumeMessage(ReferenceEquals(child, perpetrator) ? causedByFailure : null));
        }
    }

    /// <summary>A child has stopped: forget it and continue whatever waited for it.</summary>
    private void HandleChildTerminated(ActorCell child)
    {
        var container = _children;
        if (container is null)
        {
            return;
        }

        lock (container)
        {
            if (container.ByName.TryGetValue(child.Name, out var registered) && ReferenceEquals(registered, child))
            {
                container.ByName.Remove(child.Name);
            }
        }

        container.Stopping?.Remove(child);
        container.RestartStats?.Remove(child);

        if (container.Pending != PendingAfterChildren.Nothing && container.StoppingCount == 0)
        {
            var pending = container.Pending;
            var cause = container.PendingCause;
            container.Pending = PendingAfterChildren.Nothing;
            container.PendingCause = null;
            switch (pending)
            {
                case PendingAfterChildren.FinishTerminate:
                    FinishTerminate();
                    break;
                case PendingAfterChildren.FinishRecreate:
                    FinishRecreate(cause!);
                    break;
                case PendingAfterChildren.FinishCreate:
                    FinishCreate();
                    break;
            }
        }
    }

    /// <summary>Makes <paramref name="pending"/> wait for stopping children; false when none are stopping.</summary>
    private bool WaitForStoppingChildren(PendingAfterChildren pending, Exception? cause)
    {
        var container = _children;
        if (container is null || container.StoppingCount == 0)
        {
            return false;
        }

        container.Pending = pending;
        container.PendingCause = cause;
        return true;
    }
}
