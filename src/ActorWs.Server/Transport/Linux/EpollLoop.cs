using System.Runtime.InteropServices;

namespace ActorWs.Server.Transport.Linux;

/// <summary>
/// Something registered with an <see cref="EpollLoop"/>: it is told the readiness events of its descriptor.
/// </summary>
internal abstract class EpollRegistration
{
    internal int Slot = -1;
    internal uint Generation;

    /// <summary>Called on the loop's thread; must not block.</summary>
    internal abstract void OnEvents(uint events);
}

/// <summary>
/// One thread waiting in <c>epoll_wait</c> for many sockets and handing their readiness to
/// registrations, in batches of up to <see cref="MaxEventsPerWait"/> events per system call; the same thread
/// runs the mailboxes of the actors bound to it (see EpollLoop.Executor.cs).
/// </summary>
/// <remarks>
/// Descriptors are registered edge-triggered once, for their whole life, so the hot path makes no
/// <c>epoll_ctl</c> calls. The event's user data carries a slot index and a generation instead of a
/// pointer: an event that was already read when its registration went away (and whose slot may have
/// been reused since) carries a stale generation and is dropped.
/// Thread-safety: <see cref="Register"/> and <see cref="Unregister"/> may be called from any thread.
/// </remarks>
internal sealed unsafe partial class EpollLoop : IDisposable
{
    public const int MaxEventsPerWait = 512;

    private readonly int _epfd;
    private readonly int _wakeFd;
    private readonly Thread _thread;
    private readonly object _slotsLock = new();
    private EpollRegistration?[] _slots = new EpollRegistration?[1024];
    // Bumped each time a slot is handed out, so a slot's old events never match its next owner.
    private uint[] _slotGenerations = new uint[1024];
    private int[] _freeSlots = new int[1024];
    private int _freeCount;
    private int _nextUnusedSlot;
    private volatile bool _stopping;

    public EpollLoop(string name)
    {
        Name = name;
        _epfd = LinuxNative.epoll_create1(LinuxNative.EPOLL_CLOEXEC);
        if (_epfd < 0) throw new IOException($"epoll_create1 failed (errno {Marshal.GetLastPInvokeError()})");
        _wakeFd = LinuxNative.eventfd(0, LinuxNative.EFD_CLOEXEC | LinuxNative.EFD_NONBLOCK);
        if (_wakeFd < 0) throw new IOException($"eventfd failed (errno {Marshal.GetLastPInvokeError()})");
        // The wake descriptor uses data = ulong.MaxValue, a value no slot/generation pair produces.
        LinuxNative.Control(_epfd, LinuxNative.EPOLL_CTL_ADD, _wakeFd, LinuxNative.EPOLLIN, ulong.MaxValue);
        _thread = new Thread(Run) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>The loop's thread name (<c>actorws-io-0</c>, …), as logs and the watchdog name it.</summary>
    public string Name { get; }

    /// <summary>The id of the Akka.NET dispatcher that runs actors on this loop; null when none was registered.</summary>
    public string? DispatcherId { get; set; }

    /// <summary>Adds <paramref name="fd"/> edge-triggered for <paramref name="events"/>.</summary>
    public void Register(EpollRegistration registration, int fd, uint events)
    {
        lock (_slotsLock)
        {
            int slot = _freeCount > 0 ? _freeSlots[--_freeCount] : _nextUnusedSlot++;
            if (slot >= _slots.Length)
            {
                var grown = new EpollRegistration?[_slots.Length * 2];
                Array.Copy(_slots, grown, _slots.Length);
                Array.Resize(ref _slotGenerations, grown.Length);
                Volatile.Write(ref _slots, grown);
            }
            registration.Slot = slot;
            registration.Generation = ++_slotGenerations[slot];
            Volatile.Write(ref _slots[slot], registration);
        }
        ulong data = ((ulong)registration.Generation << 32) | (uint)registration.Slot;
        if (LinuxNative.Control(_epfd, LinuxNative.EPOLL_CTL_ADD, fd, events | LinuxNative.EPOLLET, data) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            Unregister(registration);
            throw new IOException($"epoll_ctl(ADD) failed (errno {errno})");
        }
    }

    /// <summary>
    /// Frees the registration's slot. The descriptor itself leaves the epoll set when it is closed.
    /// </summary>
    public void Unregister(EpollRegistration registration)
    {
        lock (_slotsLock)
        {
            int slot = registration.Slot;
            if (slot < 0 || !ReferenceEquals(_slots[slot], registration)) return;
            Volatile.Write(ref _slots[slot], null);
            registration.Slot = -1;
            if (_freeCount == _freeSlots.Length) Array.Resize(ref _freeSlots, _freeSlots.Length * 2);
            _freeSlots[_freeCount++] = slot;
        }
    }

    /// <summary>How many registrations are live (for tests and metrics).</summary>
    public int RegistrationCount
    {
        get { lock (_slotsLock) return _nextUnusedSlot - _freeCount; }
    }

    private void Run()
    {
        t_current = this;
        int size = LinuxNative.EpollEventSize * MaxEventsPerWait;
        byte* events = (byte*)NativeMemory.Alloc((nuint)size);
        try
        {
            while (!_stopping)
            {
                // Block only when no actor of this loop has work waiting; otherwise just look for new readiness.
                int timeout = PrepareToWait() ? -1 : 0;
                int n = LinuxNative.epoll_wait(_epfd, events, MaxEventsPerWait, timeout);
                BeginTurn();
                if (n < 0)
                {
                    if (Marshal.GetLastPInvokeError() == LinuxNative.EINTR) continue;
                    break; // the epoll descriptor is gone: nothing more can arrive
                }
                var slots = Volatile.Read(ref _slots);
                for (int i = 0; i < n; i++)
                {
                    ulong data = LinuxNative.ReadData(events, i);
                    if (data == ulong.MaxValue)
                    {
                        ConsumeWake();
                        continue;
                    }
                    int slot = (int)(uint)data;
                    if ((uint)slot >= (uint)slots.Length) slots = Volatile.Read(ref _slots);
                    if ((uint)slot >= (uint)slots.Length) continue;
                    var registration = Volatile.Read(ref slots[slot]);
                    if (registration is null || registration.Generation != (uint)(data >> 32)) continue;
                    registration.OnEvents(LinuxNative.ReadEvents(events, i));
                }
                RunReady();
            }
        }
        finally
        {
            NativeMemory.Free(events);
            Exit();
        }
    }

    public void Dispose()
    {
        if (_stopping) return;
        _stopping = true;
        Wake();
        // The loop thread closes its descriptors as it exits (see Exit): a thread still inside an actor's turn keeps
        // them open until it returns, so a late wake-up never writes to a descriptor number reused by a socket.
        if (Thread.CurrentThread != _thread) _thread.Join(TimeSpan.FromSeconds(5));
    }
}
