namespace ActorWs.Actors;

/// <summary>
/// <c>ReceiveAsync</c> support. While a handler's task is pending the mailbox is suspended for user
/// messages; the handler's <c>await</c> continuations are posted back to the actor as system
/// messages and run on its turn with its context, and the task's completion resumes the mailbox
/// (or fails the actor if the task faulted).
/// </summary>
internal sealed partial class ActorCell
{
    internal void RunAsyncHandler<T>(Func<T, Task> handler, T message)
    {
        var turn = OwnTurn;
        var invocation = new AsyncInvocation(this, turn?.Message, turn?.Sender);
        var previousContext = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(invocation);
        Task task;
        try
        {
            task = handler(message);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previousContext);
        }

        if (task.IsCompleted)
        {
            TaskFailure.ThrowIfFailed(task);
            return;
        }

        Extras.PendingAsync = invocation;
        Interlocked.Or(ref _status, StatusAwaitingAsync);
        task.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(invocation.OnTaskCompleted(task));
    }

    private void RunAsyncContinuation(RunContinuationMessage continuation)
    {
        var invocation = continuation.Invocation;
        if (!ReferenceEquals(_extras?.PendingAsync, invocation))
        {
            // The handler was abandoned by a restart or stop; its remaining steps must not run.
            return;
        }

        var turn = OwnTurn!;
        turn.Message = invocation.Message;
        turn.Sender = invocation.Sender;
        var previousContext = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(invocation);
        try
        {
            continuation.Callback(continuation.State);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previousContext);
            turn.Message = null;
            turn.Sender = null;
        }
    }

    private void AsyncHandlerCompleted(AsyncInvocation invocation)
    {
        if (!ReferenceEquals(_extras?.PendingAsync, invocation))
        {
            return;
        }

        _extras!.PendingAsync = null;
        Interlocked.And(ref _status, ~StatusAwaitingAsync);
        var task = invocation.Task!;
        if (task.IsFaulted || task.IsCanceled)
        {
            var turn = OwnTurn!;
            turn.Message = invocation.Message;
            turn.Sender = invocation.Sender;
            try
            {
                TaskFailure.ThrowIfFailed(task);
            }
            catch (Exception failure)
            {
                HandleInvokeFailure(failure);
            }
            finally
            {
                turn.Message = null;
                turn.Sender = null;
            }
        }
    }

    /// <summary>Forgets a pending async handler (restart or stop); later continuations are dropped.</summary>
    private void AbandonAsyncHandler()
    {
        if (_extras?.PendingAsync is not null)
        {
            _extras.PendingAsync = null;
            Interlocked.And(ref _status, ~StatusAwaitingAsync);
        }
    }
}

/// <summary>
/// One running <c>ReceiveAsync</c> handler: the synchronization context its <c>await</c>s capture,
/// plus the message and sender its continuations see.
/// </summary>
/// <remarks>Thread-safe: <see cref="Post"/> may be called from any thread.</remarks>
internal sealed class AsyncInvocation(ActorCell owner, object? message, IActorRef? sender) : SynchronizationContext
{
    internal object? Message { get; } = message;

    internal IActorRef? Sender { get; } = sender;

    internal Task? Task { get; private set; }

    public override void Post(SendOrPostCallback d, object? state)
        => owner.SendSystemMessage(new RunContinuationMessage(this, d, state));

    public override void Send(SendOrPostCallback d, object? state)
        => throw new NotSupportedException("Synchronous Send into an actor would deadlock; use Post.");

    public override SynchronizationContext CreateCopy() => this;

    internal Action OnTaskCompleted(Task task)
    {
        Task = task;
        return () => owner.SendSystemMessage(new AsyncHandlerCompletedMessage(this));
    }
}
