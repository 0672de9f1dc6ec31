using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ActorWs.Actors;

/// <summary>
/// A circular block of envelopes with its own producer lock. A mailbox is a chain of segments,
/// almost always just one: producers append at the tail under the tail segment's lock; when a
/// segment is full they link one twice its size and continue there, so the consumer never waits
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
    /// <summary>Capacity of the first segment of a mailbox (ArrayPool's smallest bucket).</summary>
    internal const int InitialCapacity = 16;

    /// <summary>Most initial-size segments kept for reuse across threads (about half a megabyte).</summary>
    private const int MaxSharedPooled = 1024;

    /// <summary>Initial-size segments kept per thread, so request/reply chains stay thread-local.</summary>
    private const int ThreadCacheSize = 4;

    private static readonly ConcurrentQueue<MailboxSegment> s_shared = new();
    private static int s_sharedCount;

    [ThreadStatic]
    private static MailboxSegment?[]? t_cache;

    internal readonly Envelope[] Items;
    internal readonly int Mask;
    internal MailboxSegment? Next;
    internal ProducerSide Producer;
    internal ConsumerSide Consumer;

    private MailboxSegment(Envelope[] items, int capacity)
    {
        Items = items;
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

        if (s_shared.TryDequeue(out var shared))
        {
            Interlocked.Decrement(ref s_sharedCount);
            return shared;
        }

        return new MailboxSegment(new Envelope[InitialCapacity], InitialCapacity);
    }

    /// <summary>A segment of at least <paramref name="minimumCapacity"/> slots (a power of two).</summary>
    internal static MailboxSegment RentAtLeast(int minimumCapacity)
    {
        if (minimumCapacity <= InitialCapacity)
        {
            return RentInitial();
        }

        // The mask needs a power of two; the rented array is at least that long.
        int capacity = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)minimumCapacity);
        return new MailboxSegment(ArrayPool<Envelope>.Shared.Rent(capacity), capacity);
    }

    /// <summary>Gives back a segment whose slots have all been cleared; the caller no longer holds its lock.</summary>
    internal static void Return(MailboxSegment segment)
    {
        segment.Producer.Tail = 0;
        segment.Consumer.Head = 0;
        segment.Next = null;
        if (segment.Capacity != InitialCapacity)
        {
            ArrayPool<Envelope>.Shared.Return(segment.Items);
            return;
        }

        var cache = t_cache ??= new MailboxSegment?[ThreadCacheSize];
        for (int i = 0; i < cache.Length; i++)
        {
            if (cache[i] is null)
            {
                cache[i] = segment;
                return;
            }
        }

        if (Interlocked.Increment(ref s_sharedCount) <= MaxSharedPooled)
        {
            s_shared.Enqueue(segment);
        }
        else
        {
            Interlocked.Decrement(ref s_sharedCount);
        }
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

    /// <summary>The producers' fields, alone on their cache line.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 128)]
    internal struct ProducerSide
    {
        [FieldOffset(64)]
        internal int Lock;

        [FieldOffset(68)]
        internal int Tail;
    }

    /// <summary>The consumer's field, alone on its cache line.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 128)]
    internal struct ConsumerSide
    {
        [FieldOffset(64)]
        internal int Head;
    }
}
