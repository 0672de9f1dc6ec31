using Microsoft.Extensions.Logging;

namespace ActorWs.Actors;

/// <summary>
/// A hierarchy of actors with its guardians (<c>/user</c> for application actors, <c>/system</c>
/// for runtime ones), event stream, scheduler, dead-letter office and coordinated shutdown.
/// </summary>
/// <remarks>
/// Thread-safe: every public member may be called from any thread. The guarantees the runtime
/// gives actors: one message at a time per actor; messages from one sender to one recipient keep
/// their order; system messages (stop, watch, failure) overtake queued user messages; the memory
/// writes made while processing one message are visible when the next is processed.
/// </remarks>
public sealed class ActorSystem
{
    internal const string UserGuardianName = "user";
    internal const string SystemGuardianName = "system";
    private const string DeadLettersName = "deadLetters";
    private const string TemporaryName = "temp";

    private readonly TaskCompletionSource _terminated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TimeProviderScheduler _scheduler;
    private readonly DeadLetterActorRef _deadLetters;
    private readonly ActorCell _root;
    private readonly ActorCell _userGuardian;
    private readonly ActorCell _systemGuardian;
    private long _deadLetterCount;
    private int _loggedDeadLetters;
    private long _temporaryIds;

    private ActorSystem(string name, ActorSystemSettings settings)
    {
        Name = name;
        Settings = settings;
        Throughput = settings.Throughput;
        PreferLocalScheduling = settings.PreferLocalScheduling;
        Log = settings.LoggerFactory.CreateLogger(typeof(ActorSystem).FullName!);
        EventStream = new EventStream();
        _scheduler = new TimeProviderScheduler(settings.TimeProvider, Log);
        var rootPath = ActorPath.CreateRoot(name);
        _deadLetters = new DeadLetterActorRef(this, rootPath.ChildOfValidName(DeadLettersName));
        TemporaryPath = rootPath.ChildOfValidName(TemporaryName);
        CoordinatedShutdown = new CoordinatedShutdown(this);

        _root = new ActorCell(this, null, string.Empty, Props.Create(() => new RootGuardian()));
        var userProps = Props.Create(() => new Guardian())
            .WithSupervisorStrategy(settings.GuardianSupervisorStrategy ?? SupervisorStrategy.DefaultStrategy);
        _userGuardian = _root.ActorOfCell(userProps, UserGuardianName);
        _systemGuardian = _root.ActorOfCell(Props.Create(() => new Guardian()), SystemGuardianName);
        _root.Start();
    }

    /// <summary>The system's name (the authority part of every actor path).</summary>
    public string Name { get; }

    /// <summary>The settings it was created with.</summary>
    public ActorSystemSettings Settings { get; }

    /// <summary>The publish/subscribe bus (dead letters, unhandled messages, application events).</summary>
    public EventStream EventStream { get; }

    /// <summary>The scheduler, driven by <see cref="TimeProvider"/>.</summary>
    public IScheduler Scheduler => _scheduler;

    /// <summary>The dead-letter office: messages told to it are published as <see cref="DeadLetter"/>.</summary>
    public IActorRef DeadLetters => _deadLetters;

    /// <summary>How many messages could not be delivered so far.</summary>
    public long DeadLetterCount => Interlocked.Read(ref _deadLetterCount);

    /// <summary>
    /// The deepest mailboxes, deepest peak first: among the actors whose mailbox held more than 16 messages
    /// since the previous call (a healthy actor never gets there, so idle and lightly loaded actors cost nothing
    /// to watch), at most <paramref name="count"/> of them with their current depth and the peak seen since the
    /// previous call. Actors found empty or stopped are dropped after being reported once.
    /// </summary>
    /// <param name="count">How many to return at most.</param>
    /// <returns>A fresh list; empty when no mailbox has been deep.</returns>
    /// <remarks>Thread-safe; meant for metrics scrapes (it resets the peaks).</remarks>
    public IReadOnlyList<MailboxDepth> BusiestMailboxes(int count = 10)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return BusyMailboxes.Report(count);
    }

    /// <summary>The system's clock.</summary>
    public TimeProvider TimeProvider => Settings.TimeProvider;

    /// <summary>The logger factory actors log through.</summary>
    public ILoggerFactory LoggerFactory => Settings.LoggerFactory;

    /// <summary>The system's own logger.</summary>
    public ILogger Log { get; }

    /// <summary>The ordered shutdown that <see cref="Terminate"/> runs.</summary>
    public CoordinatedShutdown CoordinatedShutdown { get; }

    /// <summary>Completes once every actor, the guardians included, has stopped.</summary>
    public Task WhenTerminated => _terminated.Task;

    internal int Throughput { get; }

    internal BusyMailboxWatch BusyMailboxes { get; } = new();

    internal bool PreferLocalScheduling { get; }

    internal ActorPath TemporaryPath { get; }

    internal int ActiveScheduledCount => _scheduler.ActiveCount;

    /// <summary>Creates and starts an actor system.</summary>
    /// <param name="name">Letters, digits, '-' and '_', starting with a letter or digit.</param>
    /// <param name="settings">Settings; null for <see cref="ActorSystemSettings.Default"/>.</param>
    /// <returns>The running system.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is invalid, or a setting is.</exception>
    public static ActorSystem Create(string name, ActorSystemSettings? settings = null)
    {
        if (!IsValidSystemName(name))
        {
            throw new ArgumentException(
                $"Actor system name [{name}] is invalid: use letters, digits, '-' and '_', starting with a letter or digit.", nameof(name));
        }

        settings ??= ActorSystemSettings.Default;
        settings.Validate();
        return new ActorSystem(name, settings);
    }

    /// <summary>Creates a top-level actor under <c>/user</c>.</summary>
    /// <param name="props">The actor's props.</param>
    /// <param name="name">A unique name, or null for a generated one.</param>
    /// <returns>The actor's reference (created stopped when the system is terminating).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="props"/> is null.</exception>
    /// <exception cref="InvalidActorNameException">The name is invalid or taken.</exception>
    public IActorRef ActorOf(Props props, string? name = null) => _userGuardian.ActorOfCell(props, name);

    /// <summary>Creates a runtime-level actor under <c>/system</c>; it outlives the <c>/user</c> actors during shutdown.</summary>
    /// <param name="props">The actor's props.</param>
    /// <param name="name">A unique name, or null for a generated one.</param>
    /// <returns>The actor's reference.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="props"/> is null.</exception>
    /// <exception cref="InvalidActorNameException">The name is invalid or taken.</exception>
    public IActorRef SystemActorOf(Props props, string? name = null) => _systemGuardian.ActorOfCell(props, name);

    /// <summary>Stops <paramref name="actor"/> after its current message (a system message that overtakes queued user messages).</summary>
    /// <param name="actor">The actor.</param>
    /// <exception cref="ArgumentException">The reference was not created by this runtime.</exception>
    public void Stop(IActorRef actor) => InternalActorRef.From(actor, nameof(actor)).SendSystemMessage(new TerminateMessage());

    /// <summary>
    /// Runs the <see cref="CoordinatedShutdown"/> (its last phase stops all actors top-down:
    /// <c>/user</c> first, then <c>/system</c>) and returns <see cref="WhenTerminated"/>. Idempotent.
    /// </summary>
    /// <returns>A task that completes when the system has terminated.</returns>
    public Task Terminate()
    {
        _ = CoordinatedShutdown.Run(CoordinatedShutdown.ActorSystemTerminateReason.Instance);
        return WhenTerminated;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{ActorPath.Scheme}://{Name}";

    internal long NextTemporaryId() => Interlocked.Increment(ref _temporaryIds);

    /// <summary>Stops the user guardian; the root guardian takes it from there.</summary>
    internal void StopGuardians() => _userGuardian.SendSystemMessage(new TerminateMessage());

    internal void OnRootTerminated()
    {
        _scheduler.Shutdown();
        _terminated.TrySetResult();
    }

    /// <summary>Counts, publishes and (for the first few) logs an undeliverable message.</summary>
    internal void PublishDeadLetter(object message, IActorRef? sender, IActorRef recipient)
    {
        if (message is DeadLetter)
        {
            // A dead letter about a dead letter would loop.
            return;
        }

        long count = Interlocked.Increment(ref _deadLetterCount);
        var senderRef = sender ?? _deadLetters;
        if (EventStream.HasSubscribers(typeof(DeadLetter)))
        {
            EventStream.Publish(new DeadLetter(message, senderRef, recipient));
        }

        int limit = Settings.LogDeadLetters;
        if (limit > 0 && Volatile.Read(ref _loggedDeadLetters) < limit && Interlocked.Increment(ref _loggedDeadLetters) <= limit)
        {
            Log.LogInformation(
                "Message {MessageType} from {Sender} to {Recipient} was not delivered. {Count} dead letters so far.",
                message.GetType().Name, senderRef.Path, recipient.Path, count);
        }
    }

    internal void ReportInternalError(IActorRef actor, Exception failure)
        => Log.LogCritical(failure, "Internal error in the actor runtime while running [{Path}].", actor.Path);

    private static bool IsValidSystemName(string? name)
    {
        if (string.IsNullOrEmpty(name) || !char.IsAsciiLetterOrDigit(name[0]))
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_')
            {
                return false;
            }
        }

        return true;
    }
}
