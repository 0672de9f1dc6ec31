namespace ActorWs.Protocol.Compression.Native;

/// <summary>Which native DEFLATE library a stream runs on.</summary>
/// <remarks>Thread safety: an enum; immutable.</remarks>
public enum ZlibBackend : byte
{
    /// <summary>
    /// The machine's zlib, <c>libz.so.1</c>: full API (deflateReset, memLevel honoured), our own allocator so
    /// every byte it holds is counted in <see cref="ZlibLibrary.TrackedNativeBytes"/>. Preferred.
    /// </summary>
    SystemZlib = 0,

    /// <summary>
    /// The runtime's bundled <c>libSystem.IO.Compression.Native.so</c> (zlib-ng behind <c>CompressionNative_*</c>
    /// wrappers): no deflateReset (a reset is end + init), allocations not observable, and zlib-ng sizes its hash
    /// table without regard to memLevel. The fallback when <c>libz.so.1</c> is missing.
    /// </summary>
    RuntimeCompressionNative = 1,
}
