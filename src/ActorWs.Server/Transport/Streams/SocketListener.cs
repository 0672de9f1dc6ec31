using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace ActorWs.Server.Transport.Streams;

/// <summary>
/// A portable listener on .NET's <see cref="Socket"/>: a background accept loop queues sockets and
/// signals the owner, which takes them with <see cref="TryAccept"/>.
/// </summary>
/// <remarks>
/// The queue is bounded by <see cref="MaxQueued"/>: past it the loop waits for the owner, and further
/// connections wait in the kernel's backlog, as they would for a busy epoll listener.
/// </remarks>
internal sealed class SocketListener : IConnectionListener
{
    public const int MaxQueued = 1024;

    private readonly Socket _socket;
    private readonly Func<Socket, IConnectionTransport> _wrap;
    private readonly ConcurrentQueue<Socket> _accepted = new();
    private readonly SemaphoreSlim _room = new(MaxQueued, MaxQueued);
    private readonly CancellationTokenSource _closing = new();
    private ITransportOwner? _owner;
    private int _signalled = 1;
    private volatile bool _closed;
    private volatile bool _failing;

    public SocketListener(IPEndPoint endPoint, int backlog, Func<Socket, IConnectionTransport> wrap)
    {
        _wrap = wrap;
        _socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endPoint.AddressFamily == AddressFamily.InterNetworkV6 && endPoint.Address.Equals(IPAddress.IPv6Any))
                _socket.DualMode = true;
            if (!OperatingSystem.IsWindows())
                _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            _socket.Bind(endPoint);
            _socket.Listen(backlog);
            LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        }
        catch
        {
            _socket.Dispose();
            throw;
        }
    }

    public IPEndPoint LocalEndPoint { get; }

    public void Start(ITransportOwner owner)
    {
        _owner = owner;
        _ = AcceptLoop();
        owner.OnTransportSignal();
    }

    private async Task AcceptLoop()
    {
        while (!_closed)
        {
            try
            {
                await _room.WaitAsync(_closing.Token).ConfigureAwait(false);
                var socket = await _socket.AcceptAsync(_closing.Token).ConfigureAwait(false);
                socket.NoDelay = true;
                _accepted.Enqueue(socket);
                _failing = false;
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            catch (SocketException)
            {
                // Out of descriptors and the like: say so once, then try again after a pause.
                _room.Release();
                _failing = true;
                Signal();
                try
                {
                    await Task.Delay(100, _closing.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                continue;
            }
            Signal();
        }
    }

    private void Signal()
    {
        if (Interlocked.Exchange(ref _signalled, 1) == 0 && !_closed) _owner?.OnTransportSignal();
    }

    public TransportReadiness TakeReadiness()
    {
        Volatile.Write(ref _signalled, 0);
        return TransportReadiness.Readable;
    }

    public AcceptStatus TryAccept(out IConnectionTransport? connection)
    {
        connection = null;
        if (_closed) return AcceptStatus.Closed;
        if (_accepted.TryDequeue(out var socket))
        {
            _room.Release();
            connection = _wrap(socket);
            return AcceptStatus.Accepted;
        }
        return _failing ? AcceptStatus.TransientFailure : AcceptStatus.WouldBlock;
    }

    public void Dispose()
    {
        if (_closed) return;
        _closed = true;
        _closing.Cancel();
        _socket.Dispose();
        while (_accepted.TryDequeue(out var socket)) socket.Dispose();
        _owner = null;
    }
}
