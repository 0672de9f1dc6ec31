using System.Diagnostics;
using Xunit.Sdk;

namespace ActorWs.Actors.TestKit;

/// <summary>
/// A scripted participant for tests: actors send to <see cref="Ref"/> and the test asserts on what
/// arrives, in order. Every expectation waits in real time (messages are processed by real
/// threads) and throws an <see cref="XunitException"/> describing what was expected and what came.
/// </summary>
/// <remarks>
/// Thread-safe for senders; the expectation methods are meant for one test thread. Unconsumed
/// messages stay queued for the next expectation.
/// </remarks>
public sealed class TestProbe
{
    private readonly TestProbeRef _ref;
    private readonly TestKitSettings _settings;

    internal TestProbe(TestProbeRef probeRef, TestKitSettings settings)
    {
        _ref = probeRef;
        _settings = settings;
    }

    /// <summary>The probe's reference: pass it to actors, use it as sender.</summary>
    public IActorRef Ref => _ref;

    /// <summary>The sender of the last message received by an expectation (<see cref="ActorRefs.Nobody"/> before any).</summary>
    public IActorRef LastSender { get; private set; } = ActorRefs.Nobody;

    /// <summary>The last message received by an expectation.</summary>
    public object? LastMessage { get; private set; }

    /// <summary>How many messages are waiting.</summary>
    public int MessageCount => _ref.Count;

    /// <summary>Sends <paramref name="message"/> to <paramref name="target"/> with this probe as sender.</summary>
    /// <param name="target">The recipient.</param>
    /// <param name="message">The message.</param>
    public void Send(IActorRef target, object message)
    {
        ArgumentNullException.ThrowIfNull(target);
        target.Tell(message, _ref);
    }

    /// <summary>Replies to <see cref="LastSender"/> with this probe as sender.</summary>
    /// <param name="message">The reply.</param>
    public void Reply(object message) => LastSender.Tell(message, _ref);

    /// <summary>Forwards <see cref="LastMessage"/> to <paramref name="target"/> keeping its original sender.</summary>
    /// <param name="target">The recipient.</param>
    /// <exception cref="InvalidOperationException">No message has been received yet.</exception>
    public void Forward(IActorRef target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var message = LastMessage ?? throw new InvalidOperationException("No message has been received yet.");
        target.Tell(message, LastSender);
    }

    /// <summary>Watches <paramref name="actor"/>: its stop arrives here as <see cref="Terminated"/>.</summary>
    /// <param name="actor">The actor.</param>
    /// <returns><paramref name="actor"/>.</returns>
    /// <exception cref="ArgumentException">The reference was not created by this runtime.</exception>
    public IActorRef Watch(IActorRef actor)
    {
        _ref.Watch(InternalActorRef.From(actor, nameof(actor)));
        return actor;
    }

    /// <summary>Stops watching <paramref name="actor"/>.</summary>
    /// <param name="actor">The actor.</param>
    /// <returns><paramref name="actor"/>.</returns>
    /// <exception cref="ArgumentException">The reference was not created by this runtime.</exception>
    public IActorRef Unwatch(IActorRef actor)
    {
        _ref.Unwatch(InternalActorRef.From(actor, nameof(actor)));
        return actor;
    }

    /// <summary>Receives the next message, or null when none arrives within <paramref name="max"/>.</summary>
    /// <param name="max">How long to wait; the default timeout when null.</param>
    /// <returns>The message or null.</returns>
    public object? ReceiveOne(TimeSpan? max = null)
    {
        if (!_ref.TryReceive(max ?? _settings.DefaultTimeout, out var envelope))
        {
            return null;
        }

        Consume(envelope);
        return envelope.Message;
    }

    /// <summary>Expects the next message to be a <typeparamref name="T"/> (satisfying <paramref name="predicate"/>).</summary>
    /// <typeparam name="T">The expected type.</typeparam>
    /// <param name="predicate">An optional extra condition.</param>
    /// <param name="timeout">How long to wait; the default timeout when null.</param>
    /// <returns>The message.</returns>
    /// <exception cref="XunitException">No message arrived in time, or it did not match.</exception>
    public T ExpectMsg<T>(Func<T, bool>? predicate = null, TimeSpan? timeout = null)
    {
        var wait = timeout ?? _settings.DefaultTimeout;
        var message = ReceiveOne(wait)
                      ?? throw new XunitException($"Timeout ({wait}) while waiting for a message of type {typeof(T).Name}.");
        if (message is not T typed)
        {
            throw new XunitException($"Expected a message of type {typeof(T).Name} but got {message.GetType().Name}: {message}.");
        }

        if (predicate is not null && !predicate(typed))
        {
            throw new XunitException($"The message {message} of type {typeof(T).Name} did not satisfy the predicate.");
        }

        return typed;
    }

    /// <summary>Expects the next message to equal <paramref name="expected"/>.</summary>
    /// <typeparam name="T">The expected type.</typeparam>
    /// <param name="expected">The expected message (compared with <see cref="object.Equals(object?)"/>).</param>
    /// <param name="timeout">How long to wait; the default timeout when null.</param>
    /// <returns>The message.</returns>
    /// <exception cref="XunitException">No message arrived in time, or it was different.</exception>
    public T ExpectMsg<T>(T expected, TimeSpan? timeout = null)
    {
        var wait = timeout ?? _settings.DefaultTimeout;
        var message = ReceiveOne(wait)
                      ?? throw new XunitException($"Timeout ({wait}) while waiting for {expected}.");
        if (message is not T typed || !EqualityComparer<T>.Default.Equals(typed, expected))
        {
            throw new XunitException($"Expected {expected} but got {message} ({message.GetType().Name}).");
        }

        return typed;
    }

    /// <summary>
    /// Expects no message for <paramref name="duration"/>. With the fake clock the real wait is
    /// capped at <see cref="TestKitSettings.NoMessageWaitWithFakeTime"/>, so the test stays fast.
    /// </summary>
    /// <param name="duration">How long to listen; <see cref="TestKitSettings.DefaultNoMessageWait"/> when null.</param>
    /// <exception cref="XunitException">A message arrived.</exception>
    public void ExpectNoMsg(TimeSpan? duration = null)
    {
        var wait = duration ?? _settings.DefaultNoMessageWait;
        if (_settings.UseFakeTime && wait > _settings.NoMessageWaitWithFakeTime)
        {
            wait = _settings.NoMessageWaitWithFakeTime;
        }

        if (_ref.TryReceive(wait, out var envelope))
        {
            Consume(envelope);
            throw new XunitException($"Expected no message but got {envelope.Message} ({envelope.Message.GetType().Name}).");
        }
    }

    /// <summary>Expects the next message to be the <see cref="Terminated"/> of <paramref name="target"/> (watch it first).</summary>
    /// <param name="target">The actor expected to have stopped.</param>
    /// <param name="timeout">How long to wait; the default timeout when null.</param>
    /// <returns>The Terminated message.</returns>
    /// <exception cref="XunitException">No message arrived in time, or it was something else.</exception>
    public Terminated ExpectTerminated(IActorRef target, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        var wait = timeout ?? _settings.DefaultTimeout;
        var message = ReceiveOne(wait)
                      ?? throw new XunitException($"Timeout ({wait}) while waiting for Terminated of {target.Path}.");
        if (message is not Terminated terminated || !terminated.ActorRef.Equals(target))
        {
            throw new XunitException($"Expected Terminated of {target.Path} but got {message}.");
        }

        return terminated;
    }

    /// <summary>Receives and discards messages until one satisfies <paramref name="isMessage"/>.</summary>
    /// <param name="isMessage">Identifies the wanted message.</param>
    /// <param name="max">Overall time limit; the default timeout when null.</param>
    /// <returns>The wanted message.</returns>
    /// <exception cref="XunitException">It did not arrive within <paramref name="max"/>.</exception>
    public object FishForMessage(Func<object, bool> isMessage, TimeSpan? max = null)
        => FishForMessage<object>(isMessage, max);

    /// <summary>Receives and discards messages until a <typeparamref name="T"/> satisfies <paramref name="isMessage"/>.</summary>
    /// <typeparam name="T">The wanted type.</typeparam>
    /// <param name="isMessage">Identifies the wanted message.</param>
    /// <param name="max">Overall time limit; the default timeout when null.</param>
    /// <returns>The wanted message.</returns>
    /// <exception cref="XunitException">It did not arrive within <paramref name="max"/>.</exception>
    public T FishForMessage<T>(Func<T, bool> isMessage, TimeSpan? max = null)
    {
        ArgumentNullException.ThrowIfNull(isMessage);
        var limit = max ?? _settings.DefaultTimeout;
        var clock = Stopwatch.StartNew();
        var skipped = new List<object>();
        while (true)
        {
            var remaining = limit - clock.Elapsed;
            if (remaining <= TimeSpan.Zero || !_ref.TryReceive(remaining, out var envelope))
            {
                throw new XunitException(
                    $"Timeout ({limit}) while fishing for a {typeof(T).Name}; skipped: [{string.Join(", ", skipped)}].");
            }

            Consume(envelope);
            if (envelope.Message is T typed && isMessage(typed))
            {
                return typed;
            }

            skipped.Add(envelope.Message);
        }
    }

    /// <summary>
    /// Collects messages while <paramref name="filter"/> maps them to a value: stops at the first
    /// message it maps to null (which stays queued), after <paramref name="maxMessages"/>, when no
    /// message arrives within <paramref name="idle"/>, or when <paramref name="max"/> has passed.
    /// </summary>
    /// <typeparam name="T">The collected type.</typeparam>
    /// <param name="filter">Maps a message to a value, or to null to stop.</param>
    /// <param name="max">Overall time limit; the default timeout when null.</param>
    /// <param name="idle">Longest gap between messages; unlimited (within max) when null.</param>
    /// <param name="maxMessages">Most messages to collect.</param>
    /// <returns>The collected values, in arrival order.</returns>
    public IReadOnlyList<T> ReceiveWhile<T>(Func<object, T?> filter, TimeSpan? max = null, TimeSpan? idle = null, int maxMessages = int.MaxValue)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(filter);
        var limit = max ?? _settings.DefaultTimeout;
        var clock = Stopwatch.StartNew();
        var collected = new List<T>();
        while (collected.Count < maxMessages)
        {
            var remaining = limit - clock.Elapsed;
            if (idle is { } gap && gap < remaining)
            {
                remaining = gap;
            }

            if (remaining <= TimeSpan.Zero || !_ref.TryReceive(remaining, out var envelope))
            {
                break;
            }

            var value = filter(envelope.Message);
            if (value is null)
            {
                _ref.PushFront(envelope);
                break;
            }

            Consume(envelope);
            collected.Add(value);
        }

        return collected;
    }

    /// <summary>Receives exactly <paramref name="count"/> messages.</summary>
    /// <param name="count">How many.</param>
    /// <param name="max">Overall time limit; the default timeout when null.</param>
    /// <returns>The messages in arrival order.</returns>
    /// <exception cref="XunitException">Fewer arrived within <paramref name="max"/>.</exception>
    public IReadOnlyList<object> ReceiveN(int count, TimeSpan? max = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var limit = max ?? _settings.DefaultTimeout;
        var clock = Stopwatch.StartNew();
        var received = new List<object>(count);
        while (received.Count < count)
        {
            var remaining = limit - clock.Elapsed;
            if (remaining <= TimeSpan.Zero || !_ref.TryReceive(remaining, out var envelope))
            {
                throw new XunitException($"Timeout ({limit}) after {received.Count} of {count} messages: [{string.Join(", ", received)}].");
            }

            Consume(envelope);
            received.Add(envelope.Message);
        }

        return received;
    }

    /// <summary>Everything this probe ever received, when created with history (the dead-letter recorder).</summary>
    internal IReadOnlyList<object> History => _ref.History;

    private void Consume(Envelope envelope)
    {
        LastMessage = envelope.Message;
        LastSender = envelope.Sender ?? _ref.System.DeadLetters;
    }
}
