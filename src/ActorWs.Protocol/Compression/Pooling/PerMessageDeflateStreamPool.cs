using ActorWs.Protocol.Compression.Native;

namespace ActorWs.Protocol.Compression.Pooling;

/// <summary>
/// Keeps reset native DEFLATE streams for reuse, one stack per shape (deflate or inflate, level, window bits,
/// memLevel). Codecs without context takeover rent a stream for one message and give it back, so an idle
/// connection holds no native stream at all and the process holds only about as many streams as messages are
/// being compressed at the same moment (bounded by <see cref="MaxIdlePerShape"/> once they come back).
/// </summary>
/// <remarks>
/// Thread safety: all members are thread-safe (one short lock around the stacks; zlib work happens outside it).
/// A stream is reset before it is pooled, so a renter never sees another connection's history.
/// </remarks>
public sealed class PerMessageDeflateStreamPool : IDisposable
{
    /// <summary>Idle streams kept per shape when no other number is given: two per core, at least four.</summary>
    public static readonly int DefaultMaxIdlePerShape = Math.Max(4, 2 * Environment.ProcessorCount);

    private static readonly Lazy<PerMessageDeflateStreamPool> s_shared = new(() => new PerMessageDeflateStreamPool());

    private readonly Lock _gate = new();
    private readonly Dictionary<StreamShape, Stack<ZlibStreamHandle>> _idle = [];
    private int _idleCount;
    private int _rentedCount;
    private bool _disposed;

    /// <summary>Creates a pool.</summary>
    /// <param name="maxIdlePerShape">How many reset streams of one shape to keep; more are freed when returned. 0 keeps none.</param>
    /// <param name="backend">The native library for new streams; default <see cref="ZlibLibrary.DefaultBackend"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxIdlePerShape"/> is negative.</exception>
    /// <exception cref="DllNotFoundException">No native DEFLATE library can be loaded.</exception>
    public PerMessageDeflateStreamPool(int maxIdlePerShape = -1, ZlibBackend? backend = null)
    {
        if (maxIdlePerShape < -1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxIdlePerShape), maxIdlePerShape, "Must be 0 or more.");
        }

        MaxIdlePerShape = maxIdlePerShape == -1 ? DefaultMaxIdlePerShape : maxIdlePerShape;
        Backend = backend ?? ZlibLibrary.DefaultBackend;
        ZlibLibrary.EnsureAvailable(Backend);
    }

    /// <summary>The process-wide pool codecs use when none is given (default backend and size).</summary>
    public static PerMessageDeflateStreamPool Shared => s_shared.Value;

    /// <summary>The native library this pool's streams run on.</summary>
    public ZlibBackend Backend { get; }

    /// <summary>The most reset streams kept per shape.</summary>
    public int MaxIdlePerShape { get; }

    /// <summary>Streams waiting in the pool (reset, holding their allocations).</summary>
    public int IdleCount => Volatile.Read(ref _idleCount);

    /// <summary>Streams currently rented out to codecs (in a message, or held for context takeover).</summary>
    public int RentedCount => Volatile.Read(ref _rentedCount);

    /// <summary>Frees every idle stream (rented ones are unaffected).</summary>
    public void Trim()
    {
        List<ZlibStreamHandle> doomed = [];
        lock (_gate)
        {
            foreach (Stack<ZlibStreamHandle> stack in _idle.Values)
            {
                doomed.AddRange(stack);
                stack.Clear();
            }

            _idleCount = 0;
        }

        foreach (ZlibStreamHandle stream in doomed)
        {
            stream.Dispose();
        }
    }

    /// <summary>Frees idle streams; streams returned afterwards are freed instead of pooled.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
        }

        Trim();
    }

    internal ZlibStreamHandle RentDeflater(int level, int windowBits, int memoryLevel) =>
        Rent(new StreamShape(ZlibStreamKind.Deflate, level, windowBits, memoryLevel));

    internal ZlibStreamHandle RentInflater(int windowBits) =>
        Rent(new StreamShape(ZlibStreamKind.Inflate, 0, windowBits, 0));

    /// <summary>Takes back a rented stream: reset and kept, or freed when the shape's stack is full.</summary>
    internal void Return(ZlibStreamHandle stream)
    {
        Interlocked.Decrement(ref _rentedCount);
        if (MaxIdlePerShape > 0 && !stream.IsClosed)
        {
            try
            {
                stream.Reset();
            }
            catch (Exception exception) when (exception is InvalidOperationException or OutOfMemoryException or ArgumentException)
            {
                stream.Dispose();
                return;
            }

            var shape = new StreamShape(stream.Kind, stream.Level, stream.WindowBits, stream.MemoryLevel);
            lock (_gate)
            {
                if (!_disposed)
                {
                    if (!_idle.TryGetValue(shape, out Stack<ZlibStreamHandle>? stack))
                    {
                        stack = new Stack<ZlibStreamHandle>(MaxIdlePerShape);
                        _idle.Add(shape, stack);
                    }

                    if (stack.Count < MaxIdlePerShape)
                    {
                        stack.Push(stream);
                        _idleCount++;
                        return;
                    }
                }
            }
        }

        stream.Dispose();
    }

    /// <summary>Frees a rented stream whose state can no longer be trusted (a failed call).</summary>
    internal void Discard(ZlibStreamHandle stream)
    {
        Interlocked.Decrement(ref _rentedCount);
        stream.Dispose();
    }

    private ZlibStreamHandle Rent(StreamShape shape)
    {
        lock (_gate)
        {
            if (_idle.TryGetValue(shape, out Stack<ZlibStreamHandle>? stack) && stack.TryPop(out ZlibStreamHandle? pooled))
            {
                _idleCount--;
                Interlocked.Increment(ref _rentedCount);
                return pooled;
            }
        }

        ZlibStreamHandle created = shape.Kind == ZlibStreamKind.Deflate
            ? ZlibStreamHandle.CreateDeflater(Backend, shape.Level, shape.WindowBits, shape.MemoryLevel)
            : ZlibStreamHandle.CreateInflater(Backend, shape.WindowBits);
        Interlocked.Increment(ref _rentedCount);
        return created;
    }

    private readonly record struct StreamShape(ZlibStreamKind Kind, int Level, int WindowBits, int MemoryLevel);
}
