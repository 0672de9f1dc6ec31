using System.Runtime.InteropServices;

namespace ActorWs.Protocol.Compression.Native;

/// <summary>
/// <see cref="LibraryImportAttribute"/> bindings to the .NET runtime's bundled
/// <c>libSystem.IO.Compression.Native.so</c> (zlib-ng inside). It does not export zlib's names: <c>nm -D</c>
/// shows only <c>CompressionNative_*</c> wrappers (DeflateInit2_, Deflate, DeflateEnd, InflateInit2_, Inflate,
/// InflateEnd, InflateReset2_), which take a <see cref="RuntimeZStream"/>, use zlib's default allocator and
/// offer no deflateReset. Used only when <c>libz.so.1</c> cannot be loaded.
/// </summary>
/// <remarks>Thread safety: as zlib: safe on distinct streams.</remarks>
internal static unsafe partial class RuntimeCompressionNative
{
    /// <summary>The library name, resolved by <see cref="ZlibLibrary"/> (framework directory).</summary>
    internal const string LibraryName = "libSystem.IO.Compression.Native";

    [LibraryImport(LibraryName, EntryPoint = "CompressionNative_DeflateInit2_")]
    internal static partial int DeflateInit2(RuntimeZStream* stream, int level, int method, int windowBits, int memoryLevel, int strategy);

    [LibraryImport(LibraryName, EntryPoint = "CompressionNative_Deflate")]
    internal static partial int Deflate(RuntimeZStream* stream, int flush);

    [LibraryImport(LibraryName, EntryPoint = "CompressionNative_DeflateEnd")]
    internal static partial int DeflateEnd(RuntimeZStream* stream);

    [LibraryImport(LibraryName, EntryPoint = "CompressionNative_InflateInit2_")]
    internal static partial int InflateInit2(RuntimeZStream* stream, int windowBits);

    [LibraryImport(LibraryName, EntryPoint = "CompressionNative_Inflate")]
    internal static partial int Inflate(RuntimeZStream* stream, int flush);

    [LibraryImport(LibraryName, EntryPoint = "CompressionNative_InflateReset2_")]
    internal static partial int InflateReset2(RuntimeZStream* stream, int windowBits);

    [LibraryImport(LibraryName, EntryPoint = "CompressionNative_InflateEnd")]
    internal static partial int InflateEnd(RuntimeZStream* stream);
}
