using System.Collections.Concurrent;
using Akka.Dispatch;
using ActorWs.Server.Dispatch;

namespace ActorWs.Server.Transport.Linux;

/// <summary>
/// The loop as an executor: the mailboxes of actors bound to it (through its Akka.NET dispatcher, see
/// <see cref="IoLoopDispatcherConfigurator"/>) run on the loop's own thread, between two <c>epoll_wait</c> calls.
/// </summary>
/// <remarks>
/// Why: a readiness event then runs the connection actor at once, on the thread that saw it: read, decode, hand to the
/// session, write, with no hand-off to a pool thread and back (measured before: half a voluntary context switch per
/// echoed message, and a fifth of the server's CPU in task switching).
/// Ordering and fairness: work scheduled from the loop's own thread (an actor telling one on the same loop, a mailbox
/// rescheduling itself) goes to a queue only that thread touches; work from other threads goes to a concurrent queue
/// and wakes the loop through its eventfd, once per sleep. Each turn runs the mailboxes that were waiting when it
/// began, each for at most the dispatcher's throughput, then looks at the sockets again: one busy socket cannot keep
/// the others from being read. The watchdog (<see cref="IoLoopWatchdog"/>) reads <see cref="TurnNumber"/> and
/// <see cref="Running"/> to report a turn that runs too long.
/// Thread-safety: <see cref="Execute"/> may be called from any thread.
/// </remarks>
internal sealed unsafe partial class EpollLoop : IIoLoop
{
    [ThreadStatic] private static EpollLoop? t_current;

    private readonly ConcurrentQueue<IRunnable> _incoming = new();
    private IRunnable?[] _ready = new IRunnable?[256];
    private int _readyHead;
    private int _readyCount;
    private int _sleeping;
    private int _wakePending;
    private volatile bool _exited;
    private long _turn;
    private IRunnable? _running;
    private Action<EpollLoop, Exception>? _onTaskFailure;

    /// <summary>Called (on the loop's thread) when a task threw out of its Run; the loop goes on either way.</summary>
    public Action<EpollLoop, Exception>? OnTaskFailure
    {
        set => _onTaskFailure = value;
    }

    /// <summary>Odd while a turn runs, even while the loop waits in <c>epoll_wait</c>; one turn is two steps.</summary>
    public long TurnNumber => Volatile.Read(ref _turn);

    /// <summary>The task the loop's thread is running now, if any.</summary>
    public IRunnable? Running => Volatile.Read(ref _running);

    /// <summary>Whether the calling thread is this loop's.</summary>
    public bool IsLoopThread => t_current == this;

    /// <summary>Runs <paramref name="run"/> on the loop's thread: in this turn's queue when called from it, else in the next turn.</summary>
    public void Execute(IRunnable run)
    {
        if (t_current == this)
        {
            PushReady(run);
            return;
        }
        if (_exited)
        {
            ThreadPool.UnsafeQueueUserWorkItem(run, preferLocal: false);
            return;
        }
        _incoming.Enqueue(run); // an interlocked operation: a full fence before the read of _sleeping (see PrepareToWait)
        if (Volatile.Read(ref _sleeping) == 1 && Interlocked.Exchange(ref _wakePending, 1) == 0) Wake();
        // The loop may have exited between the check above and the enqueue: hand what it left to the pool.
        if (_exited) HandOverToThreadPool();
    }

    /// <summary>True when the loop may block in <c>epoll_wait</c>: nothing is waiting to run.</summary>
    private bool PrepareToWait()
    {
        Volatile.Write(ref _turn, _turn + (_turn & 1)); // even: between turns
        if (_readyCount > 0 || !_incoming.IsEmpty) return false;
        // Announce the sleep, then look once more (the mirror of Execute's enqueue-then-read): either this sees the new
        // task, or Execute sees the announcement and writes the eventfd.
        Interlocked.Exchange(ref _sleeping, 1);
        if (_incoming.IsEmpty) return true;
        Volatile.Write(ref _sleeping, 0);
        return false;
    }

    private void BeginTurn()
    {
        Volatile.Write(ref _sleeping, 0);
        Volatile.Write(ref _turn, _turn + 1); // odd: a turn runs
    }

    private void Wake()
    {
        if (_exited) return; // its descriptor is closed (or closing)
        ulong one = 1;
        LinuxNative.write(_wakeFd, (byte*)&one, sizeof(ulong));
    }

    private void ConsumeWake()
    {
        ulong value;
        LinuxNative.read(_wakeFd, (byte*)&value, sizeof(ulong));
        Volatile.Write(ref _wakePending, 0);
    }

    private void PushReady(IRunnable run)
    {
        if (_readyCount == _ready.Length)
        {
            var grown = new IRunnable?[_ready.Length * 2];
            for (int i = 0; i < _readyCount; i++) grown[i] = _ready[(_readyHead + i) & (_ready.Length - 1)];
            _ready = grown;
            _readyHead = 0;
        }
        _ready[(_readyHead + _readyCount) & (_ready.Length - 1)] = run;
        _readyCount++;
    }

    private IRunnable PopReady()
    {
        var run = _ready[_readyHead]!;
        _ready[_readyHead] = null;
        _readyHead = (_readyHead + 1) & (_ready.Length - 1);
        _readyCount--;
        return run;
    }

    /// <summary>Runs what was waiting when the turn began (what those runs schedule waits for the next turn).</summary>
    private void RunReady()
    {
        while (_incoming.TryDequeue(out var fromElsewhere)) PushReady(fromElsewhere);
        for (int budget = _readyCount; budget > 0; budget--)
        {
            var run = PopReady();
            Volatile.Write(ref _running, run);
            try
            {
                run.Run();
            }
            catch (Exception ex)
            {
                // Akka.NET's mailbox handles an actor's failures itself; whatever still escapes must not end the loop.
                _onTaskFailure?.Invoke(this, ex);
            }
        }
        Volatile.Write(ref _running, null);
    }

    /// <summary>The loop thread's last act: what is still queued runs on the thread pool, and the descriptors close.</summary>
    private void Exit()
    {
        _exited = true;
        while (_readyCount > 0) ThreadPool.UnsafeQueueUserWorkItem(PopReady(), preferLocal: false);
        HandOverToThreadPool();
        t_current = null;
        LinuxNative.close(_wakeFd);
        LinuxNative.close(_epfd);
    }

    private void HandOverToThreadPool()
    {
        while (_incoming.TryDequeue(out var run)) ThreadPool.UnsafeQueueUserWorkItem(run, preferLocal: false);
    }
}
