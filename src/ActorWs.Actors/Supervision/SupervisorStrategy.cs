using Microsoft.Extensions.Logging;

namespace ActorWs.Actors;

/// <summary>
/// How a parent treats its failed children. A decider maps the exception to a <see cref="Directive"/>;
/// <see cref="OneForOneStrategy"/> applies it to the failed child only, <see cref="AllForOneStrategy"/>
/// to all children. Restarts are limited by <see cref="MaxNrOfRetries"/> within
/// <see cref="WithinTimeRange"/>; exceeding the limit stops the child.
/// </summary>
/// <remarks>Immutable and thread-safe; one instance may serve many parents.</remarks>
public abstract class SupervisorStrategy
{
    private protected SupervisorStrategy(
        int? maxNrOfRetries, TimeSpan? withinTimeRange, Func<Exception, Directive> decider, bool loggingEnabled)
    {
        ArgumentNullException.ThrowIfNull(decider);
        if (maxNrOfRetries is < -1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxNrOfRetries), maxNrOfRetries, "Must be -1 (unlimited) or more.");
        }

        if (withinTimeRange is { } range && range != Timeout.InfiniteTimeSpan && range <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(withinTimeRange), range, "Must be positive or infinite.");
        }

        MaxNrOfRetries = maxNrOfRetries ?? -1;
        WithinTimeRange = withinTimeRange == Timeout.InfiniteTimeSpan ? null : withinTimeRange;
        Decider = decider;
        LoggingEnabled = loggingEnabled;
    }

    /// <summary>
    /// Akka.NET's default decider: <see cref="ActorInitializationException"/>,
    /// <see cref="ActorKilledException"/> and <see cref="DeathPactException"/> stop the child; every
    /// other exception restarts it.
    /// </summary>
    public static Func<Exception, Directive> DefaultDecider { get; } = static cause => cause switch
    {
        ActorInitializationException => Directive.Stop,
        ActorKilledException => Directive.Stop,
        DeathPactException => Directive.Stop,
        _ => Directive.Restart,
    };

    /// <summary>A <see cref="OneForOneStrategy"/> with <see cref="DefaultDecider"/> and unlimited restarts.</summary>
    public static SupervisorStrategy DefaultStrategy { get; } = new OneForOneStrategy(DefaultDecider);

    /// <summary>A <see cref="OneForOneStrategy"/> that stops every failed child.</summary>
    public static SupervisorStrategy StoppingStrategy { get; } = new OneForOneStrategy(static _ => Directive.Stop);

    /// <summary>Maps a child's exception to a directive.</summary>
    public Func<Exception, Directive> Decider { get; }

    /// <summary>Restarts allowed per child within <see cref="WithinTimeRange"/>; -1 for unlimited.</summary>
    public int MaxNrOfRetries { get; }

    /// <summary>The window the restart count applies to; <see langword="null"/> for "ever".</summary>
    public TimeSpan? WithinTimeRange { get; }

    /// <summary>Whether failures are logged (errors for restart/stop, warnings for resume).</summary>
    public bool LoggingEnabled { get; }

    /// <summary>Applies a restart (<paramref name="restart"/> true) or stop to the affected children.</summary>
    internal abstract void ProcessFailure(ActorCell parent, bool restart, ActorCell child, Exception cause);

    /// <summary>Decides about a failed child. Returns false when the failure must be escalated.</summary>
    internal bool HandleFailure(ActorCell parent, ActorCell child, Exception cause)
    {
        Directive directive;
        try
        {
            directive = Decider(cause);
        }
        catch (Exception deciderFailure)
        {
            // A broken decider must not take the supervisor down silently: escalate the original failure.
            parent.System.Log.LogError(deciderFailure, "Supervisor decider of [{Path}] threw; escalating.", parent.Path);
            directive = Directive.Escalate;
        }

        if (LoggingEnabled)
        {
            LogFailure(child, cause, directive);
        }

        switch (directive)
        {
            case Directive.Resume:
                child.SendSystemMessage(new ResumeMessage(cause));
                return true;
            case Directive.Restart:
                ProcessFailure(parent, restart: true, child, cause);
                return true;
            case Directive.Stop:
                ProcessFailure(parent, restart: false, child, cause);
                return true;
            default:
                return false;
        }
    }

    private protected bool RequestRestartPermission(ActorCell parent, ActorCell child)
    {
        return parent.GetRestartStats(child)
            .RequestRestartPermission(MaxNrOfRetries, WithinTimeRange, parent.System.TimeProvider);
    }

    private static void LogFailure(ActorCell child, Exception cause, Directive directive)
    {
        var logger = child.CreateLogger();
        switch (directive)
        {
            case Directive.Resume:
                logger.LogWarning(cause, "Actor failed and is resumed: {Message}", cause.Message);
                break;
            case Directive.Restart:
                logger.LogError(cause, "Actor failed and is restarted: {Message}", cause.Message);
                break;
            case Directive.Stop:
                logger.LogError(cause, "Actor failed and is stopped: {Message}", cause.Message);
                break;
        }
    }
}

/// <summary>Applies the decider's directive to the failed child only.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class OneForOneStrategy : SupervisorStrategy
{
    /// <summary>Creates a strategy with unlimited restarts.</summary>
    /// <param name="decider">Maps the child's exception to a directive.</param>
    /// <exception cref="ArgumentNullException"><paramref name="decider"/> is null.</exception>
    public OneForOneStrategy(Func<Exception, Directive> decider)
        : this(null, null, decider)
    {
    }

    /// <summary>Creates a strategy with a restart limit.</summary>
    /// <param name="maxNrOfRetries">Restarts allowed within the window; -1 or null for unlimited, 0 for none.</param>
    /// <param name="withinTimeRange">The window; null or infinite for "ever".</param>
    /// <param name="decider">Maps the child's exception to a directive.</param>
    /// <param name="loggingEnabled">Whether failures are logged.</param>
    /// <exception cref="ArgumentNullException"><paramref name="decider"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A limit is negative (other than -1) or the window is not positive.</exception>
    public OneForOneStrategy(
        int? maxNrOfRetries, TimeSpan? withinTimeRange, Func<Exception, Directive> decider, bool loggingEnabled = true)
        : base(maxNrOfRetries, withinTimeRange, decider, loggingEnabled)
    {
    }

    internal override void ProcessFailure(ActorCell parent, bool restart, ActorCell child, Exception cause)
    {
        if (restart && RequestRestartPermission(parent, child))
        {
            parent.RestartChild(child, cause, suspendFirst: false);
        }
        else
        {
            parent.StopChild(child);
        }
    }
}

/// <summary>
/// Applies the decider's directive to all children: a restart restarts every child, a stop stops
/// every child; resume affects the failed child only (as in Akka.NET).
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class AllForOneStrategy : SupervisorStrategy
{
    /// <summary>Creates a strategy with unlimited restarts.</summary>
    /// <param name="decider">Maps the child's exception to a directive.</param>
    /// <exception cref="ArgumentNullException"><paramref name="decider"/> is null.</exception>
    public AllForOneStrategy(Func<Exception, Directive> decider)
        : this(null, null, decider)
    {
    }

    /// <summary>Creates a strategy with a restart limit.</summary>
    /// <param name="maxNrOfRetries">Restarts allowed within the window; -1 or null for unlimited, 0 for none.</param>
    /// <param name="withinTimeRange">The window; null or infinite for "ever".</param>
    /// <param name="decider">Maps the child's exception to a directive.</param>
    /// <param name="loggingEnabled">Whether failures are logged.</param>
    /// <exception cref="ArgumentNullException"><paramref name="decider"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A limit is negative (other than -1) or the window is not positive.</exception>
    public AllForOneStrategy(
        int? maxNrOfRetries, TimeSpan? withinTimeRange, Func<Exception, Directive> decider, bool loggingEnabled = true)
        : base(maxNrOfRetries, withinTimeRange, decider, loggingEnabled)
    {
    }

    internal override void ProcessFailure(ActorCell parent, bool restart, ActorCell child, Exception cause)
    {
        var children = parent.LiveChildren();
        bool allowed = restart;
        if (allowed)
        {
            // Every child's counter moves, as every child is restarted.
            foreach (var c in children)
            {
                allowed &= RequestRestartPermission(parent, c);
            }
        }

        foreach (var c in children)
        {
            if (allowed)
            {
                parent.RestartChild(c, cause, suspendFirst: !ReferenceEquals(c, child));
            }
            else
            {
                parent.StopChild(c);
            }
        }
    }
}
