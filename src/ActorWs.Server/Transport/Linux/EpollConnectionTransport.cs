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

    private const int ClosedFlag = 1;
    private const int OneUse = 2;

    private readonly EpollLoop _loop;
    private readonly int _fd;
    private ITransportOwner? _owner;
    private int _readiness;
    private int _signalled = 1; // until Start: events only accumulate

    // The descriptor's life, kept here rather than in a SafeHandle (an object of 32 bytes with a finalizer, per idle
    // connection): ClosedFlag once Dispose or Abort ran, plus OneUse per system call in progress on _fd. The number is
    // closed by whoever brings the count to zero with the flag set, so a close from another thread (Abort) waits for
    // a running recv or send to return, and the number is never reused under it (the guarantee SafeHandle gave).
    private int _state;

    // The peer's address, kept raw: an IPEndPoint (with its IPAddress) would cost ~70 bytes for every idle
    // connection, and it is read only for logs and by the odd handler.
    private readonly long _remoteV4;          // address << 16 | port, or -1
    private readonly IPEndPoint? _remoteOther; // IPv6 and anything else

    /// <summary>Takes ownership of <paramref name="fd"/>: it is closed by <see cref="Dispose"/> or <see cref="Abort"/>.</summary>
    public EpollConnectionTransport(EpollLoop loop, int fd, long remoteV4, IPEndPoint? remoteOther)
    {
        _loop = loop;
        _fd = fd;
        _remoteV4 = remoteV4;
        _remoteOther = remoteOther;
    }

    public EndPoint? RemoteEndPoint => _remoteOther ?? (_remoteV4 < 0 ? null : new IPEndPoint(_remoteV4 >> 16, (int)(_remoteV4 & 0xFFFF)));

    public string? DispatcherId => _loop.DispatcherId;

    /// <inheritdoc />
    public void Defer(Akka.Dispatch.IRunnable task) => _loop.Execute(task);

    public void Start(ITransportOwner owner)
    {
        _owner = owner;
        if (!TryBeginUse()) throw new ObjectDisposedException(nameof(EpollConnectionTransport));
        try
        {
            _loop.Register(this, _fd,
                LinuxNative.EPOLLIN | LinuxNative.EPOLLOUT | LinuxNative.EPOLLRDHUP);
        }
        finally
        {
            EndUse();
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
        if (Interlocked.Exchange(ref _signalled, 1) == 0 && (Volatile.Read(ref _state) & ClosedFlag) == 0)
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
        if (!TryBeginUse()) return ReceiveStatus.Failed;
        try
        {
            while (true)
            {
                nint n;
                fixed (byte* p = destination) n = LinuxNative.recv(_fd, p, destination.Length, 0);
                if (n > 0) { bytesReceived = (int)n; return ReceiveStatus.Data; }
                if (n == 0) return destination.Length == 0 ? ReceiveStatus.WouldBlock : ReceiveStatus.EndOfStream;
                int errno = Marshal.GetLastPInvokeError();
                if (errno == LinuxNative.EINTR) continue;
                return errno == LinuxNative.EAGAIN ? ReceiveStatus.WouldBlock : ReceiveStatus.Failed;
            }
        }
        finally
        {
            EndUse();
        }
    }

    public SendStatus Send(ReadOnlySpan<byte> source, out int bytesSent)
    {
        bytesSent = 0;
        if (!TryBeginUse()) return SendStatus.Failed;
        try
        {
            while (bytesSent < source.Length)
            {
                nint n;
                fixed (byte* p = source) n = LinuxNative.send(_fd, p + bytesSent, source.Length - bytesSent, LinuxNative.MSG_NOSIGNAL);
                if (n >= 0) { bytesSent += (int)n; continue; }
                int errno = Marshal.GetLastPInvokeError();
                if (errno == LinuxNative.EINTR) continue;
                return errno == LinuxNative.EAGAIN ? SendStatus.WouldBlock : SendStatus.Failed;
            }
            return SendStatus.Complete;
        }
        finally
        {
            EndUse();
        }
    }

    public void ShutdownSend()
    {
        if (!TryBeginUse()) return;
        try
        {
            LinuxNative.shutdown(_fd, LinuxNative.SHUT_WR);
        }
        finally
        {
            EndUse();
        }
    }

    public void Abort()
    {
        // Linger 0 before the close: close sends RST at once instead of lingering over unsent data.
        if (!TryBeginUse()) return; // already closed
        try
        {
            long linger = 1; // struct linger { int l_onoff = 1; int l_linger = 0; }
            LinuxNative.setsockopt(_fd, LinuxNative.SOL_SOCKET, LinuxNative.SO_LINGER, (byte*)&linger, sizeof(long));
        }
        finally
        {
            EndUse();
        }
        Dispose();
    }

    public void Dispose()
    {
        int state = Volatile.Read(ref _state);
        while (true)
        {
            if ((state & ClosedFlag) != 0) return;
            int seen = Interlocked.CompareExchange(ref _state, state | ClosedFlag, state);
            if (seen == state) break;
            state = seen;
        }
        _loop.Unregister(this);
        _owner = null;
        // No call in progress: close now; otherwise the last one to end closes (EndUse).
        if (state == 0) LinuxNative.close(_fd);
    }

    /// <summary>Counts a system call on <see cref="_fd"/> in; false once the transport is closed (the call must not be made).</summary>
    private bool TryBeginUse()
    {
        int state = Volatile.Read(ref _state);
        while (true)
        {
            if ((state & ClosedFlag) != 0) return false;
            int seen = Interlocked.CompareExchange(ref _state, state + OneUse, state);
            if (seen == state) return true;
            state = seen;
        }
    }

    /// <summary>Counts a system call out; closes the descriptor if the transport was closed while it ran.</summary>
    private void EndUse()
    {
        if (Interlocked.Add(ref _state, -OneUse) == ClosedFlag) LinuxNative.close(_fd);
    }
}
