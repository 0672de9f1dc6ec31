using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace ActorWs.Actors;

/// <summary>
/// The system-wide publish/subscribe bus. Actors subscribe to a channel type and receive every
/// published event that is an instance of it (including subclasses and implementations), in the
/// order it was published by one publisher. The runtime publishes <see cref="DeadLetter"/> and
/// <see cref="UnhandledMessage"/> here.
/// </summary>
/// <remarks>
/// Thread-safe. Publishing is lock-free and, once the subscriber list for an event type is cached,
/// allocation-free apart from what the subscribers' mailboxes need. Subscribers that have stopped
/// are removed automatically.
/// </remarks>
public sealed class EventStream
{
    private readonly object _gate = new();
    private State _state = new(ImmutableArray<Subscription>.Empty);

    /// <summary>Subscribes <paramref name="subscriber"/> to events assignable to <paramref name="channel"/>.</summary>
    /// <param name="subscriber">The actor that receives the events.</param>
    /// <param name="channel">The event type (a class or interface).</param>
    /// <returns><see langword="true"/> when added; <see langword="false"/> when already subscribed.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public bool Subscribe(IActorRef subscriber, Type channel)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        ArgumentNullException.ThrowIfNull(channel);
        lock (_gate)
        {
            var subs = _state.Subscriptions;
            foreach (var s in subs)
            {
                if (s.Channel == channel && s.Subscriber.Equals(subscriber))
                {
                    return false;
                }
            }

            Volatile.Write(ref _state, new State(subs.Add(new Subscription(channel, subscriber))));
            return true;
        }
    }

    /// <summary>Subscribes <paramref name="subscriber"/> to events assignable to <typeparamref name="TEvent"/>.</summary>
    /// <typeparam name="TEvent">The event type.</typeparam>
    /// <param name="subscriber">The actor that receives the events.</param>
    /// <returns><see langword="true"/> when added; <see langword="false"/> when already subscribed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="subscriber"/> is null.</exception>
    public bool Subscribe<TEvent>(IActorRef subscriber) => Subscribe(subscriber, typeof(TEvent));

    /// <summary>Removes one subscription.</summary>
    /// <param name="subscriber">The subscriber.</param>
    /// <param name="channel">The channel it subscribed to.</param>
    /// <returns><see langword="true"/> when a subscription was removed.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public bool Unsubscribe(IActorRef subscriber, Type channel)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        ArgumentNullException.ThrowIfNull(channel);
        return RemoveWhere(s => s.Channel == channel && s.Subscriber.Equals(subscriber));
    }

    /// <summary>Removes every subscription of <paramref name="subscriber"/>.</summary>
    /// <param name="subscriber">The subscriber.</param>
    /// <returns><see langword="true"/> when at least one subscription was removed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="subscriber"/> is null.</exception>
    public bool Unsubscribe(IActorRef subscriber)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        return RemoveWhere(s => s.Subscriber.Equals(subscriber));
    }

    /// <summary>Delivers <paramref name="event"/> to every matching subscriber (with no sender).</summary>
    /// <param name="event">The event.</param>
    /// <exception cref="ArgumentNullException"><paramref name="event"/> is null.</exception>
    public void Publish(object @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        var targets = SubscribersFor(@event.GetType());
        foreach (var target in targets)
        {
            if (target is InternalActorRef { IsTerminated: true })
            {
                Unsubscribe(target);
                continue;
            }

            target.Tell(@event, null);
        }
    }

    /// <summary>Whether anyone listens to events of <paramref name="eventType"/>; lets publishers skip building events.</summary>
    internal bool HasSubscribers(Type eventType) => SubscribersFor(eventType).Length > 0;

    private IActorRef[] SubscribersFor(Type eventType)
    {
        var state = Volatile.Read(ref _state);
        if (state.Subscriptions.IsEmpty)
        {
            return [];
        }

        return state.Cache.GetOrAdd(eventType, static (type, subs) =>
        {
            var list = new List<IActorRef>();
            foreach (var s in subs)
            {
                if (s.Channel.IsAssignableFrom(type) && !list.Contains(s.Subscriber))
                {
                    list.Add(s.Subscriber);
                }
            }

            return list.ToArray();
        }, state.Subscriptions);
    }

    private bool RemoveWhere(Predicate<Subscription> match)
    {
        lock (_gate)
        {
            var subs = _state.Subscriptions;
            var kept = subs.RemoveAll(match);
            if (kept.Length == subs.Length)
            {
                return false;
            }

            Volatile.Write(ref _state, new State(kept));
            return true;
        }
    }

    private readonly record struct Subscription(Type Channel, IActorRef Subscriber);

    /// <summary>An immutable subscription list with its own lookup cache, replaced as a whole on change.</summary>
    private sealed class State(ImmutableArray<Subscription> subscriptions)
    {
        internal ImmutableArray<Subscription> Subscriptions { get; } = subscriptions;

        internal ConcurrentDictionary<Type, IActorRef[]> Cache { get; } = new();
    }
}
