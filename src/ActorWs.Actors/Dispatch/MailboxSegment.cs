using System.Collections.Concurrent;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ActorWs.Actors;

/// <summary>
/// A circular block of envelopes with its own producer lock. A mailbox is a chain of segments,
/// almost always just one: producers append at the tail under the tail segment's lock; when a
/// segment is full they link a larger one (4x, up to 1024 slots) and continue there, so the consumer never waits
/// for a copy. The single consumer reads from the head without any lock. The producer fields
/// (lock, tail) and the consumer field (head) sit on separate cache lines, so the two sides do not
/// invalidate each other's lines on every message.
/// </summary>
/// <remarks>
/// Thread-safety: <see cref="Producer"/> and <see cref="Next"/> are written by producers holding
/// <see cref="ProducerSide.Lock"/> and published with release semantics; <see cref="Consumer"/> is
/// written by the consumer (under the lock too for bounded mailboxes and for rare operations).
/// Segments are pooled; a stale producer may briefly take the lock of a recycled segment, which is
/// why every lock holder re-checks that the segment is still its mailbox's tail.
/// </remarks>
internal sealed class MailboxSegment
{
    /// <summary>Capacity of the first segment of a mailbox.</summary>
    internal const int InitialCapacity = 16;

    /// <summary>Largest segment a growing mailbox links; deeper queues chain more of these.</summary>
    internal const int MaxLinkedCapacity = 1024;

    /// <summary>Each linked segment is this many times larger than the one before (up to the maximum).</summary>
    private const int GrowthFactor = 4;

    /// <summary>Initial-size segments kept per thread, so request/reply chains stay thread-local.</summary>
    private const int ThreadCacheSize = 4;

    /// <summary>A size class unused for this long gives pooled segments back at the next full GC.</summary>
    private const long TrimAfterIdleMilliseconds = 10_000;

    // Size classes and how many segments of each may be kept for reuse across threads. A burst that
    // builds a deep backlog can leave up to ~17 MB pooled; PoolTrimmer gives it back over a few
    // full garbage collections once the class has been idle for a while.
    private static readonly int[] s_classCapacities = [16, 64, 256, 1024];
    private static readonly int[] s_classMaxPooled = [1024, 256, 256, 1024];
    private static readonly ConcurrentQueue<MailboxSegment>[] s_pools =
        [new(), new(), new(), new()];

    private static readonly int[] s_pooledCounts = new int[4];
    private static readonly long[] s_lastRentTicks = new long[4];

    static MailboxSegment()
    {
        PoolTrimmer.Start();
    }

    [ThreadStatic]
    private static MailboxSegment?[]? t_cache;

    internal readonly Envelope[] Items;
    internal readonly int Mask;
    internal MailboxSegment? Next;
    internal ProducerSide Producer;
    internal ConsumerSide Consumer;

    private MailboxSegment(int capacity)
    {
        Items = new Envelope[capacity];
        Mask = capacity - 1;
    }

    internal int Capacity => Mask + 1;

    /// <summary>Number of envelopes in this segment (a snapshot).</summary>
    internal int Count => Volatile.Read(ref Producer.Tail) - Volatile.Read(ref Consumer.Head);

    /// <summary>A segment of the initial size, from the pools when possible.</summary>
    internal static MailboxSegment RentInitial()
    {
        var cache = t_cache;
        if (cache is not null)
        {
            for (int i = 0; i < cache.Length; i++)
            {
                if (cache[i] is { } cached)
                {
                    cache[i] = null;
                    return cached;
                }
            }
        }

        return RentClass(0);
    }

    /// <summary>The segment to link after <paramref name="full"/>: larger, up to <see cref="MaxLinkedCapacity"/>.</summary>
    internal static MailboxSegment RentLarger(MailboxSegment full)
        => RentAtLeast(Math.Min(full.Capacity * GrowthFactor, MaxLinkedCapacity));

    /// <summary>A segment of at least <paramref name="minimumCapacity"/> slots (a power of two).</summary>
    internal static MailboxSegment RentAtLeast(int minimumCapacity)
    {
        for (int sizeClass = 0; sizeClass < s_classCapacities.Length; sizeClass++)
        {
            if (minimumCapacity <= s_classCapacities[sizeClass])
            {
                return sizeClass == 0 ? RentInitial() : RentClass(sizeClass);
            }
        }

        // Only a rebuild after a large unstash gets here; such segments are not pooled.
        return new MailboxSegment((int)BitOperations.RoundUpToPowerOf2((uint)minimumCapacity));
    }

    /// <summary>Gives back a segment whose slots have all been cleared; the caller no longer holds its lock.</summary>
    internal static void Return(MailboxSegment segment)
    {
        segment.Producer.Tail = 0;
        segment.Producer.CachedHead = 0;
        segment.Consumer.Head = 0;
        segment.Consumer.CachedTail = 0;
        segment.Next = null;
        int sizeClass = Array.IndexOf(s_classCapacities, segment.Capacity);
        if (sizeClass < 0)
        {
            return;
        }

        if (sizeClass == 0)
        {
            var cache = t_cache ??= new MailboxSegment?[ThreadCacheSize];
            for (int i = 0; i < cache.Length; i++)
            {
                if (cache[i] is null)
                {
                    cache[i] = segment;
                    return;
                }
            }
        }

        if (Interlocked.Increment(ref s_pooledCounts[sizeClass]) <= s_classMaxPooled[sizeClass])
        {
            s_pools[sizeClass].Enqueue(segment);
        }
        else
        {
            Interlocked.Decrement(ref s_pooledCounts[sizeClass]);
        }
    }

    /// <summary>Segments kept per size class (for tests and diagnostics).</summary>
    internal static int PooledCount(int capacity)
    {
        int sizeClass = Array.IndexOf(s_classCapacities, capacity);
        return sizeClass < 0 ? 0 : Volatile.Read(ref s_pooledCounts[sizeClass]);
    }

    /// <summary>
    /// Called after a full garbage collection: a class not rented from for
    /// <see cref="TrimAfterIdleMilliseconds"/> gives back half of its pooled segments (the
    /// initial-size class keeps a floor for quick reuse).
    /// </summary>
    internal static void Trim()
    {
        long now = Environment.TickCount64;
        for (int sizeClass = 0; sizeClass < s_pools.Length; sizeClass++)
        {
            if (now - Volatile.Read(ref s_lastRentTicks[sizeClass]) < TrimAfterIdleMilliseconds)
            {
                continue;
            }

            int floor = sizeClass == 0 ? 64 : 0;
            int surplus = Volatile.Read(ref s_pooledCounts[sizeClass]) - floor;
            for (int i = 0; i < (surplus + 1) / 2 && s_pools[sizeClass].TryDequeue(out _); i++)
            {
                Interlocked.Decrement(ref s_pooledCounts[sizeClass]);
            }
        }
    }

    private static MailboxSegment RentClass(int sizeClass)
    {
        // The clock ticks every few milliseconds, so this shared write is rare even under load.
        long now = Environment.TickCount64;
        if (Volatile.Read(ref s_lastRentTicks[sizeClass]) != now)
        {
            Volatile.Write(ref s_lastRentTicks[sizeClass], now);
        }

        if (s_pools[sizeClass].TryDequeue(out var pooled))
        {
            Interlocked.Decrement(ref s_pooledCounts[sizeClass]);
            return pooled;
        }

        return new MailboxSegment(s_classCapacities[sizeClass]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void EnterLock()
    {
        if (Interlocked.CompareExchange(ref Producer.Lock, 1, 0) != 0)
        {
            EnterLockContended();
        }
    }

    /// <summary>Releases the lock with a full fence, so reads after it cannot move before the writes inside.</summary>
    internal void ExitLock() => Interlocked.Exchange(ref Producer.Lock, 0);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void EnterLockContended()
    {
        // Critical sections are a few stores (or a rare segment link), so spinning beats parking;
        // SpinWait yields the processor after a few rounds so a preempted holder can finish.
        var spinner = default(SpinWait);
        do
        {
            spinner.SpinOnce(sleep1Threshold: -1);
        }
        while (Volatile.Read(ref Producer.Lock) != 0 || Interlocked.CompareExchange(ref Producer.Lock, 1, 0) != 0);
    }

    /// <summary>
    /// Runs <see cref="Trim"/> after every full (generation 2) garbage collection: an unreachable
    /// object that resurrects itself from its finalizer is finalized again after each collection of
    /// the generation it lives in, which for a long-lived object is generation 2.
    /// </summary>
    /// <remarks>Thread-safety: the finalizer thread calls <see cref="Trim"/>, which is thread-safe.</remarks>
    private sealed class PoolTrimmer
    {
        private PoolTrimmer()
        {
        }

        ~PoolTrimmer()
        {
            if (Environment.HasShutdownStarted)
            {
                return;
            }

            Trim();
            GC.ReRegisterForFinalize(this);
        }

        internal static void Start() => _ = new PoolTrimmer();
    }

    /// <summary>
    /// The producers' fields, alone on their cache line. <see cref="CachedHead"/> is the last head
    /// the producers saw; they re-read the consumer's line only when the cached view says "full".
    /// </summary>
    [StructLayout(LayoutKind.Explicit, Size = 128)]
    internal struct ProducerSide
    {
        [FieldOffset(64)]
        internal int Lock;

        [FieldOffset(68)]
        internal int Tail;

        [FieldOffset(72)]
        internal int CachedHead;
    }

    /// <summary>
    /// The consumer's fields, alone on their cache line. <see cref="CachedTail"/> is the last tail
    /// the consumer saw; it re-reads the producers' line only when it has consumed up to it.
    /// </summary>
    [StructLayout(LayoutKind.Explicit, Size = 128)]
    internal struct ConsumerSide
    {
        [FieldOffset(64)]
        internal int Head;

        [FieldOffset(68)]
        internal int CachedTail;
    }
}
