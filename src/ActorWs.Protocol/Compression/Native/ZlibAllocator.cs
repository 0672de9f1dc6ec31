using System.Runtime.InteropServices;

namespace ActorWs.Protocol.Compression.Native;

/// <summary>
/// zalloc/zfree callbacks handed to the machine's zlib so that every byte a stream holds is counted
/// (<see cref="ZlibLibrary.TrackedNativeBytes"/>): this is how "native memory per idle connection" is measured
/// rather than estimated. Each block carries its size in a 16-byte prefix (keeping zlib's blocks 16-byte aligned).
/// </summary>
/// <remarks>Thread safety: the counter is updated with interlocked operations; the callbacks run on whichever thread calls zlib.</remarks>
internal static unsafe class ZlibAllocator
{
    private const int SizePrefix = 16;

    private static long s_bytes;

    /// <summary>Bytes currently allocated through these callbacks or <see cref="AllocateTracked"/>.</summary>
    internal static long Bytes => Volatile.Read(ref s_bytes);

    /// <summary>The zalloc function pointer for <see cref="ZStream.ZAlloc"/>.</summary>
    internal static void* AllocFunction => (delegate* unmanaged<void*, uint, uint, void*>)&Alloc;

    /// <summary>The zfree function pointer for <see cref="ZStream.ZFree"/>.</summary>
    internal static void* FreeFunction => (delegate* unmanaged<void*, void*, void>)&Free;

    /// <summary>Allocates a zeroed, counted block (used for the z_stream structs themselves).</summary>
    internal static void* AllocateTracked(nuint size)
    {
        byte* block = (byte*)NativeMemory.AllocZeroed(size + SizePrefix);
        *(nuint*)block = size;
        Interlocked.Add(ref s_bytes, (long)size);
        return block + SizePrefix;
    }

    /// <summary>Frees a block from <see cref="AllocateTracked"/> or <see cref="Alloc"/>.</summary>
    internal static void FreeTracked(void* address)
    {
        if (address == null)
        {
            return;
        }

        byte* block = (byte*)address - SizePrefix;
        Interlocked.Add(ref s_bytes, -(long)*(nuint*)block);
        NativeMemory.Free(block);
    }

    [UnmanagedCallersOnly]
    private static void* Alloc(void* opaque, uint items, uint size)
    {
        nuint bytes = (nuint)items * size;
        byte* block;
        try
        {
            block = (byte*)NativeMemory.Alloc(bytes + SizePrefix);
        }
        catch (OutOfMemoryException)
        {
            return null; // an exception must not cross into native code; zlib reports Z_MEM_ERROR instead
        }

        *(nuint*)block = bytes;
        Interlocked.Add(ref s_bytes, (long)bytes);
        return block + SizePrefix;
    }

    [UnmanagedCallersOnly]
    private static void Free(void* opaque, void* address) => FreeTracked(address);
}
