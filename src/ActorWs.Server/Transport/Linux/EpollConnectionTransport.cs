using System.Net;
using System.Runtime.InteropServices;

namespace ActorWs.Server.Transport.Linux;

/// <summary>
/// An accepted TCP connection driven by an <see cref="EpollLoop"/>: non-blocking <c>recv</c>/<c>send</c>
/// straight on the descriptor, readiness announced to the owner as coalesced signals.
/// </summary>
/// <remarks>
/// It holds no buffer and no pending operation while idle: the descriptor sits in the epoll set
/// (edge-triggered, registered once), and the owner is signalled when bytes arrive.
/// Thread-safety: see <see cref="IConnectionTransport"/>; <see cref="OnEvents"/> runs on the loop thread.
/// </remarks>
internal sealed unsafe class EpollConnectionTransport : EpollRegistration, IConnectionTransport
{
    private const int ReadableMask = (int)TransportReadiness.Readable;
    private const int WritableMask = (int)TransportReadiness.Writable;

    private readonly EpollLoop _loop;
    private readonly FileDescriptorHandle _handle;
    private ITransportOwner? _owner;
    private int _readiness;
    private int _signalled = 1; // until Start: events only accumulate
    private int _closed;

    // The peer's address, kept raw: an IPEndPoint (with its IPAddress) would cost ~70 bytes for every idle
    // connection, and it is read only for logs and by the odd handler.
    private readonly long _remoteV4;          // address << 16 | port, or -1
    private readonly IPEndPoint? _remoteOther; // IPv6 and anything else

    public EpollConnectionTransport(EpollLoop loop, FileDescriptorHandle handle, long remoteV4, IPEndPoint? remoteOther)
    {
        _loop = loop;
        _handle = handle;
        _remoteV4 = remoteV4;
        _remoteOther = remoteOther;
    }

    public EndPoint? RemoteEndPoint => _remoteOther ?? (_remoteV4 < 0 ? null : new IPEndPoint(_remoteV4 >> 16, (int)(_remoteV4 & 0xFFFF)));

    public string? DispatcherId => _loop.DispatcherId;

    public void Start(ITransportOwner owner)
    {
        _owner = owner;
        bool added = false;
        _handle.DangerousAddRef(ref added);
        try
        {
            _loop.Register(this, _handle.Fd,
                LinuxNative.EPOLLIN | LinuxNative.EPOLLOUT | LinuxNative.EPOLLRDHUP);
        }
        finally
        {
            _handle.DangerousRelease();
        }
        // The first signal makes the owner look for bytes that arrived before registration.
        Interlocked.Or(ref _readiness, ReadableMask | WritableMask);
        owner.OnTransportSignal();
    }

    internal override void OnEvents(uint events)
    {
        int ready = 0;
        if ((events & (LinuxNative.EPOLLIN | LinuxNative.EPOLLRDHUP | LinuxNative.EPOLLHUP | LinuxNative.EPOLLERR)) != 0)
            ready |= ReadableMask;
        if ((events & (LinuxNative.EPOLLOUT | LinuxNative.EPOLLHUP | LinuxNative.EPOLLERR)) != 0)
            ready |= WritableMask;
        Interlocked.Or(ref _readiness, ready);
        if (Interlocked.Exchange(ref _signalled, 1) == 0 && Volatile.Read(ref _closed) == 0)
            _owner?.OnTransportSignal();
    }

    public TransportReadiness TakeReadiness()
    {
        // Re-arm before taking the bits: an event after this point signals again.
        Volatile.Write(ref _signalled, 0);
        return (TransportReadiness)Interlocked.Exchange(ref _readiness, 0);
    }

    public ReceiveStatus Receive(Span<byte> destination, out int bytesReceived)
    {
        bytesReceived = 0;
        if (Volatile.Read(ref _closed) != 0) return ReceiveStatus.Failed;
        bool added = false;
        _handle.DangerousAddRef(ref added);
        try
        {
            while (true)
            {
                nint n;
                fixed (byte* p = destination) n = LinuxNative.recv(_handle.Fd, p, destination.Length, 0);
                if (n > 0) { bytesReceived = (int)n; return ReceiveStatus.Data; }
                if (n == 0) return destination.Length == 0 ? ReceiveStatus.WouldBlock : ReceiveStatus.EndOfStream;
                int errno = Marshal.GetLastPInvokeError();
                if (errno == LinuxNative.EINTR) continue;
                return errno == LinuxNative.EAGAIN ? ReceiveStatus.WouldBlock : ReceiveStatus.Failed;
            }
        }
        catch (ObjectDisposedException)
        {
            return ReceiveStatus.Failed;
        }
        finally
        {
            if (added) _handle.DangerousRelease();
        }
    }

    public SendStatus Send(ReadOnlySpan<byte> source, out int bytesSent)
    {
        bytesSent = 0;
        if (Volatile.Read(ref _closed) != 0) return SendStatus.Failed;
        bool added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
            while (bytesSent < source.Length)
            {
                nint n;
                fixed (byte* p = source) n = LinuxNative.send(_handle.Fd, p + bytesSent, source.Length - bytesSent, LinuxNative.MSG_NOSIGNAL);
                if (n >= 0) { bytesSent += (int)n; continue; }
                int errno = Marshal.GetLastPInvokeError();
                if (errno == LinuxNative.EINTR) continue;
                return errno == LinuxNative.EAGAIN ? SendStatus.WouldBlock : SendStatus.Failed;
            }
            return SendStatus.Complete;
        }
        catch (ObjectDisposedException)
        {
            return SendStatus.Failed;
        }
        finally
        {
            if (added) _handle.DangerousRelease();
        }
    }

    public void ShutdownSend()
    {
        bool added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
            LinuxNative.shutdown(_handle.Fd, LinuxNative.SHUT_WR);
        }
        catch (ObjectDisposedException)
        {
        }
        finally
        {
            if (added) _handle.DangerousRelease();
        }
    }

    public void Abort()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0) return;
        bool added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
            // Linger 0: close sends RST at once instead of lingering over unsent data.
            long linger = 1; // struct linger { int l_onoff = 1; int l_linger = 0; }
            LinuxNative.setsockopt(_handle.Fd, LinuxNative.SOL_SOCKET, LinuxNative.SO_LINGER, (byte*)&linger, sizeof(long));
        }
        catch (ObjectDisposedException)
        {
        }
        finally
        {
            if (added) _handle.DangerousRelease();
        }
        Release();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0) return;
        Release();
    }

    private void Release()
    {
        _loop.Unregister(this);
        _handle.Dispose();
        _owner = null;
    }
}
