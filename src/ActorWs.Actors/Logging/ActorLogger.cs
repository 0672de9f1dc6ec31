using System.Collections;
using Microsoft.Extensions.Logging;

namespace ActorWs.Actors;

/// <summary>
/// An <see cref="ILogger"/> for one actor that opens a scope carrying <c>ActorPath</c> around each
/// entry it actually writes. The logger is its own scope state, so an enabled entry costs one scope
/// and a disabled one costs nothing.
/// </summary>
/// <remarks>Thread-safe as far as the wrapped logger is.</remarks>
internal sealed class ActorLogger(ILogger inner, IActorRef actor) : ILogger, IReadOnlyList<KeyValuePair<string, object?>>
{
    /// <summary>The scope property name that carries the actor path.</summary>
    internal const string ActorPathProperty = "ActorPath";

    public int Count => 1;

    public KeyValuePair<string, object?> this[int index] => index == 0
        ? new KeyValuePair<string, object?>(ActorPathProperty, actor.Path.ToString())
        : throw new ArgumentOutOfRangeException(nameof(index));

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull
        => inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!inner.IsEnabled(logLevel))
        {
            return;
        }

        using (inner.BeginScope(this))
        {
            inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        yield return this[0];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"{ActorPathProperty}:{actor.Path}";
}
