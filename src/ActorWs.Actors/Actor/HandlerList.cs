using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace ActorWs.Actors;

/// <summary>
/// One registered handler: the user's delegate, an optional predicate, and a pointer to a static
/// generic invoker that performs the type test and the call. Storing a function pointer instead of
/// a wrapper object keeps the per-handler cost at 24 bytes and avoids any per-message allocation.
/// </summary>
/// <remarks>Immutable value.</remarks>
internal readonly unsafe struct HandlerEntry
{
    private readonly Delegate _handler;
    private readonly Delegate? _predicate;
    private readonly delegate*<Delegate, Delegate?, object, bool> _invoke;

    private HandlerEntry(Delegate handler, Delegate? predicate, delegate*<Delegate, Delegate?, object, bool> invoke)
    {
        _handler = handler;
        _predicate = predicate;
        _invoke = invoke;
    }

    internal static HandlerEntry ForAction<T>(Action<T> handler, Predicate<T>? predicate)
        => new(handler, predicate, &HandlerInvoker<T>.InvokeAction);

    internal static HandlerEntry ForAsync<T>(Func<T, Task> handler, Predicate<T>? predicate)
        => new(handler, predicate, &HandlerInvoker<T>.InvokeAsync);

    /// <summary>Handles <paramref name="message"/> if it matches; returns whether it did.</summary>
    internal bool TryHandle(object message) => _invoke(_handler, _predicate, message);
}

/// <summary>The typed halves of <see cref="HandlerEntry"/>, one instantiation per message type.</summary>
internal static class HandlerInvoker<T>
{
    internal static bool InvokeAction(Delegate handler, Delegate? predicate, object message)
    {
        if (message is T typed && (predicate is null || Unsafe.As<Predicate<T>>(predicate)(typed)))
        {
            Unsafe.As<Action<T>>(handler)(typed);
            return true;
        }

        return false;
    }

    internal static bool InvokeAsync(Delegate handler, Delegate? predicate, object message)
    {
        if (message is T typed && (predicate is null || Unsafe.As<Predicate<T>>(predicate)(typed)))
        {
            var cell = ActorCell.Current
                       ?? throw new InvalidOperationException("ReceiveAsync handlers run only inside an actor.");
            cell.RunAsyncHandler(Unsafe.As<Func<T, Task>>(handler), typed);
            return true;
        }

        return false;
    }
}

/// <summary>An ordered, growable list of handlers, embedded in the actor to save an object.</summary>
/// <remarks>Not thread-safe; owned by one actor instance.</remarks>
internal struct HandlerList
{
    private const int InitialCapacity = 4;

    private HandlerEntry[]? _entries;
    private int _count;

    internal void Add(HandlerEntry entry)
    {
        if (_entries is null)
        {
            _entries = new HandlerEntry[InitialCapacity];
        }
        else if (_count == _entries.Length)
        {
            Array.Resize(ref _entries, _count * 2);
        }

        _entries[_count++] = entry;
    }

    /// <summary>Shrinks the array to the handler count so that idle actors carry no slack.</summary>
    internal void TrimExcess()
    {
        if (_entries is not null && _entries.Length != _count)
        {
            Array.Resize(ref _entries, _count);
        }
    }

    internal readonly bool Dispatch(object message)
    {
        var entries = _entries;
        if (entries is null)
        {
            return false;
        }

        for (int i = 0; i < _count; i++)
        {
            if (entries[i].TryHandle(message))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Collects the handlers of a <c>Become</c> behaviour.</summary>
    internal sealed class Builder
    {
        private HandlerList _list;

        internal void Add(HandlerEntry entry) => _list.Add(entry);

        internal Receive ToReceive()
        {
            _list.TrimExcess();
            return _list.Dispatch;
        }
    }
}

/// <summary>Rethrows a task's failure with its original stack trace.</summary>
internal static class TaskFailure
{
    internal static void ThrowIfFailed(Task task)
    {
        if (task.IsFaulted)
        {
            var inner = task.Exception!.InnerExceptions.Count == 1 ? task.Exception.InnerException! : task.Exception;
            ExceptionDispatchInfo.Throw(inner);
        }

        if (task.IsCanceled)
        {
            throw new TaskCanceledException(task);
        }
    }
}
