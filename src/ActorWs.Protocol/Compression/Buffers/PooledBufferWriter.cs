using System.Buffers;

namespace ActorWs.Protocol.Compression.Buffers;

/// <summary>
/// A growable byte buffer on <see cref="ArrayPool{T}"/>: the output of <see cref="PerMessageDeflateDecompressor"/>
/// for one message at a time. <see cref="Clear"/> keeps the array for the next message; <see cref="ReleaseBuffer"/>
/// returns it to the pool so an idle connection holds none.
/// </summary>
/// <remarks>Thread safety: not thread-safe; one owner at a time. Spans handed out are valid until the next growth, release or dispose.</remarks>
public sealed class PooledBufferWriter : IBufferWriter<byte>, IDisposable
{
    /// <summary>The smallest array rented.</summary>
    private const int MinimumCapacity = 256;

    private readonly ArrayPool<byte> _pool;
    private byte[] _buffer = [];
    private int _written;

    /// <summary>Creates an empty writer; nothing is rented until the first write.</summary>
    /// <param name="pool">The array pool; default <see cref="ArrayPool{T}.Shared"/>.</param>
    public PooledBufferWriter(ArrayPool<byte>? pool = null)
    {
        _pool = pool ?? ArrayPool<byte>.Shared;
    }

    /// <summary>The bytes written so far.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _written);

    /// <summary>The bytes written so far, as memory.</summary>
    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _written);

    /// <summary>How many bytes were written.</summary>
    public int WrittenCount => _written;

    /// <summary>The size of the rented array (0 when none is held).</summary>
    public int Capacity => _buffer.Length;

    /// <summary>Forgets the content and keeps the array.</summary>
    public void Clear() => _written = 0;

    /// <summary>Forgets the content and returns the array to the pool.</summary>
    public void ReleaseBuffer()
    {
        _written = 0;
        if (_buffer.Length > 0)
        {
            _pool.Return(_buffer);
            _buffer = [];
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative or beyond the space handed out.</exception>
    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _buffer.Length - _written);
        _written += count;
    }

    /// <inheritdoc />
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        EnsureRoom(sizeHint);
        return _buffer.AsMemory(_written);
    }

    /// <inheritdoc />
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        EnsureRoom(sizeHint);
        return _buffer.AsSpan(_written);
    }

    /// <summary>Returns the array to the pool.</summary>
    public void Dispose() => ReleaseBuffer();

    private void EnsureRoom(int sizeHint)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sizeHint);
        int needed = Math.Max(sizeHint, 1);
        if (_buffer.Length - _written >= needed)
        {
            return;
        }

        long wanted = Math.Max((long)_written + needed, Math.Max(MinimumCapacity, (long)_buffer.Length * 2));
        int capacity = (int)Math.Min(wanted, Array.MaxLength);
        if (capacity - _written < needed)
        {
            throw new OutOfMemoryException($"A buffer of {(long)_written + needed} bytes exceeds the largest array.");
        }

        byte[] grown = _pool.Rent(capacity);
        _buffer.AsSpan(0, _written).CopyTo(grown);
        if (_buffer.Length > 0)
        {
            _pool.Return(_buffer);
        }

        _buffer = grown;
    }
}
