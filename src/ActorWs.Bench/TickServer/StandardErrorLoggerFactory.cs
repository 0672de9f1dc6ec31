using Microsoft.Extensions.Logging;

namespace ActorWs.Bench.TickServer;

/// <summary>
/// Writes log entries at or above a level to a text writer (stderr), one line each, so the orchestrator keeps
/// the tick server's warnings (overrun ticks, failures) in its failure reports. The tick server logs at
/// Warning, like both measured servers, so no line is written per connection or per message.
/// </summary>
/// <remarks>Thread-safe: lines are written under a lock; providers added later are ignored.</remarks>
public sealed class StandardErrorLoggerFactory : ILoggerFactory
{
    private readonly TextWriter _output;
    private readonly LogLevel _minimum;
    private readonly Lock _gate = new();

    /// <summary>Creates the factory.</summary>
    /// <param name="output">Where lines go.</param>
    /// <param name="minimum">The lowest level written.</param>
    public StandardErrorLoggerFactory(TextWriter output, LogLevel minimum)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        _minimum = minimum;
    }

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new CategoryLogger(this, categoryName);

    /// <inheritdoc />
    public void AddProvider(ILoggerProvider provider)
    {
        // One destination by design; the tick server never adds providers.
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            _output.Flush();
        }
    }

    private void Write(LogLevel level, string category, string message, Exception? exception)
    {
        lock (_gate)
        {
            _output.WriteLine($"{level}: {category}: {message}{(exception is null ? string.Empty : Environment.NewLine + exception)}");
        }
    }

    private sealed class CategoryLogger(StandardErrorLoggerFactory factory, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= factory._minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            if (IsEnabled(logLevel))
            {
                factory.Write(logLevel, category, formatter(state, exception), exception);
            }
        }
    }
}
