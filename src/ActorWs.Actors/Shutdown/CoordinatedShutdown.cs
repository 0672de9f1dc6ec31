using Microsoft.Extensions.Logging;

namespace ActorWs.Actors;

/// <summary>The unit result of a completed step (Akka.NET's <c>Done</c>).</summary>
/// <remarks>Immutable singleton; thread-safe.</remarks>
public sealed class Done
{
    private Done()
    {
    }

    /// <summary>The single instance.</summary>
    public static Done Instance { get; } = new();
}

/// <summary>
/// Shuts a system down in ordered phases that the application plugs tasks into, e.g. a server
/// stops accepting connections in <see cref="PhaseServiceUnbind"/>, drains sessions in
/// <see cref="PhaseServiceRequestsDone"/>, and the runtime stops all actors in
/// <see cref="PhaseActorSystemTerminate"/>. Phases run strictly one after another; the tasks of
/// one phase run concurrently. A phase that exceeds its timeout or whose tasks fail is logged and
/// the shutdown continues with the next phase.
/// </summary>
/// <remarks>Thread-safe. <see cref="Run"/> is idempotent.</remarks>
public sealed class CoordinatedShutdown
{
    /// <summary>First phase, before the service stops accepting work.</summary>
    public const string PhaseBeforeServiceUnbind = "before-service-unbind";

    /// <summary>Stop accepting new work (close listeners).</summary>
    public const string PhaseServiceUnbind = "service-unbind";

    /// <summary>Let work in progress finish (drain).</summary>
    public const string PhaseServiceRequestsDone = "service-requests-done";

    /// <summary>Stop the service's own actors and resources.</summary>
    public const string PhaseServiceStop = "service-stop";

    /// <summary>Last chance before the actors stop.</summary>
    public const string PhaseBeforeActorSystemTerminate = "before-actor-system-terminate";

    /// <summary>Stop all actors (<c>/user</c>, then <c>/system</c>) and complete <see cref="ActorSystem.WhenTerminated"/>.</summary>
    public const string PhaseActorSystemTerminate = "actor-system-terminate";

    private readonly ActorSystem _system;
    private readonly object _gate = new();
    private readonly Dictionary<string, List<(string Name, Func<Task<Done>> Task)>> _tasks = new(StringComparer.Ordinal);
    private int _phasesStarted;
    private Task<Done>? _run;
    private Reason? _reason;

    internal CoordinatedShutdown(ActorSystem system)
    {
        _system = system;
    }

    /// <summary>All phases in execution order.</summary>
    public static IReadOnlyList<string> OrderedPhases { get; } =
    [
        PhaseBeforeServiceUnbind,
        PhaseServiceUnbind,
        PhaseServiceRequestsDone,
        PhaseServiceStop,
        PhaseBeforeActorSystemTerminate,
        PhaseActorSystemTerminate,
    ];

    /// <summary>Why the shutdown runs, once <see cref="Run"/> has been called.</summary>
    public Reason? ShutdownReason
    {
        get
        {
            lock (_gate)
            {
                return _reason;
            }
        }
    }

    /// <summary>The coordinated shutdown of <paramref name="system"/>.</summary>
    /// <param name="system">The actor system.</param>
    /// <returns>Its coordinated shutdown.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="system"/> is null.</exception>
    public static CoordinatedShutdown Get(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return system.CoordinatedShutdown;
    }

    /// <summary>Adds a task to <paramref name="phase"/>.</summary>
    /// <param name="phase">One of <see cref="OrderedPhases"/>.</param>
    /// <param name="taskName">A name for logs.</param>
    /// <param name="task">Starts the work; its task should complete within the phase timeout.</param>
    /// <returns><see langword="true"/> when added; <see langword="false"/> when that phase has already started (the task will not run).</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="phase"/> is not a known phase.</exception>
    public bool AddTask(string phase, string taskName, Func<Task<Done>> task)
    {
        ArgumentNullException.ThrowIfNull(phase);
        ArgumentNullException.ThrowIfNull(taskName);
        ArgumentNullException.ThrowIfNull(task);
        int index = IndexOf(phase);
        if (index < 0)
        {
            throw new ArgumentException($"Unknown coordinated-shutdown phase [{phase}].", nameof(phase));
        }

        lock (_gate)
        {
            if (index < _phasesStarted)
            {
                return false;
            }

            if (!_tasks.TryGetValue(phase, out var list))
            {
                _tasks[phase] = list = [];
            }

            list.Add((taskName, task));
            return true;
        }
    }

    /// <summary>Starts the shutdown (once; later calls return the same task).</summary>
    /// <param name="reason">Why.</param>
    /// <returns>A task that completes when all phases have run.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="reason"/> is null.</exception>
    public Task<Done> Run(Reason reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        lock (_gate)
        {
            if (_run is null)
            {
                _reason = reason;
                // Off the caller's thread and synchronization context: the caller may be an actor
                // (even a ReceiveAsync handler) that this very shutdown is about to stop.
                _run = Task.Run(RunPhasesAsync);
            }

            return _run;
        }
    }

    private static int IndexOf(string phase)
    {
        for (int i = 0; i < OrderedPhases.Count; i++)
        {
            if (string.Equals(OrderedPhases[i], phase, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private async Task<Done> RunPhasesAsync()
    {
        for (int index = 0; index < OrderedPhases.Count; index++)
        {
            string phase = OrderedPhases[index];
            List<(string Name, Func<Task<Done>> Task)> tasks;
            lock (_gate)
            {
                _phasesStarted = index + 1;
                tasks = _tasks.TryGetValue(phase, out var registered) ? [.. registered] : [];
            }

            var running = new List<Task>(tasks.Count + 1);
            foreach (var (name, start) in tasks)
            {
                running.Add(StartTask(phase, name, start));
            }

            if (phase == PhaseActorSystemTerminate)
            {
                _system.StopGuardians();
                running.Add(_system.WhenTerminated);
            }

            if (running.Count > 0)
            {
                await AwaitPhaseAsync(phase, running).ConfigureAwait(false);
            }
        }

        return Done.Instance;
    }

    private async Task StartTask(string phase, string name, Func<Task<Done>> start)
    {
        try
        {
            await (start() ?? Task.FromResult(Done.Instance)).ConfigureAwait(false);
        }
        catch (Exception failure)
        {
            _system.Log.LogError(failure, "Coordinated-shutdown task {Task} in phase {Phase} failed.", name, phase);
        }
    }

    private async Task AwaitPhaseAsync(string phase, List<Task> running)
    {
        var all = Task.WhenAll(running);
        using var cancelDelay = new CancellationTokenSource();
        var timeout = _system.Settings.PhaseTimeout(phase);
        var delay = Task.Delay(timeout, _system.TimeProvider, cancelDelay.Token);
        var first = await Task.WhenAny(all, delay).ConfigureAwait(false);
        cancelDelay.Cancel();
        if (!ReferenceEquals(first, all))
        {
            _system.Log.LogWarning("Coordinated-shutdown phase {Phase} timed out after {Timeout}; continuing.", phase, timeout);
        }
    }

    /// <summary>Why a coordinated shutdown runs.</summary>
    /// <remarks>Immutable; thread-safe.</remarks>
    public abstract class Reason
    {
    }

    /// <summary>No specific reason was given.</summary>
    /// <remarks>Immutable singleton.</remarks>
    public sealed class UnknownReason : Reason
    {
        private UnknownReason()
        {
        }

        /// <summary>The single instance.</summary>
        public static UnknownReason Instance { get; } = new();
    }

    /// <summary><see cref="ActorSystem.Terminate"/> was called.</summary>
    /// <remarks>Immutable singleton.</remarks>
    public sealed class ActorSystemTerminateReason : Reason
    {
        private ActorSystemTerminateReason()
        {
        }

        /// <summary>The single instance.</summary>
        public static ActorSystemTerminateReason Instance { get; } = new();
    }

    /// <summary>The process is exiting.</summary>
    /// <remarks>Immutable singleton.</remarks>
    public sealed class ClrExitReason : Reason
    {
        private ClrExitReason()
        {
        }

        /// <summary>The single instance.</summary>
        public static ClrExitReason Instance { get; } = new();
    }
}
