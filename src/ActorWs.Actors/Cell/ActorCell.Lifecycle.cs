using Microsoft.Extensions.Logging;

namespace ActorWs.Actors;

/// <summary>
/// Creation, failure, suspension, restart and termination, following Akka.NET's documented
/// sequence: a failed actor suspends itself and its children and asks its parent; a restart calls
/// PreRestart on the old instance, waits for the children it stopped, creates a fresh instance,
/// calls PostRestart and restarts the surviving children; a stop stops the children first and runs
/// PostStop once they are gone.
/// </summary>
internal sealed partial class ActorCell
{
    private void Create()
    {
        if (_actor is not null || IsTerminating)
        {
            return;
        }

        try
        {
            CreateActorInstance();
            _actor!.InvokePreStart();
        }
        catch (Exception failure)
        {
            _actor = null;
            HandleInvokeFailure(new ActorInitializationException(
                this, $"Exception while creating actor [{Path}]: {failure.Message}", failure));
        }
    }

    private void CreateActorInstance()
    {
        _currentBehavior = null;
        _extras?.BehaviorStack?.Clear();
        SetFlag(CellFlags.ConstructingActor);
        ActorBase instance;
        try
        {
            instance = _props.NewActor()
                       ?? throw new InvalidOperationException($"The factory of {_props.ActorType} returned null.");
        }
        finally
        {
            ClearFlag(CellFlags.ConstructingActor);
        }

        instance.OnConstructed();
        _actor = instance;
        if (instance is IWithBatchCompletion)
        {
            SetFlag(CellFlags.BatchCompletion);
        }
        else
        {
            ClearFlag(CellFlags.BatchCompletion);
        }
    }

    /// <summary>
    /// The actor failed: suspend it and its children (except those that suspended themselves) and
    /// ask the parent what to do.
    /// </summary>
    private void HandleInvokeFailure(Exception cause, ActorCell? perpetrator = null, IReadOnlyCollection<ActorCell>? childrenNotToSuspend = null)
    {
        if (IsTerminating)
        {
            // A stopping actor is going away anyway; its supervisor has nothing left to decide.
            CreateLogger().LogDebug(cause, "Failure while stopping ignored: {Message}", cause.Message);
            return;
        }

        if (IsFailed)
        {
            // Already waiting for the supervisor's decision about an earlier failure.
            CreateLogger().LogDebug(cause, "Further failure while failed ignored: {Message}", cause.Message);
            return;
        }

        SetFlag(CellFlags.Failed);
        var extras = Extras;
        extras.FailedMessage = CurrentMessage;
        extras.Perpetrator = perpetrator;
        SuspendMailbox();
        foreach (var child in ChildrenSnapshot())
        {
            if (!ReferenceEquals(child, perpetrator) && (childrenNotToSuspend is null || !childrenNotToSuspend.Contains(child)))
            {
                child.SendSystemMessage(new SuspendMessage());
            }
        }

        if (_parent is not null)
        {
            _parent.SendSystemMessage(new FailedMessage(this, cause));
        }
        else
        {
            _system.Log.LogCritical(cause, "The root guardian failed; the actor system terminates.");
            Terminate();
        }
    }

    /// <summary>A child failed: apply the supervisor strategy, or escalate by failing this actor.</summary>
    private void HandleChildFailure(ActorCell child, Exception cause)
    {
        var container = _children;
        if (IsTerminating || container is null || !IsChild(container, child) || container.Stopping?.Contains(child) == true)
        {
            return;
        }

        var strategy = _props.SupervisorStrategy ?? _actor?.InvokeSupervisorStrategy() ?? SupervisorStrategy.DefaultStrategy;
        if (!strategy.HandleFailure(this, child, cause))
        {
            HandleInvokeFailure(cause, perpetrator: child);
        }
    }

    private void FaultSuspend()
    {
        SuspendMailbox();
        SuspendChildren(exempt: null);
    }

    private void FaultResume(Exception? causedByFailure)
    {
        if (_actor is null && !IsTerminating)
        {
            // Resuming an actor whose creation failed means trying to create it again.
            FaultCreate();
            return;
        }

        var perpetrator = _extras?.Perpetrator;
        ResumeMailbox();
        if (causedByFailure is not null)
        {
            ClearFailure();
        }

        ResumeChildren(causedByFailure, perpetrator);
    }

    private void FaultRecreate(Exception cause)
    {
        if (IsTerminating)
        {
            return;
        }

        if (_actor is null)
        {
            FaultCreate();
            return;
        }

        var failedActor = _actor;
        var failedMessage = _extras?.FailedMessage;
        CancelReceiveTimeout();
        AbandonAsyncHandler();
        try
        {
            _timers?.CancelAll();
            _extras?.Stash?.ReturnAllToMailbox();
            failedActor.InvokePreRestart(cause, failedMessage);
        }
        catch (Exception failure)
        {
            CreateLogger().LogError(failure, "PreRestart threw; the restart continues: {Message}", failure.Message);
        }

        if (!WaitForStoppingChildren(PendingAfterChildren.FinishRecreate, cause))
        {
            FinishRecreate(cause);
        }
    }

    private void FinishRecreate(Exception cause)
    {
        var survivors = LiveChildren();
        ResumeMailbox();
        ClearFailure();
        _actor = null;
        try
        {
            CreateActorInstance();
            _actor!.InvokePostRestart(cause);
        }
        catch (Exception failure)
        {
            _actor = null;
            HandleInvokeFailure(
                new ActorInitializationException(this, $"Exception while restarting actor [{Path}]: {failure.Message}", failure),
                childrenNotToSuspend: survivors);
            return;
        }

        foreach (var survivor in survivors)
        {
            survivor.SendSystemMessage(new RecreateMessage(cause));
        }
    }

    private void FaultCreate()
    {
        CancelReceiveTimeout();
        foreach (var child in ChildrenSnapshot())
        {
            StopChild(child);
        }

        if (!WaitForStoppingChildren(PendingAfterChildren.FinishCreate, null))
        {
            FinishCreate();
        }
    }

    private void FinishCreate()
    {
        ResumeMailbox();
        ClearFailure();
        Create();
    }

    private void ClearFailure()
    {
        ClearFlag(CellFlags.Failed);
        if (_extras is { } extras)
        {
            extras.FailedMessage = null;
            extras.Perpetrator = null;
        }
    }

    /// <summary>Stop: no more user messages, stop children, finish when they are gone.</summary>
    private void Terminate()
    {
        if (IsTerminating)
        {
            return;
        }

        SetFlag(CellFlags.Terminating);
        CancelReceiveTimeout();
        AbandonAsyncHandler();
        SuspendMailbox();
        if (StopAllChildren() && WaitForStoppingChildren(PendingAfterChildren.FinishTerminate, null))
        {
            return;
        }

        FinishTerminate();
    }

    private void FinishTerminate()
    {
        var actor = _actor;
        try
        {
            if (actor is not null)
            {
                _timers?.CancelAll();
                _extras?.Stash?.ReturnAllToMailbox();
                actor.InvokePostStop();
            }
        }
        catch (Exception failure)
        {
            CreateLogger().LogError(failure, "PostStop threw: {Message}", failure.Message);
        }
        finally
        {
            SetFlag(CellFlags.Terminated);
            var leftovers = CloseMailbox();
            var pendingSystemMessages = CloseSystemQueue();
            _actor = null;
            _currentBehavior = null;

            _parent?.SendSystemMessage(new DeathWatchNotification(this, existenceConfirmed: true));
            TellWatchersWeDied();
            UnwatchWatchedActors();

            foreach (var envelope in leftovers)
            {
                _system.PublishDeadLetter(envelope.Message, envelope.Sender, this);
            }

            for (var message = pendingSystemMessages; message is not null;)
            {
                var next = message.Next;
                HandleSystemMessageAfterDeath(message);
                message = next;
            }

            _extras = null;
            if (_parent is null)
            {
                _system.OnRootTerminated();
            }
        }
    }
}
