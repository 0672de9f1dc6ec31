using System.Buffers;

namespace ActorWs.Server.Buffers;

/// <summary>
/// The array pool of the server's message buffers: arrays up to <see cref="PooledLimit"/> come from (and go back to)
/// <see cref="ArrayPool{T}.Shared"/>; larger ones are allocated for the one message that needs them and dropped when it
/// is done, so the garbage collector (compacting after a peak, see <see cref="MemoryBudget.TryStartReclaim"/>) can give
/// them back to the system.
/// </summary>
/// <remarks>
/// Why: the shared pool keeps arrays up to 1 GiB per processor and only trims them after a full collection, which an
/// idle server never makes; one attack of 16 MiB partial messages left gigabytes in it for good. A message of more than
/// a mebibyte costs far more to receive than one allocation (made without zeroing), so not pooling them costs little.
/// Thread safety: as <see cref="ArrayPool{T}.Shared"/>.
/// </remarks>
internal sealed class LargeBufferPool : ArrayPool<byte>
{
    /// <summary>The largest array rented from the shared pool.</summary>
    public const int PooledLimit = 1024 * 1024;

    /// <summary>The one instance.</summary>
    public static LargeBufferPool Instance { get; } = new();

    private LargeBufferPool()
    {
    }

    /// <summary>
    /// Hands memory freed after a peak back to the system, on a pool thread (not the caller's): a blocking full collection
    /// that also compacts the large object heap once, where the large buffers lived. The shared array pool trims what it
    /// kept in the same collection (it trims on every full collection).
    /// </summary>
    /// <param name="log">Where the line saying so goes.</param>
    public static void GiveBackToSystem(Microsoft.Extensions.Logging.ILogger log)
    {
        MemoryLog.Reclaiming(log);
        ThreadPool.UnsafeQueueUserWorkItem(static _ =>
        {
            System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }, null);
    }

    /// <inheritdoc />
    public override byte[] Rent(int minimumLength) =>
        minimumLength <= PooledLimit ? Shared.Rent(minimumLength) : GC.AllocateUninitializedArray<byte>(minimumLength);

    /// <inheritdoc />
    public override void Return(byte[] array, bool clearArray = false)
    {
        // Arrays from the shared pool are at most PooledLimit long; a longer one was allocated here and is let go.
        if (array.Length <= PooledLimit) Shared.Return(array, clearArray);
    }
}
