using System.Collections.Concurrent;
using ActorWs.Actors;

namespace ActorWs.Hosting.Hosting;

/// <summary>
/// Actors the application registers at start-up under a key type, for its services to find by dependency
/// injection (<see cref="IRequiredActor{TKey}"/>), in the spirit of Akka.Hosting.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public interface IActorRegistry
{
    /// <summary>Registers <paramref name="actor"/> under <typeparamref name="TKey"/>.</summary>
    /// <exception cref="InvalidOperationException">Something is already registered under that key.</exception>
    void Register<TKey>(IActorRef actor);

    /// <summary>The actor under <typeparamref name="TKey"/>, if registered.</summary>
    bool TryGet<TKey>(out IActorRef actor);

    /// <summary>The actor under <typeparamref name="TKey"/>.</summary>
    /// <exception cref="KeyNotFoundException">Nothing is registered under that key.</exception>
    IActorRef Get<TKey>();

    /// <summary>The actor under <typeparamref name="TKey"/>, waiting until it is registered.</summary>
    Task<IActorRef> GetAsync<TKey>(CancellationToken cancellationToken = default);
}

/// <summary>An actor the application registered under <typeparamref name="TKey"/>, injectable into its services.</summary>
public interface IRequiredActor<TKey>
{
    /// <summary>The actor.</summary>
    /// <exception cref="KeyNotFoundException">It has not been registered (yet): use <see cref="GetAsync"/> during start-up.</exception>
    IActorRef ActorRef { get; }

    /// <summary>The actor, once registered.</summary>
    Task<IActorRef> GetAsync(CancellationToken cancellationToken = default);
}

/// <summary>The default registry.</summary>
public sealed class ActorRegistry : IActorRegistry
{
    private readonly ConcurrentDictionary<Type, TaskCompletionSource<IActorRef>> _entries = new();

    private TaskCompletionSource<IActorRef> Entry(Type key) =>
        _entries.GetOrAdd(key, static _ => new TaskCompletionSource<IActorRef>(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <inheritdoc />
    public void Register<TKey>(IActorRef actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!Entry(typeof(TKey)).TrySetResult(actor))
            throw new InvalidOperationException($"An actor is already registered under {typeof(TKey).Name}.");
    }

    /// <inheritdoc />
    public bool TryGet<TKey>(out IActorRef actor)
    {
        if (_entries.TryGetValue(typeof(TKey), out var entry) && entry.Task.IsCompletedSuccessfully)
        {
            actor = entry.Task.Result;
            return true;
        }
        actor = null!;
        return false;
    }

    /// <inheritdoc />
    public IActorRef Get<TKey>() =>
        TryGet<TKey>(out var actor) ? actor : throw new KeyNotFoundException($"No actor is registered under {typeof(TKey).Name}.");

    /// <inheritdoc />
    public Task<IActorRef> GetAsync<TKey>(CancellationToken cancellationToken = default) =>
        Entry(typeof(TKey)).Task.WaitAsync(cancellationToken);
}

/// <summary>Resolves <see cref="IRequiredActor{TKey}"/> from the registry.</summary>
internal sealed class RequiredActor<TKey>(IActorRegistry registry) : IRequiredActor<TKey>
{
    public IActorRef ActorRef => registry.Get<TKey>();

    public Task<IActorRef> GetAsync(CancellationToken cancellationToken = default) => registry.GetAsync<TKey>(cancellationToken);
}
