using System.Reflection;
using System.Runtime.InteropServices;

namespace ActorWs.Protocol.Compression.Native;

/// <summary>
/// Finds the native DEFLATE library and reports on it. The machine's zlib (<c>libz.so.1</c>) is preferred:
/// it has the whole API (deflateReset keeps a pooled stream's memory, memLevel shrinks the hash table) and
/// accepts our allocator, which makes native memory per connection measurable. When it cannot be loaded, the
/// runtime's own <c>libSystem.IO.Compression.Native.so</c> from the shared-framework directory is used
/// through its <c>CompressionNative_*</c> exports.
/// </summary>
/// <remarks>Thread safety: all members are safe from any thread; detection runs once.</remarks>
public static unsafe class ZlibLibrary
{
    private const string RuntimeLibraryFile = "libSystem.IO.Compression.Native.so";

    private static readonly Lazy<bool> s_systemZlibLoads = new(() => TryLoadSystemZlib(out _));
    private static readonly Lazy<bool> s_runtimeLibraryLoads = new(() => TryLoadRuntimeLibrary(out _));
    private static readonly Lazy<string?> s_systemZlibVersion = new(ReadSystemZlibVersion);
    private static byte* s_versionForInit;

    static ZlibLibrary()
    {
        // LibraryImport resolves through this resolver the first time a binding is called.
        NativeLibrary.SetDllImportResolver(typeof(ZlibLibrary).Assembly, Resolve);
    }

    /// <summary>The backend new streams use: <see cref="ZlibBackend.SystemZlib"/> when <c>libz.so.1</c> loads, else the runtime's library.</summary>
    /// <exception cref="DllNotFoundException">Neither library can be loaded.</exception>
    public static ZlibBackend DefaultBackend =>
        IsAvailable(ZlibBackend.SystemZlib) ? ZlibBackend.SystemZlib
        : IsAvailable(ZlibBackend.RuntimeCompressionNative) ? ZlibBackend.RuntimeCompressionNative
        : throw new DllNotFoundException($"Neither {SystemZlib.LibraryName} nor {RuntimeLibraryFile} could be loaded.");

    /// <summary>The version string of the machine's zlib (e.g. <c>1.2.13</c>), or null when it is not available.</summary>
    public static string? SystemZlibVersion => s_systemZlibVersion.Value;

    /// <summary>
    /// Native bytes currently held by all <see cref="ZlibBackend.SystemZlib"/> streams (zlib's own state, windows
    /// and hash tables) plus the z_stream structs of both backends; zlib-ng's internals in the runtime backend
    /// are not visible. Process-wide; an idle connection with no context takeover adds nothing to it.
    /// </summary>
    public static long TrackedNativeBytes => ZlibAllocator.Bytes;

    /// <summary>Whether <paramref name="backend"/> can be loaded on this machine.</summary>
    /// <param name="backend">The library to check.</param>
    /// <returns><see langword="true"/> when its exports were found.</returns>
    public static bool IsAvailable(ZlibBackend backend) => backend switch
    {
        ZlibBackend.SystemZlib => s_systemZlibLoads.Value,
        ZlibBackend.RuntimeCompressionNative => s_runtimeLibraryLoads.Value,
        _ => false,
    };

    /// <summary>Makes sure the resolver is installed and <paramref name="backend"/> loads.</summary>
    /// <exception cref="DllNotFoundException">The library cannot be loaded.</exception>
    internal static void EnsureAvailable(ZlibBackend backend)
    {
        if (!IsAvailable(backend))
        {
            throw new DllNotFoundException($"The {backend} DEFLATE library cannot be loaded on this machine.");
        }
    }

    /// <summary>zlib's version string, passed to the init functions (zlib checks its first character).</summary>
    internal static byte* VersionForInit
    {
        get
        {
            if (s_versionForInit == null)
            {
                s_versionForInit = SystemZlib.Version();
            }

            return s_versionForInit;
        }
    }

    private static string? ReadSystemZlibVersion() =>
        IsAvailable(ZlibBackend.SystemZlib) ? Marshal.PtrToStringUTF8((nint)SystemZlib.Version()) : null;

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName == SystemZlib.LibraryName)
        {
            return TryLoadSystemZlib(out nint handle) ? handle : 0;
        }

        if (libraryName == RuntimeCompressionNative.LibraryName)
        {
            return TryLoadRuntimeLibrary(out nint handle) ? handle : 0;
        }

        return 0; // not ours: default probing
    }

    private static bool TryLoadSystemZlib(out nint handle)
    {
        // A bare soname goes through the dynamic loader's normal search (ld.so.cache, LD_LIBRARY_PATH).
        if (NativeLibrary.TryLoad(SystemZlib.LibraryName, out handle) && HasExports(handle, "deflateInit2_", "deflateReset", "inflateInit2_", "inflateReset", "zlibVersion"))
        {
            return true;
        }

        handle = 0;
        return false;
    }

    private static bool TryLoadRuntimeLibrary(out nint handle)
    {
        // The runtime's copy sits next to System.Private.CoreLib in the shared-framework directory.
        string path = Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), RuntimeLibraryFile);
        if ((NativeLibrary.TryLoad(path, out handle) || NativeLibrary.TryLoad(RuntimeCompressionNative.LibraryName, typeof(ZlibLibrary).Assembly, null, out handle))
            && HasExports(handle, "CompressionNative_DeflateInit2_", "CompressionNative_InflateReset2_"))
        {
            return true;
        }

        handle = 0;
        return false;
    }

    private static bool HasExports(nint handle, params ReadOnlySpan<string> names)
    {
        foreach (string name in names)
        {
            if (!NativeLibrary.TryGetExport(handle, name, out _))
            {
                return false;
            }
        }

        return true;
    }
}
