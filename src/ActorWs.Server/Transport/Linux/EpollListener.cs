using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace ActorWs.Server.Transport.Linux;

/// <summary>
/// A listening socket in an <see cref="EpollLoop"/>: bound and put into listening state by .NET's
/// <see cref="Socket"/> (so bind errors read as usual), then accepted from with <c>accept4</c>,
/// which hands back bare non-blocking descriptors with none of <see cref="Socket"/>'s per-connection state.
/// </summary>
internal sealed unsafe class EpollListener : EpollRegistration, IConnectionListener
{
    private const int SockaddrStorageSize = 128;

    private readonly EpollLoop _loop;
    private readonly Func<EpollLoop> _connectionLoop;
    private readonly Socket _socket;
    private ITransportOwner? _owner;
    private int _signalled = 1;
    private int _closed;

    public EpollListener(EpollLoop loop, Func<EpollLoop> connectionLoop, IPEndPoint endPoint, int backlog)
    {
        _loop = loop;
        _connectionLoop = connectionLoop;
        _socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endPoint.AddressFamily == AddressFamily.InterNetworkV6 && endPoint.Address.Equals(IPAddress.IPv6Any))
                _socket.DualMode = true;
            _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            _socket.Bind(endPoint);
            _socket.Listen(backlog);
            _socket.Blocking = false;
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
        _loop.Register(this, (int)_socket.Handle, LinuxNative.EPOLLIN);
        owner.OnTransportSignal();
    }

    internal override void OnEvents(uint events)
    {
        if (Interlocked.Exchange(ref _signalled, 1) == 0 && Volatile.Read(ref _closed) == 0)
            _owner?.OnTransportSignal();
    }

    public TransportReadiness TakeReadiness()
    {
        Volatile.Write(ref _signalled, 0);
        return TransportReadiness.Readable;
    }

    public AcceptStatus TryAccept(out IConnectionTransport? connection)
    {
        connection = null;
        if (Volatile.Read(ref _closed) != 0) return AcceptStatus.Closed;
        byte* address = stackalloc byte[SockaddrStorageSize];
        while (true)
        {
            int length = SockaddrStorageSize;
            int fd;
            try
            {
                fd = LinuxNative.accept4((int)_socket.Handle, address, &length, LinuxNative.SOCK_NONBLOCK | LinuxNative.SOCK_CLOEXEC);
            }
            catch (ObjectDisposedException)
            {
                return AcceptStatus.Closed;
            }
            if (fd >= 0)
            {
                int one = 1;
                LinuxNative.setsockopt(fd, LinuxNative.IPPROTO_TCP, LinuxNative.TCP_NODELAY, (byte*)&one, sizeof(int));
                long v4 = ReadIPv4(address, length);
                connection = new EpollConnectionTransport(_connectionLoop(), fd, v4, v4 < 0 ? ReadEndPoint(address, length) : null);
                return AcceptStatus.Accepted;
            }
            int errno = Marshal.GetLastPInvokeError();
            switch (errno)
            {
                case LinuxNative.EINTR:
                case LinuxNative.ECONNABORTED: // the peer gave up while queued: take the next one
                    continue;
                case LinuxNative.EAGAIN:
                    return AcceptStatus.WouldBlock;
                case LinuxNative.EMFILE:
                case LinuxNative.ENFILE:
                case LinuxNative.ENOBUFS:
                case LinuxNative.ENOMEM:
                    return AcceptStatus.TransientFailure;
                default:
                    return Volatile.Read(ref _closed) != 0 ? AcceptStatus.Closed : AcceptStatus.TransientFailure;
            }
        }
    }

    /// <summary>An IPv4 peer as <c>address &lt;&lt; 16 | port</c> (address in the byte order IPEndPoint's long constructor takes); -1 otherwise.</summary>
    private static long ReadIPv4(byte* address, int length)
    {
        if (length < 8 || *(ushort*)address != LinuxNative.AF_INET) return -1;
        long ip = *(uint*)(address + 4); // network order in memory: exactly what IPAddress(long) expects on little-endian
        int port = (address[2] << 8) | address[3];
        return (ip << 16) | (uint)port;
    }

    private static IPEndPoint? ReadEndPoint(byte* address, int length)
    {
        ushort family = *(ushort*)address;
        int port = (address[2] << 8) | address[3];
        if (family == LinuxNative.AF_INET && length >= 8)
            return new IPEndPoint(new IPAddress(new ReadOnlySpan<byte>(address + 4, 4)), port);
        if (family == LinuxNative.AF_INET6 && length >= 28)
        {
            uint scope = *(uint*)(address + 24);
            var ip = new IPAddress(new ReadOnlySpan<byte>(address + 8, 16), scope);
            return new IPEndPoint(ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip, port);
        }
        return null;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0) return;
        _loop.Unregister(this);
        _socket.Dispose();
        _owner = null;
    }
}
