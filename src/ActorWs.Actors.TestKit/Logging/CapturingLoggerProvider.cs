using Microsoft.Extensions.Logging;

namespace ActorWs.Actors.TestKit;

/// <summary>One recorded log entry.</summary>
/// <param name="Level">Its level.</param>
/// <param name="Category">The logger category (the actor class for actor loggers).</param>
/// <param name="EventId">Its event id.</param>
/// <param name="Message">The formatted message.</param>
/// <param name="Exception">The attached exception, if any.</param>
/// <param name="Scopes">The scope states active when it was written, outermost first.</param>
/// <remarks>Immutable; thread-safe.</remarks>
public sealed record CapturedLogEvent(
    LogLevel Level, string Category, EventId EventId, string Message, Exception? Exception, IReadOnlyList<object> Scopes)
{
    /// <summary>The <c>ActorPath</c> scope value, when an actor logger wrote the entry.</summary>
    public string? ActorPath
    {
        get
        {
            foreach (var scope in Scopes)
            {
                if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                {
                    foreach (var (key, value) in pairs)
                    {
                        if (key == "ActorPath")
                        {
                            return value?.ToString();
                        }
                    }
                }
            }

            return null;
        }
    }
}

/// <summary>
/// An <see cref="ILoggerProvider"/> that records every entry at or above a minimum level,
/// including the active scopes, so tests can assert on what actors logged.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly object _gate = new();
    private readonly List<CapturedLogEvent> _events = [];
    private readonly AsyncLocal<ScopeNode?> _scopes = new();

    /// <summary>Creates the provider.</summary>
    /// <param name="minimumLevel">Entries below this level are not recorded.</param>
    public CapturingLoggerProvider(LogLevel minimumLevel = LogLevel.Trace)
    {
        MinimumLevel = minimumLevel;
    }

    /// <summary>Entries below this level are not recorded.</summary>
    public LogLevel MinimumLevel { get; }

    /// <summary>A snapshot of the entries recorded so far, oldest first.</summary>
    public IReadOnlyList<CapturedLogEvent> Events
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    /// <inheritdoc/>
    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    /// <summary>Waits (in real time) until an entry matching <paramref name="predicate"/> has been recorded.</summary>
    /// <param name="predicate">The entry to wait for.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <returns>The first matching entry, or null when none arrived in time.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="predicate"/> is null.</exception>
    public CapturedLogEvent? WaitFor(Func<CapturedLogEvent, bool> predicate, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var deadline = DateTime.UtcNow + timeout;
        lock (_gate)
        {
            while (true)
            {
                foreach (var e in _events)
                {
                    if (predicate(e))
                    {
                        return e;
                    }
                }

                var remaining = deadline - DateTime.UtcNow;
                if (remaining <= TimeSpan.Zero)
                {
                    return null;
                }

                Monitor.Wait(_gate, remaining);
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    private void Record(CapturedLogEvent captured)
    {
        lock (_gate)
        {
            _events.Add(captured);
            Monitor.PulseAll(_gate);
        }
    }

    private IReadOnlyList<object> CurrentScopes()
    {
        var list = new List<object>();
        for (var node = _scopes.Value; node is not null; node = node.Parent)
        {
            list.Add(node.State);
        }

        list.Reverse();
        return list;
    }

    private sealed class ScopeNode(CapturingLoggerProvider owner, object state, ScopeNode? parent) : IDisposable
    {
        internal object State { get; } = state;

        internal ScopeNode? Parent { get; } = parent;

        public void Dispose() => owner._scopes.Value = Parent;
    }

    private sealed class CapturingLogger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable BeginScope<TState>(TState state)
            where TState : notnull
        {
            var node = new ScopeNode(owner, state, owner._scopes.Value);
            owner._scopes.Value = node;
            return node;
        }

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= owner.MinimumLevel;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner.Record(new CapturedLogEvent(logLevel, category, eventId, formatter(state, exception), exception, owner.CurrentScopes()));
            }
        }
    }
}
