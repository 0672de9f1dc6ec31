using System.Runtime.InteropServices;

namespace ActorWs.Server.Transport.Linux;

/// <summary>
/// The few libc calls the epoll transport makes. Linux only; callers check
/// <see cref="OperatingSystem.IsLinux"/> before touching this type.
/// </summary>
internal static unsafe partial class LinuxNative
{
    private const string Libc = "libc";

    // errno values (identical on x86_64 and aarch64 Linux).
    public const int EINTR = 4;
    public const int EAGAIN = 11;
    public const int ENOMEM = 12;
    public const int ENFILE = 23;
    public const int EMFILE = 24;
    public const int EPIPE = 32;
    public const int ECONNABORTED = 103;
    public const int ECONNRESET = 104;
    public const int ENOBUFS = 105;

    public const int EPOLL_CLOEXEC = 0x80000;
    public const int EPOLL_CTL_ADD = 1;
    public const int EPOLL_CTL_DEL = 2;
    public const int EPOLL_CTL_MOD = 3;

    public const uint EPOLLIN = 0x001;
    public const uint EPOLLOUT = 0x004;
    public const uint EPOLLERR = 0x008;
    public const uint EPOLLHUP = 0x010;
    public const uint EPOLLRDHUP = 0x2000;
    public const uint EPOLLET = 0x80000000;

    public const int SOCK_NONBLOCK = 0x800;
    public const int SOCK_CLOEXEC = 0x80000;
    public const int MSG_NOSIGNAL = 0x4000;
    public const int SHUT_WR = 1;
    public const int SOL_SOCKET = 1;
    public const int SO_LINGER = 13;
    public const int IPPROTO_TCP = 6;
    public const int TCP_NODELAY = 1;
    public const int EFD_CLOEXEC = 0x80000;
    public const int EFD_NONBLOCK = 0x800;

    public const ushort AF_INET = 2;
    public const ushort AF_INET6 = 10;

    /// <summary>
    /// <c>struct epoll_event</c> is packed (12 bytes) on x86_64 and naturally aligned (16 bytes)
    /// elsewhere, so events are read and written through this stride and offset rather than a struct.
    /// </summary>
    public static readonly int EpollEventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    private static readonly int EpollDataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    public static uint ReadEvents(byte* events, int index) => *(uint*)(events + (index * EpollEventSize));

    public static ulong ReadData(byte* events, int index) =>
        Unaligned<ulong>(events + (index * EpollEventSize) + EpollDataOffset);

    private static T Unaligned<T>(byte* p) where T : unmanaged => System.Runtime.CompilerServices.Unsafe.ReadUnaligned<T>(p);

    public static int Control(int epfd, int op, int fd, uint events, ulong data)
    {
        byte* ev = stackalloc byte[16];
        *(uint*)ev = events;
        System.Runtime.CompilerServices.Unsafe.WriteUnaligned(ev + EpollDataOffset, data);
        return epoll_ctl(epfd, op, fd, ev);
    }

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int epoll_create1(int flags);

    [LibraryImport(Libc, SetLastError = true)]
    private static partial int epoll_ctl(int epfd, int op, int fd, byte* @event);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int epoll_wait(int epfd, byte* events, int maxevents, int timeout);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int eventfd(uint initval, int flags);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial nint read(int fd, byte* buf, nint count);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial nint write(int fd, byte* buf, nint count);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int accept4(int sockfd, byte* addr, int* addrlen, int flags);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial nint recv(int sockfd, byte* buf, nint len, int flags);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial nint send(int sockfd, byte* buf, nint len, int flags);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int shutdown(int sockfd, int how);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int setsockopt(int sockfd, int level, int optname, byte* optval, int optlen);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int close(int fd);
}
