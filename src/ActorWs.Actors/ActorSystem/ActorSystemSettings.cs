using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorWs.Actors;

/// <summary>Settings of an <see cref="ActorSystem"/>; every value has a working default.</summary>
/// <remarks>Immutable; thread-safe.</remarks>
public sealed record ActorSystemSettings
{
    /// <summary>Akka.NET's default number of messages an actor processes per turn.</summary>
    public const int DefaultThroughput = 30;

    /// <summary>How many dead letters are logged (at information level) before logging stops.</summary>
    public const int DefaultLoggedDeadLetters = 10;

    /// <summary>Default timeout of one coordinated-shutdown phase.</summary>
    public static readonly TimeSpan DefaultPhaseTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The defaults.</summary>
    public static ActorSystemSettings Default { get; } = new();

    /// <summary>
    /// Messages an actor processes per turn before yielding its thread to other actors
    /// (fairness versus per-turn overhead). At least 1.
    /// </summary>
    public int Throughput { get; init; } = DefaultThroughput;

    /// <summary>The clock for the scheduler, timers, receive timeouts, ask timeouts, restart windows and shutdown phases.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where actor and system logs go.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>The timeout of <see cref="AskExtensions.Ask{T}"/> when none is given; infinite by default.</summary>
    public TimeSpan DefaultAskTimeout { get; init; } = Timeout.InfiniteTimeSpan;

    /// <summary>How many dead letters are logged; 0 disables dead-letter logging (they are still published and counted).</summary>
    public int LogDeadLetters { get; init; } = DefaultLoggedDeadLetters;

    /// <summary>
    /// Whether an actor woken by a message sent from another actor is queued on the sending
    /// thread's local work queue (better cache locality for request/reply chains). An actor that
    /// still has work after a full turn always goes to the global queue, so it cannot starve others.
    /// </summary>
    public bool PreferLocalScheduling { get; init; } = true;

    /// <summary>The strategy of the <c>/user</c> guardian for top-level actors; null for <see cref="SupervisorStrategy.DefaultStrategy"/>.</summary>
    public SupervisorStrategy? GuardianSupervisorStrategy { get; init; }

    /// <summary>The timeout of coordinated-shutdown phases without an entry in <see cref="ShutdownPhaseTimeouts"/>.</summary>
    public TimeSpan ShutdownPhaseTimeout { get; init; } = DefaultPhaseTimeout;

    /// <summary>Per-phase timeouts of the coordinated shutdown, by phase name.</summary>
    public IReadOnlyDictionary<string, TimeSpan>? ShutdownPhaseTimeouts { get; init; }

    /// <summary>Checks every value.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    /// <exception cref="ArgumentNullException">A required value is null.</exception>
    /// <exception cref="ArgumentException">A shutdown phase name is unknown.</exception>
    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Throughput, 1, nameof(Throughput));
        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
        ArgumentNullException.ThrowIfNull(LoggerFactory, nameof(LoggerFactory));
        ArgumentOutOfRangeException.ThrowIfNegative(LogDeadLetters, nameof(LogDeadLetters));
        ValidateTimeout(DefaultAskTimeout, nameof(DefaultAskTimeout));
        ValidateTimeout(ShutdownPhaseTimeout, nameof(ShutdownPhaseTimeout));
        if (ShutdownPhaseTimeouts is not null)
        {
            foreach (var (phase, timeout) in ShutdownPhaseTimeouts)
            {
                if (!CoordinatedShutdown.OrderedPhases.Contains(phase))
                {
                    throw new ArgumentException($"Unknown coordinated-shutdown phase [{phase}].", nameof(ShutdownPhaseTimeouts));
                }

                ValidateTimeout(timeout, nameof(ShutdownPhaseTimeouts));
            }
        }
    }

    internal TimeSpan PhaseTimeout(string phase)
        => ShutdownPhaseTimeouts is not null && ShutdownPhaseTimeouts.TryGetValue(phase, out var timeout)
            ? timeout
            : ShutdownPhaseTimeout;

    private static void ValidateTimeout(TimeSpan value, string name)
    {
        if (value != Timeout.InfiniteTimeSpan && value <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(name, value, "Must be positive or infinite.");
        }
    }
}
