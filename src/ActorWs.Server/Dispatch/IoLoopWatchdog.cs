using Akka.Dispatch;

namespace ActorWs.Server.Dispatch;

/// <summary>A loop turn that ran longer than the watchdog's threshold: which loop, for how long so far, and what held it.</summary>
/// <param name="Loop">The I/O thread's name (<c>actorws-io-0</c>).</param>
/// <param name="RunningFor">How long the turn had run when it was seen (at least the threshold).</param>
/// <param name="HeldBy">The actor whose mailbox was running (its path), or what else the task was.</param>
internal sealed record IoLoopStall(string Loop, TimeSpan RunningFor, string HeldBy);

/// <summary>
/// Watches I/O loops from a timer and reports a turn that runs longer than a threshold, once per turn, naming the actor
/// that holds the loop. Every socket of that loop waits meanwhile, so a report means an actor on the loop blocked or
/// did too much at once.
/// </summary>
/// <remarks>
/// The loops pay nothing for it but a counter write per turn: the watchdog samples <see cref="IIoLoop.TurnNumber"/> every
/// quarter threshold and reports when it has seen the same running turn for the threshold. Thread-safety: the checks
/// run on the timer's callbacks, one at a time.
/// </remarks>
internal sealed class IoLoopWatchdog : IDisposable
{
    private readonly IIoLoop[] _loops;
    private readonly long[] _seenTurn;
    private readonly long[] _seenAt;
    private readonly bool[] _reported;
    private readonly TimeSpan _threshold;
    private readonly TimeProvider _time;
    private readonly Action<IoLoopStall> _report;
    private readonly ITimer _timer;
    private readonly object _gate = new();

    public IoLoopWatchdog(IReadOnlyList<IIoLoop> loops, TimeSpan threshold, TimeProvider time, Action<IoLoopStall> report)
    {
        if (threshold <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The threshold must be positive.");
        _loops = loops.ToArray();
        _seenTurn = new long[_loops.Length];
        _seenAt = new long[_loops.Length];
        _reported = new bool[_loops.Length];
        _threshold = threshold;
        _time = time;
        _report = report;
        var period = threshold / 4;
        _timer = time.CreateTimer(static state => ((IoLoopWatchdog)state!).Check(), this, period, period);
    }

    /// <summary>Looks at every loop once (the timer calls it).</summary>
    internal void Check()
    {
        lock (_gate)
        {
            long now = _time.GetTimestamp();
            for (int i = 0; i < _loops.Length; i++)
            {
                var loop = _loops[i];
                long turn = loop.TurnNumber;
                if (turn != _seenTurn[i] || (turn & 1) == 0)
                {
                    _seenTurn[i] = turn;
                    _seenAt[i] = now;
                    _reported[i] = false;
                    continue;
                }
                var runningFor = _time.GetElapsedTime(_seenAt[i], now);
                if (_reported[i] || runningFor < _threshold) continue;
                _reported[i] = true;
                _report(new IoLoopStall(loop.Name, runningFor, Describe(loop.Running)));
            }
        }
    }

    /// <summary>The actor a task runs (by its path), as far as it can be told.</summary>
    internal static string Describe(IRunnable? task) => task switch
    {
        null => "no task (the loop's own work between tasks)",
        Mailbox { MessageQueue: LeanMessageQueue { Owner: { } owner } } => owner.Path.ToStringWithoutAddress(),
        Mailbox => "an actor without ActorWs's lean mailbox",
        _ => task.GetType().Name,
    };

    public void Dispose() => _timer.Dispose();
}
