namespace ActorWs.Actors;

/// <summary>
/// The recipe for an actor: a factory for its instances (called once at start and again on every
/// restart), its mailbox, and optionally the strategy it uses to supervise its own children.
/// </summary>
/// <remarks>Immutable; thread-safe. Create one per actor kind and reuse it.</remarks>
public sealed class Props
{
    private readonly Func<ActorBase> _factory;

    private Props(Type actorType, Func<ActorBase> factory, MailboxSettings mailbox, SupervisorStrategy? supervisorStrategy,
        ActorScheduling scheduling = ActorScheduling.SystemDefault)
    {
        ActorType = actorType;
        _factory = factory;
        Mailbox = mailbox;
        SupervisorStrategy = supervisorStrategy;
        Scheduling = scheduling;
    }

    /// <summary>The actor's class (also the logger category).</summary>
    public Type ActorType { get; }

    /// <summary>The actor's mailbox.</summary>
    public MailboxSettings Mailbox { get; }

    /// <summary>
    /// The strategy for the actor's children; when <see langword="null"/> the actor's own
    /// <see cref="ActorBase.SupervisorStrategy"/> override is used.
    /// </summary>
    public SupervisorStrategy? SupervisorStrategy { get; }

    /// <summary>How the actor is queued to the thread pool when a message finds it idle.</summary>
    public ActorScheduling Scheduling { get; }

    /// <summary>Props for an actor with a parameterless constructor.</summary>
    /// <typeparam name="TActor">The actor class.</typeparam>
    /// <returns>The props.</returns>
    public static Props Create<TActor>()
        where TActor : ActorBase, new()
        => new(typeof(TActor), static () => new TActor(), MailboxSettings.Unbounded, null);

    /// <summary>Props whose instances come from <paramref name="factory"/> (called again on every restart).</summary>
    /// <typeparam name="TActor">The actor class.</typeparam>
    /// <param name="factory">Creates a fresh instance, e.g. <c>() =&gt; new Room(name)</c>.</param>
    /// <returns>The props.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="factory"/> is null.</exception>
    public static Props Create<TActor>(Func<TActor> factory)
        where TActor : ActorBase
    {
        ArgumentNullException.ThrowIfNull(factory);
        return new Props(typeof(TActor), factory, MailboxSettings.Unbounded, null);
    }

    /// <summary>A copy with another mailbox.</summary>
    /// <param name="mailbox">The mailbox settings.</param>
    /// <returns>The new props.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="mailbox"/> is null.</exception>
    public Props WithMailbox(MailboxSettings mailbox)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        return new Props(ActorType, _factory, mailbox, SupervisorStrategy, Scheduling);
    }

    /// <summary>A copy whose actor supervises its children with <paramref name="strategy"/>.</summary>
    /// <param name="strategy">The strategy.</param>
    /// <returns>The new props.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="strategy"/> is null.</exception>
    public Props WithSupervisorStrategy(SupervisorStrategy strategy)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        return new Props(ActorType, _factory, Mailbox, strategy, Scheduling);
    }

    /// <summary>A copy whose actor is queued to the thread pool as <paramref name="scheduling"/> says.</summary>
    /// <param name="scheduling">The scheduling.</param>
    /// <returns>The new props.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="scheduling"/> is undefined.</exception>
    public Props WithScheduling(ActorScheduling scheduling)
    {
        if (!Enum.IsDefined(scheduling)) throw new ArgumentOutOfRangeException(nameof(scheduling), scheduling, "Unknown scheduling.");
        return new Props(ActorType, _factory, Mailbox, SupervisorStrategy, scheduling);
    }

    /// <summary>Runs the factory; the caller has set up the actor context.</summary>
    internal ActorBase NewActor() => _factory();
}
