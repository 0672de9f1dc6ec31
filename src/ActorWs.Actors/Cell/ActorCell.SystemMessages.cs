namespace ActorWs.Actors;

/// <summary>
/// System-message queue and dispatch. The queue is a lock-free stack (messages link themselves);
/// a turn detaches the whole stack, reverses it to arrival order and processes it before the next
/// user message. Once the actor is dead the stack holds a sentinel and every further system
/// message is answered as if by a dead actor (a watch gets an immediate Terminated).
/// </summary>
internal sealed partial class ActorCell
{
    private SystemMessage? _systemHead;

    private bool HasPendingSystemMessages
    {
        get
        {
            var head = Volatile.Read(ref _systemHead);
            return head is not null && head is not ClosedQueueSentinel;
        }
    }

    internal override void SendSystemMessage(SystemMessage message)
    {
        var head = Volatile.Read(ref _systemHead);
        while (true)
        {
            if (head is ClosedQueueSentinel)
            {
                HandleSystemMessageAfterDeath(message);
                return;
            }

            message.Next = head;
            var previous = Interlocked.CompareExchange(ref _systemHead, message, head);
            if (ReferenceEquals(previous, head))
            {
                break;
            }

            head = previous;
        }

        TrySchedule(onlyIfRunnable: false, preferLocal: PreferLocalScheduling);
    }

    private void ProcessSystemMessages()
    {
        while (true)
        {
            var head = Volatile.Read(ref _systemHead);
            if (head is null || head is ClosedQueueSentinel)
            {
                return;
            }

            if (!ReferenceEquals(Interlocked.CompareExchange(ref _systemHead, null, head), head))
            {
                continue;
            }

            // Reverse the detached stack into arrival order.
            SystemMessage? ordered = null;
            while (head is not null)
            {
                var next = head.Next;
                head.Next = ordered;
                ordered = head;
                head = next;
            }

            while (ordered is not null)
            {
                var message = ordered;
                ordered = message.Next;
                message.Next = null;
                if (IsTerminated)
                {
                    HandleSystemMessageAfterDeath(message);
                    continue;
                }

                ProcessSystemMessage(message);
            }
        }
    }

    private void ProcessSystemMessage(SystemMessage message)
    {
        try
        {
            switch (message)
            {
                case CreateMessage:
                    Create();
                    break;
                case RecreateMessage recreate:
                    FaultRecreate(recreate.Cause);
                    break;
                case SuspendMessage:
                    FaultSuspend();
                    break;
                case ResumeMessage resume:
                    FaultResume(resume.CausedByFailure);
                    break;
                case TerminateMessage:
                    Terminate();
                    break;
                case WatchMessage watch:
                    AddWatcher(watch.Watchee, watch.Watcher);
                    break;
                case UnwatchMessage unwatch:
                    RemoveWatcher(unwatch.Watchee, unwatch.Watcher);
                    break;
                case DeathWatchNotification notification:
                    WatchedActorTerminated(notification.Actor, notification.ExistenceConfirmed);
                    break;
                case FailedMessage failed:
                    HandleChildFailure(failed.Child, failed.Cause);
                    break;
                case MailboxOverflowedMessage:
                    Volatile.Write(ref _overflowFailureSignalled, 0);
                    HandleInvokeFailure(new MailboxOverflowException(this, _mailboxCapacity));
                    break;
                case RunContinuationMessage continuation:
                    RunAsyncContinuation(continuation);
                    break;
                case AsyncHandlerCompletedMessage completed:
                    AsyncHandlerCompleted(completed.Invocation);
                    break;
            }
        }
        catch (Exception failure)
        {
            HandleInvokeFailure(failure);
        }
    }

    /// <summary>What a dead actor does with a system message: answer watches, drop the rest.</summary>
    private void HandleSystemMessageAfterDeath(SystemMessage message)
    {
        message.Next = null;
        if (message is WatchMessage watch && ReferenceEquals(watch.Watchee, this) && !ReferenceEquals(watch.Watcher, this))
        {
            watch.Watcher.SendSystemMessage(new DeathWatchNotification(this, existenceConfirmed: false));
        }
    }

    /// <summary>Seals the system queue; returns what was still in it.</summary>
    private SystemMessage? CloseSystemQueue()
    {
        var head = Interlocked.Exchange(ref _systemHead, ClosedQueueSentinel.Instance);
        return head is ClosedQueueSentinel ? null : head;
    }
}
