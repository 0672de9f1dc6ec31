using System.Net;
using Akka.Actor;
using ActorWs.Server.Dispatch;

namespace ActorWs.Server.Transport.Linux;

/// <summary>
/// Transports on Linux epoll: one loop (and thread) per I/O thread asked for, connections spread over them round-robin.
/// Each loop is also an Akka.NET dispatcher (<see cref="IoLoopDispatcherConfigurator"/>), so a connection's actor runs on
/// the thread that owns its socket; a watchdog reports a loop turn that runs too long.
/// </summary>
internal sealed class EpollTransportFactory : ITransportFactory
{
    private readonly EpollLoop[] _loops;
    private readonly IoLoopWatchdog? _watchdog;
    private int _next;

    /// <param name="ioThreads">How many loops.</param>
    /// <param name="system">The actor system to register the loops' dispatchers with (null: connections use the default dispatcher).</param>
    /// <param name="dispatcherIdPrefix">Unique per server: the loops' dispatcher ids are this plus the loop index.</param>
    /// <param name="watchdogThreshold">A turn longer than this is reported to <paramref name="onStall"/>; zero turns the watchdog off.</param>
    /// <param name="onStall">Where stalls go.</param>
    /// <param name="onTaskFailure">Where a task that threw out of its run goes.</param>
    public EpollTransportFactory(int ioThreads, ActorSystem? system = null, string? dispatcherIdPrefix = null,
        TimeSpan watchdogThreshold = default, Action<IoLoopStall>? onStall = null, Action<string, Exception>? onTaskFailure = null)
    {
        _loops = new EpollLoop[Math.Max(1, ioThreads)];
        for (int i = 0; i < _loops.Length; i++)
        {
            var loop = new EpollLoop($"actorws-io-{i}");
            if (onTaskFailure is not null) loop.OnTaskFailure = (l, ex) => onTaskFailure(l.Name, ex);
            if (system is not null && dispatcherIdPrefix is not null)
            {
                loop.DispatcherId = dispatcherIdPrefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                IoLoopDispatcherConfigurator.Register(system, loop.DispatcherId, loop);
            }
            _loops[i] = loop;
        }
        if (watchdogThreshold > TimeSpan.Zero && onStall is not null)
            _watchdog = new IoLoopWatchdog(_loops, watchdogThreshold, TimeProvider.System, onStall);
    }

    /// <summary>The loops, for tests.</summary>
    internal IReadOnlyList<EpollLoop> Loops => _loops;

    /// <summary>The loops' dispatcher ids, in loop order (empty without an actor system).</summary>
    public IReadOnlyList<string> IoDispatcherIds => _loops.Select(l => l.DispatcherId).OfType<string>().ToArray();

    public IConnectionListener Listen(IPEndPoint endPoint, int backlog) =>
        new EpollListener(NextLoop(), NextLoop, endPoint, backlog);

    private EpollLoop NextLoop() => _loops[(int)((uint)Interlocked.Increment(ref _next) % (uint)_loops.Length)];

    public void Dispose()
    {
        _watchdog?.Dispose();
        foreach (var loop in _loops) loop.Dispose();
    }
}
