namespace ActorWs.Actors;

/// <summary>Delivers the outcome of a task to an actor as a message (Akka.NET's PipeTo pattern).</summary>
/// <remarks>Stateless; thread-safe.</remarks>
public static class PipeToExtensions
{
    /// <summary>
    /// When <paramref name="task"/> completes, tells <paramref name="recipient"/> its result (or
    /// <paramref name="success"/>'s mapping of it), or a <see cref="Status.Failure"/> with the
    /// exception (or <paramref name="failure"/>'s mapping of it). This is the safe way to bring
    /// asynchronous results back into an actor: never touch actor state from a continuation.
    /// </summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="task">The task.</param>
    /// <param name="recipient">Who receives the outcome.</param>
    /// <param name="sender">The sender the recipient sees; null for none.</param>
    /// <param name="success">Maps the result to the message to send; the result itself when null.</param>
    /// <param name="failure">Maps the exception to the message to send; a <see cref="Status.Failure"/> when null.</param>
    /// <returns>A task that completes once the message has been sent.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="task"/> or <paramref name="recipient"/> is null.</exception>
    public static Task PipeTo<T>(
        this Task<T> task, IActorRef recipient, IActorRef? sender = null,
        Func<T, object>? success = null, Func<Exception, object>? failure = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(recipient);
        return task.ContinueWith(
            static (completed, state) =>
            {
                var (recipient, sender, success, failure) = ((IActorRef, IActorRef?, Func<T, object>?, Func<Exception, object>?))state!;
                recipient.Tell(Outcome(completed, success, failure), sender);
            },
            (recipient, sender, success, failure),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>
    /// When <paramref name="task"/> completes, tells <paramref name="recipient"/>
    /// <paramref name="success"/>'s message, or a <see cref="Status.Failure"/> with the exception
    /// (or <paramref name="failure"/>'s mapping of it).
    /// </summary>
    /// <param name="task">The task.</param>
    /// <param name="recipient">Who receives the outcome.</param>
    /// <param name="sender">The sender the recipient sees; null for none.</param>
    /// <param name="success">The message to send on success; a <see cref="Status.Success"/> when null.</param>
    /// <param name="failure">Maps the exception to the message to send; a <see cref="Status.Failure"/> when null.</param>
    /// <returns>A task that completes once the message has been sent.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="task"/> or <paramref name="recipient"/> is null.</exception>
    public static Task PipeTo(
        this Task task, IActorRef recipient, IActorRef? sender = null,
        Func<object>? success = null, Func<Exception, object>? failure = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(recipient);
        return PipeTo(
            task.ContinueWith(
                static t =>
                {
                    TaskFailure.ThrowIfFailed(t);
                    return true;
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default),
            recipient,
            sender,
            _ => success?.Invoke() ?? new Status.Success(null),
            failure);
    }

    private static object Outcome<T>(Task<T> completed, Func<T, object>? success, Func<Exception, object>? failure)
    {
        if (completed.IsCompletedSuccessfully)
        {
            return success is null ? completed.Result! : success(completed.Result);
        }

        Exception cause = completed.IsCanceled
            ? new TaskCanceledException(completed)
            : completed.Exception!.InnerExceptions.Count == 1 ? completed.Exception.InnerException! : completed.Exception;
        return failure is null ? new Status.Failure(cause) : failure(cause);
    }
}
