using System.Collections.Concurrent;
using Akka.Actor;

namespace ActorWs.Server.Dispatch;

/// <summary>
/// A block of envelopes in a <see cref="LeanMessageQueue"/>: written front to back by producers, read front to
/// back by the consumer, and linked to a larger block when full. Blocks are pooled by size class.
/// </summary>
/// <remarks>
/// Thread-safety: an instance is touched only under its queue's lock. The pools are thread-safe; the first
/// size class also keeps a few blocks per thread, so a request/reply chain on one thread reuses its own.
/// A size class not rented from for a while gives half its pooled blocks back after each full garbage
/// collection, so a burst does not keep its memory for good.
/// </remarks>
internal sealed class MessageSegment
{
    /// <summary>Slots of the first block of a queue.</summary>
    internal const int InitialCapacity = 16;

    /// <summary>Largest block a growing queue links; deeper queues chain more of these.</summary>
    internal const int MaxCapacity = 1024;

    private const int GrowthFactor = 4;
    private const int ThreadCacheSize = 4;
    private const long TrimAfterIdleMilliseconds = 10_000;

    private static readonly int[] s_capacities = [16, 64, 256, 1024];
    private static readonly int[] s_maxPooled = [1024, 256, 128, 64];
    private static readonly ConcurrentQueue<MessageSegment>[] s_pools = [new(), new(), new(), new()];
    private static readonly int[] s_pooled = new int[4];
    private static readonly long[] s_lastRent = new long[4];

    [ThreadStatic]
    private static MessageSegment?[]? t_cache;

    private readonly Envelope[] _items;
    private readonly int _sizeClass;
    private int _read;
    private int _write;

    /// <summary>The block after this one, once this one is full.</summary>
    internal MessageSegment? Next;

    static MessageSegment() => PoolTrimmer.Start();

    private MessageSegment(int sizeClass)
    {
        _sizeClass = sizeClass;
        _items = new Envelope[s_capacities[sizeClass]];
    }

    internal int Capacity => _items.Length;

    internal bool IsFull => _write == _items.Length;

    /// <summary>Every envelope written was read.</summary>
    internal bool IsDrained => _read == _write;

    internal void Push(in Envelope envelope) => _items[_write++] = envelope;

    internal Envelope Take()
    {
        var envelope = _items[_read];
        _items[_read++] = default; // let the message go
        return envelope;
    }

    /// <summary>Blocks of <paramref name="capacity"/> slots kept for reuse (for tests).</summary>
    internal static int PooledCount(int capacity)
    {
        int sizeClass = Array.IndexOf(s_capacities, capacity);
        return sizeClass < 0 ? 0 : Volatile.Read(ref s_pooled[sizeClass]);
    }

    internal static MessageSegment RentInitial()
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

    /// <summary>The block to link after <paramref name="full"/>: the next size class (up to the largest).</summary>
    internal static MessageSegment RentLarger(MessageSegment full)
    {
        int sizeClass = Math.Min(full._sizeClass + 1, s_capacities.Length - 1);
        return RentClass(sizeClass);
    }

    /// <summary>Gives back a block whose envelopes were all taken (or were never written).</summary>
    internal static void Return(MessageSegment segment)
    {
        if (!segment.IsDrained) Array.Clear(segment._items, segment._read, segment._write - segment._read);
        segment._read = segment._write = 0;
        segment.Next = null;
        int sizeClass = segment._sizeClass;
        if (sizeClass == 0)
        {
            var cache = t_cache ??= new MessageSegment?[ThreadCacheSize];
            for (int i = 0; i < cache.Length; i++)
            {
                if (cache[i] is null)
                {
                    cache[i] = segment;
                    return;
                }
            }
        }
        if (Interlocked.Increment(ref s_pooled[sizeClass]) <= s_maxPooled[sizeClass]) s_pools[sizeClass].Enqueue(segment);
        else Interlocked.Decrement(ref s_pooled[sizeClass]);
    }

    private static MessageSegment RentClass(int sizeClass)
    {
        // The clock ticks every few milliseconds, so this shared write is rare even under load.
        long now = Environment.TickCount64;
        if (Volatile.Read(ref s_lastRent[sizeClass]) != now) Volatile.Write(ref s_lastRent[sizeClass], now);
        if (s_pools[sizeClass].TryDequeue(out var pooled))
        {
            Interlocked.Decrement(ref s_pooled[sizeClass]);
            return pooled;
        }
        return new MessageSegment(sizeClass);
    }

    /// <summary>After a full collection: a size class idle for a while gives back half its pooled blocks.</summary>
    internal static void Trim()
    {
        long now = Environment.TickCount64;
        for (int sizeClass = 0; sizeClass < s_pools.Length; sizeClass++)
        {
            if (now - Volatile.Read(ref s_lastRent[sizeClass]) < TrimAfterIdleMilliseconds) continue;
            int floor = sizeClass == 0 ? 64 : 0;
            int surplus = Volatile.Read(ref s_pooled[sizeClass]) - floor;
            for (int i = 0; i < (surplus + 1) / 2 && s_pools[sizeClass].TryDequeue(out _); i++)
                Interlocked.Decrement(ref s_pooled[sizeClass]);
        }
    }

    /// <summary>
    /// Calls <see cref="Trim"/> after every full (generation 2) collection: an unreachable object that
    /// re-registers itself in its finalizer is finalized again after each collection of its generation.
    /// </summary>
    private sealed class PoolTrimmer
    {
        ~PoolTrimmer()
        {
            if (Environment.HasShutdownStarted) return;
            Trim();
            GC.ReRegisterForFinalize(this);
        }

        internal static void Start() => _ = new PoolTrimmer();
    }
}
