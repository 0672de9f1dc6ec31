using System.Net;

namespace ActorWs.Server.Transport.Linux;

/// <summary>
/// Transports on Linux epoll: one loop (and thread) per I/O thread asked for, connections spread over them round-robin.
/// </summary>
internal sealed class EpollTransportFactory : ITransportFactory
{
    private readonly EpollLoop[] _loops;
    private int _next;

    public EpollTransportFactory(int ioThreads)
    {
        _loops = new EpollLoop[Math.Max(1, ioThreads)];
        for (int i = 0; i < _loops.Length; i++) _loops[i] = new EpollLoop($"actorws-epoll-{i}");
    }

    public IConnectionListener Listen(IPEndPoint endPoint, int backlog) =>
        new EpollListener(NextLoop(), NextLoop, endPoint, backlog);

    private EpollLoop NextLoop() => _loops[(int)((uint)Interlocked.Increment(ref _next) % (uint)_loops.Length)];

    public void Dispose()
    {
        foreach (var loop in _loops) loop.Dispose();
    }
}
