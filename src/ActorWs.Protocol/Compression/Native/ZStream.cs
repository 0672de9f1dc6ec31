using System.Runtime.InteropServices;

namespace ActorWs.Protocol.Compression.Native;

/// <summary>
/// zlib's <c>z_stream</c> as laid out on 64-bit Linux (LP64: <c>uInt</c> is 4 bytes, <c>uLong</c> and
/// pointers are 8): 112 bytes, checked against <c>offsetof</c> from <c>zlib.h</c> 1.2.13. zlib keeps a
/// pointer to this struct inside its state, so instances live in native memory and never move.
/// </summary>
/// <remarks>Thread safety: plain data; owned by one <see cref="ZlibStreamHandle"/>.</remarks>
[StructLayout(LayoutKind.Explicit, Size = Size)]
internal unsafe struct ZStream
{
    /// <summary>sizeof(z_stream) on LP64, passed to the init functions, which refuse any other size.</summary>
    internal const int Size = 112;

    [FieldOffset(0)] public byte* NextIn;
    [FieldOffset(8)] public uint AvailIn;
    [FieldOffset(16)] public nuint TotalIn;
    [FieldOffset(24)] public byte* NextOut;
    [FieldOffset(32)] public uint AvailOut;
    [FieldOffset(40)] public nuint TotalOut;
    [FieldOffset(48)] public byte* Message;
    [FieldOffset(56)] public void* State;
    [FieldOffset(64)] public void* ZAlloc;
    [FieldOffset(72)] public void* ZFree;
    [FieldOffset(80)] public void* Opaque;
    [FieldOffset(88)] public int DataType;
    [FieldOffset(96)] public nuint Adler;
    [FieldOffset(104)] public nuint Reserved;
}

/// <summary>
/// The runtime's <c>PAL_ZStream</c> (<c>libSystem.IO.Compression.Native</c>): the wrapper keeps the real
/// z_stream behind <c>internalState</c> and exposes only the in/out cursors. 40 bytes on 64-bit.
/// </summary>
/// <remarks>Thread safety: plain data; owned by one <see cref="ZlibStreamHandle"/>.</remarks>
[StructLayout(LayoutKind.Explicit, Size = Size)]
internal unsafe struct RuntimeZStream
{
    /// <summary>sizeof(PAL_ZStream) on 64-bit.</summary>
    internal const int Size = 40;

    [FieldOffset(0)] public byte* NextIn;
    [FieldOffset(8)] public byte* NextOut;
    [FieldOffset(16)] public byte* Message;
    [FieldOffset(24)] public void* InternalState;
    [FieldOffset(32)] public uint AvailIn;
    [FieldOffset(36)] public uint AvailOut;
}
