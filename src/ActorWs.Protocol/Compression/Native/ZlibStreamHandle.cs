using System.Runtime.InteropServices;

namespace ActorWs.Protocol.Compression.Native;

/// <summary>
/// One native raw-DEFLATE stream (a z_stream plus the state zlib allocates behind it), owned through a
/// <see cref="SafeHandle"/>: <c>deflateEnd</c>/<c>inflateEnd</c> and the struct's memory are released exactly once,
/// by <see cref="SafeHandle.Dispose()"/> or, for a stream that was leaked, by the finalizer.
/// </summary>
/// <remarks>
/// The handle value is the address of the z_stream struct, allocated in native memory because zlib stores a
/// pointer to it in its state (a managed object could move). Thread safety: not thread-safe; one owner (a codec
/// or <see cref="Pooling.PerMessageDeflateStreamPool"/>) uses it from one thread at a time.
/// </remarks>
internal sealed unsafe class ZlibStreamHandle : SafeHandle
{
    private ZlibStreamHandle(ZlibBackend backend, ZlibStreamKind kind, int level, int windowBits, int memoryLevel)
        : base(0, ownsHandle: true)
    {
        Backend = backend;
        Kind = kind;
        Level = level;
        WindowBits = windowBits;
        MemoryLevel = memoryLevel;
    }

    /// <summary>The library this stream runs on.</summary>
    public ZlibBackend Backend { get; }

    /// <summary>Deflate or inflate.</summary>
    public ZlibStreamKind Kind { get; }

    /// <summary>Compression level (deflate only).</summary>
    public int Level { get; }

    /// <summary>Base-2 logarithm of the LZ77 window (positive; the stream itself is raw).</summary>
    public int WindowBits { get; }

    /// <summary>zlib memLevel (deflate only).</summary>
    public int MemoryLevel { get; }

    /// <inheritdoc />
    public override bool IsInvalid => handle == 0;

    /// <summary>
    /// zlib's <c>data_type</c> after the last call (system zlib only; -1 for the runtime backend, which does not
    /// expose it). See <see cref="ZlibConstants.DataTypeAtBlockBoundary"/>.
    /// </summary>
    public int DataType => Backend == ZlibBackend.SystemZlib ? ((ZStream*)handle)->DataType : -1;

    /// <summary>Creates a raw deflate stream.</summary>
    /// <exception cref="DllNotFoundException">The backend cannot be loaded.</exception>
    /// <exception cref="OutOfMemoryException">zlib could not allocate its state.</exception>
    public static ZlibStreamHandle CreateDeflater(ZlibBackend backend, int level, int windowBits, int memoryLevel)
    {
        ZlibLibrary.EnsureAvailable(backend);
        var stream = new ZlibStreamHandle(backend, ZlibStreamKind.Deflate, level, windowBits, memoryLevel);
        stream.AllocateStruct();
        stream.ThrowOnInitFailure(stream.InitDeflate());
        return stream;
    }

    /// <summary>Creates a raw inflate stream.</summary>
    /// <exception cref="DllNotFoundException">The backend cannot be loaded.</exception>
    /// <exception cref="OutOfMemoryException">zlib could not allocate its state.</exception>
    public static ZlibStreamHandle CreateInflater(ZlibBackend backend, int windowBits)
    {
        ZlibLibrary.EnsureAvailable(backend);
        var stream = new ZlibStreamHandle(backend, ZlibStreamKind.Inflate, level: 0, windowBits, memoryLevel: 0);
        stream.AllocateStruct();
        stream.ThrowOnInitFailure(stream.InitInflate());
        return stream;
    }

    /// <summary>Runs <c>deflate()</c> or <c>inflate()</c> once over the given buffers.</summary>
    /// <param name="input">Bytes to consume (must stay pinned for the call only: zlib copies what it keeps).</param>
    /// <param name="output">Space for output.</param>
    /// <param name="flush">zlib flush value.</param>
    /// <returns>The return code and how much was consumed and produced.</returns>
    public ZlibStep Run(ReadOnlySpan<byte> input, Span<byte> output, int flush)
    {
        fixed (byte* inputPointer = input)
        fixed (byte* outputPointer = output)
        {
            if (Backend == ZlibBackend.SystemZlib)
            {
                var stream = (ZStream*)handle;
                stream->NextIn = inputPointer;
                stream->AvailIn = (uint)input.Length;
                stream->NextOut = outputPointer;
                stream->AvailOut = (uint)output.Length;
                int code = Kind == ZlibStreamKind.Deflate ? SystemZlib.Deflate(stream, flush) : SystemZlib.Inflate(stream, flush);
                var step = new ZlibStep(code, input.Length - (int)stream->AvailIn, output.Length - (int)stream->AvailOut);
                stream->NextIn = null; // no dangling pointers into unpinned memory
                stream->NextOut = null;
                return step;
            }
            else
            {
                var stream = (RuntimeZStream*)handle;
                stream->NextIn = inputPointer;
                stream->AvailIn = (uint)input.Length;
                stream->NextOut = outputPointer;
                stream->AvailOut = (uint)output.Length;
                int code = Kind == ZlibStreamKind.Deflate ? RuntimeCompressionNative.Deflate(stream, flush) : RuntimeCompressionNative.Inflate(stream, flush);
                var step = new ZlibStep(code, input.Length - (int)stream->AvailIn, output.Length - (int)stream->AvailOut);
                stream->NextIn = null;
                stream->NextOut = null;
                return step;
            }
        }
    }

    /// <summary>
    /// Forgets all history (the LZ77 window) but keeps the allocated state, so the stream can be pooled:
    /// <c>deflateReset</c>/<c>inflateReset</c>. The runtime backend has no deflateReset, so its deflate
    /// streams are ended and initialised again.
    /// </summary>
    /// <exception cref="OutOfMemoryException">Re-initialising (runtime backend) failed.</exception>
    public void Reset()
    {
        int code;
        if (Backend == ZlibBackend.SystemZlib)
        {
            var stream = (ZStream*)handle;
            code = Kind == ZlibStreamKind.Deflate ? SystemZlib.DeflateReset(stream) : SystemZlib.InflateReset(stream);
        }
        else if (Kind == ZlibStreamKind.Inflate)
        {
            code = RuntimeCompressionNative.InflateReset2((RuntimeZStream*)handle, -WindowBits);
        }
        else
        {
            RuntimeCompressionNative.DeflateEnd((RuntimeZStream*)handle);
            code = InitDeflate();
        }

        if (code != ZlibConstants.Ok)
        {
            throw new InvalidOperationException($"zlib could not reset a {Kind} stream (code {code}).");
        }
    }

    /// <inheritdoc />
    protected override bool ReleaseHandle()
    {
        if (Backend == ZlibBackend.SystemZlib)
        {
            var stream = (ZStream*)handle;
            if (stream->State != null)
            {
                _ = Kind == ZlibStreamKind.Deflate ? SystemZlib.DeflateEnd(stream) : SystemZlib.InflateEnd(stream);
            }
        }
        else
        {
            var stream = (RuntimeZStream*)handle;
            if (stream->InternalState != null)
            {
                _ = Kind == ZlibStreamKind.Deflate ? RuntimeCompressionNative.DeflateEnd(stream) : RuntimeCompressionNative.InflateEnd(stream);
            }
        }

        ZlibAllocator.FreeTracked((void*)handle);
        handle = 0;
        return true;
    }

    private void AllocateStruct()
    {
        int size = Backend == ZlibBackend.SystemZlib ? ZStream.Size : RuntimeZStream.Size;
        SetHandle((nint)ZlibAllocator.AllocateTracked((nuint)size));
        if (Backend == ZlibBackend.SystemZlib)
        {
            var stream = (ZStream*)handle;
            stream->ZAlloc = ZlibAllocator.AllocFunction;
            stream->ZFree = ZlibAllocator.FreeFunction;
        }
    }

    private int InitDeflate()
    {
        // Negative window bits select a raw stream: no zlib header or checksum (RFC 7692 §7.2.1 wants bare DEFLATE).
        return Backend == ZlibBackend.SystemZlib
            ? SystemZlib.DeflateInit2((ZStream*)handle, Level, ZlibConstants.Deflated, -WindowBits, MemoryLevel, ZlibConstants.DefaultStrategy, ZlibLibrary.VersionForInit, ZStream.Size)
            : RuntimeCompressionNative.DeflateInit2((RuntimeZStream*)handle, Level, ZlibConstants.Deflated, -WindowBits, MemoryLevel, ZlibConstants.DefaultStrategy);
    }

    private int InitInflate()
    {
        return Backend == ZlibBackend.SystemZlib
            ? SystemZlib.InflateInit2((ZStream*)handle, -WindowBits, ZlibLibrary.VersionForInit, ZStream.Size)
            : RuntimeCompressionNative.InflateInit2((RuntimeZStream*)handle, -WindowBits);
    }

    private void ThrowOnInitFailure(int code)
    {
        if (code == ZlibConstants.Ok)
        {
            return;
        }

        Dispose(); // frees the struct; End is skipped because no state was created
        throw code == ZlibConstants.MemoryError
            ? new OutOfMemoryException($"zlib could not allocate a {Kind} stream.")
            : new ArgumentException($"zlib refused the {Kind} parameters (level {Level}, window bits {WindowBits}, memLevel {MemoryLevel}); code {code}.");
    }
}
