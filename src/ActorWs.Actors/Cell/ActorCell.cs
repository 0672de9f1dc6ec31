namespace ActorWs.Actors;

/// <summary>
/// One actor: its reference, its mailbox, its context and its place in the supervision tree, in a
/// single object so that an idle actor costs as little as possible. The actor instance it runs is
/// replaced on restart; the cell (and therefore the reference and the mailbox) stays.
/// </summary>
/// <remarks>
/// Thread-safety: <see cref="Tell"/> and <see cref="SendSystemMessage"/> may be called from any
/// thread. Everything else runs on the cell's own turn (one thread at a time, scheduled on the
/// .NET thread pool), except the children registry, which is guarded because guardians accept
/// <c>ActorOf</c> from any thread.
/// </remarks>
internal sealed partial class ActorCell : InternalActorRef
{
    private readonly ActorSystem _system;
    private readonly ActorCell? _parent;
    private readonly string _name;
    private readonly Props _props;
    private ActorPath? _path;
    private ActorBase? _actor;
    private Receive? _currentBehavior;
    private ChildrenContainer? _children;
    private CellExtras? _extras;

    // DeathWatch and timers live in the cell itself, not in the extras: nearly every long-lived actor of a server
    // watches one actor and is watched by one (a connection and its session), and these inline forms cost nothing
    // until used, where a separate extras object would cost more than a hundred bytes per actor.
    private SmallRefMap _watching;
    private SmallRefSet _watchedBy;
    private ActorTimerScheduler? _timers;

    // CellFlags; written only on the cell's own turn, read elsewhere with Volatile.
    private int _flags;

    internal ActorCell(ActorSystem system, ActorCell? parent, string name, Props props)
    {
        _system = system;
        _parent = parent;
        _name = name;
        _props = props;
        _mailboxCapacity = props.Mailbox.Capacity;
    }

    [Flags]
    private enum CellFlags
    {
        None = 0,
        ConstructingActor = 1,
        Failed = 2,
        Terminating = 4,
        Terminated = 8,
        BatchCompletion = 16,
    }

    /// <summary>The cell whose turn runs on this thread, if any.</summary>
    internal static ActorCell? Current => TurnState.CurrentOrNull?.Cell;

    public override ActorPath Path => _path ??= _parent is null
        ? ActorPath.CreateRoot(_system.Name)
        : _parent.Path.ChildOfValidName(_name);

    internal override ActorSystem System => _system;

    internal override bool IsTerminated => HasFlag(CellFlags.Terminated);

    internal string Name => _name;

    internal Props Props => _props;

    internal ActorCell? ParentCell => _parent;

    internal bool IsConstructingActor => HasFlag(CellFlags.ConstructingActor);

    internal bool IsTerminating => HasFlag(CellFlags.Terminating);

    internal bool IsFailed => HasFlag(CellFlags.Failed);

    private CellExtras Extras => _extras ??= new CellExtras();

    /// <summary>Creates a cell that is already dead: used when the parent is stopping.</summary>
    internal static ActorCell CreateStopped(ActorSystem system, ActorCell parent, string name, Props props)
    {
        var cell = new ActorCell(system, parent, name, props);
        cell._flags = (int)(CellFlags.Terminating | CellFlags.Terminated);
        cell._status = StatusClosed;
        cell._systemHead = ClosedQueueSentinel.Instance;
        return cell;
    }

    /// <summary>Queues the creation of the actor instance.</summary>
    internal void Start() => SendSystemMessage(new CreateMessage());

    private bool HasFlag(CellFlags flag) => (Volatile.Read(ref _flags) & (int)flag) != 0;

    private void SetFlag(CellFlags flag) => Volatile.Write(ref _flags, _flags | (int)flag);

    private void ClearFlag(CellFlags flag) => Volatile.Write(ref _flags, _flags & ~(int)flag);
}
