namespace ActorWs.Actors;

/// <summary>
/// An actor whose behaviour is a list of typed handlers registered in its constructor (or inside
/// <see cref="Become(Action)"/>): <c>Receive&lt;Join&gt;(j =&gt; ...)</c>. Handlers are tried in
/// registration order; the first whose type (and predicate) matches handles the message.
/// </summary>
/// <remarks>
/// Not thread-safe; see <see cref="ActorBase"/> for the runtime's guarantees. Each registered
/// handler costs its delegate plus 24 bytes; for actors created by the hundred thousand prefer
/// <see cref="UntypedActor"/> with a <c>switch</c>.
/// </remarks>
public abstract class ReceiveActor : ActorBase
{
    private HandlerList _initialHandlers;
    private HandlerList.Builder? _becomeTarget;
    private bool _constructed;

    /// <summary>Registers a handler for messages of type <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The message type (subtypes match too).</typeparam>
    /// <param name="handler">The handler.</param>
    /// <exception cref="ArgumentNullException"><paramref name="handler"/> is null.</exception>
    /// <exception cref="InvalidOperationException">Called outside the constructor and <see cref="Become(Action)"/>.</exception>
    protected void Receive<T>(Action<T> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Add(HandlerEntry.ForAction(handler, null));
    }

    /// <summary>Registers a handler for messages of type <typeparamref name="T"/> that satisfy <paramref name="shouldHandle"/>.</summary>
    /// <typeparam name="T">The message type.</typeparam>
    /// <param name="shouldHandle">Filters the messages this handler takes.</param>
    /// <param name="handler">The handler.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="InvalidOperationException">Called outside the constructor and <see cref="Become(Action)"/>.</exception>
    protected void Receive<T>(Predicate<T> shouldHandle, Action<T> handler)
    {
        ArgumentNullException.ThrowIfNull(shouldHandle);
        ArgumentNullException.ThrowIfNull(handler);
        Add(HandlerEntry.ForAction(handler, shouldHandle));
    }

    /// <summary>
    /// Registers an asynchronous handler. While the returned task runs, the actor processes no
    /// other user message (the mailbox is suspended; system messages such as stop still run);
    /// continuations after <c>await</c> run inside the actor with <c>Context</c>, <c>Self</c> and
    /// <c>Sender</c> available. A faulted task is a failure of the actor. Do not use
    /// <c>ConfigureAwait(false)</c> inside the handler.
    /// </summary>
    /// <typeparam name="T">The message type.</typeparam>
    /// <param name="handler">The handler.</param>
    /// <param name="shouldHandle">Optional filter.</param>
    /// <exception cref="ArgumentNullException"><paramref name="handler"/> is null.</exception>
    /// <exception cref="InvalidOperationException">Called outside the constructor and <see cref="Become(Action)"/>.</exception>
    protected void ReceiveAsync<T>(Func<T, Task> handler, Predicate<T>? shouldHandle = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Add(HandlerEntry.ForAsync(handler, shouldHandle));
    }

    /// <summary>Registers a handler for any message (put it last).</summary>
    /// <param name="handler">The handler.</param>
    /// <exception cref="ArgumentNullException"><paramref name="handler"/> is null.</exception>
    /// <exception cref="InvalidOperationException">Called outside the constructor and <see cref="Become(Action)"/>.</exception>
    protected void ReceiveAny(Action<object> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Add(HandlerEntry.ForAction(handler, null));
    }

    /// <summary>Registers an asynchronous handler for any message; see <see cref="ReceiveAsync{T}"/>.</summary>
    /// <param name="handler">The handler.</param>
    /// <exception cref="ArgumentNullException"><paramref name="handler"/> is null.</exception>
    /// <exception cref="InvalidOperationException">Called outside the constructor and <see cref="Become(Action)"/>.</exception>
    protected void ReceiveAnyAsync(Func<object, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Add(HandlerEntry.ForAsync(handler, null));
    }

    /// <summary>Replaces the current behaviour with the handlers that <paramref name="configure"/> registers.</summary>
    /// <param name="configure">Calls <c>Receive</c> methods to describe the new behaviour.</param>
    /// <exception cref="ArgumentNullException"><paramref name="configure"/> is null.</exception>
    protected void Become(Action configure) => Context.Become(Build(configure));

    /// <summary>Pushes the behaviour that <paramref name="configure"/> registers; <see cref="ActorBase.UnbecomeStacked"/> pops it.</summary>
    /// <param name="configure">Calls <c>Receive</c> methods to describe the new behaviour.</param>
    /// <exception cref="ArgumentNullException"><paramref name="configure"/> is null.</exception>
    protected void BecomeStacked(Action configure) => Context.BecomeStacked(Build(configure));

    /// <inheritdoc/>
    protected sealed override bool Receive(object message) => _initialHandlers.Dispatch(message);

    internal override void OnConstructed()
    {
        _constructed = true;
        _initialHandlers.TrimExcess();
    }

    private Receive Build(Action configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var previous = _becomeTarget;
        var builder = new HandlerList.Builder();
        _becomeTarget = builder;
        try
        {
            configure();
        }
        finally
        {
            _becomeTarget = previous;
        }

        return builder.ToReceive();
    }

    private void Add(HandlerEntry entry)
    {
        if (_becomeTarget is { } target)
        {
            target.Add(entry);
        }
        else if (!_constructed)
        {
            _initialHandlers.Add(entry);
        }
        else
        {
            throw new InvalidOperationException(
                "Receive handlers can only be registered in the constructor or inside Become/BecomeStacked.");
        }
    }
}
