using System.Runtime.InteropServices;

namespace ActorWs.Protocol.Compression.Native;

/// <summary>
/// <see cref="LibraryImportAttribute"/> bindings to the machine's zlib (<c>libz.so.1</c>, the soname every
/// Linux distribution ships). Only the raw-deflate subset RFC 7692 needs.
/// </summary>
/// <remarks>Thread safety: zlib functions are safe on distinct streams; one stream is used by one thread at a time.</remarks>
internal static unsafe partial class SystemZlib
{
    /// <summary>The soname loaded through <see cref="ZlibLibrary"/>'s resolver.</summary>
    internal const string LibraryName = "libz.so.1";

    [LibraryImport(LibraryName, EntryPoint = "zlibVersion")]
    internal static partial byte* Version();

    [LibraryImport(LibraryName, EntryPoint = "deflateInit2_")]
    internal static partial int DeflateInit2(ZStream* stream, int level, int method, int windowBits, int memoryLevel, int strategy, byte* version, int streamSize);

    [LibraryImport(LibraryName, EntryPoint = "deflate")]
    internal static partial int Deflate(ZStream* stream, int flush);

    [LibraryImport(LibraryName, EntryPoint = "deflateReset")]
    internal static partial int DeflateReset(ZStream* stream);

    [LibraryImport(LibraryName, EntryPoint = "deflateEnd")]
    internal static partial int DeflateEnd(ZStream* stream);

    [LibraryImport(LibraryName, EntryPoint = "inflateInit2_")]
    internal static partial int InflateInit2(ZStream* stream, int windowBits, byte* version, int streamSize);

    [LibraryImport(LibraryName, EntryPoint = "inflate")]
    internal static partial int Inflate(ZStream* stream, int flush);

    [LibraryImport(LibraryName, EntryPoint = "inflateReset")]
    internal static partial int InflateReset(ZStream* stream);

    [LibraryImport(LibraryName, EntryPoint = "inflateEnd")]
    internal static partial int InflateEnd(ZStream* stream);
}
