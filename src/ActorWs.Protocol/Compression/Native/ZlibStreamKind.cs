namespace ActorWs.Protocol.Compression.Native;

/// <summary>Whether a native stream compresses or decompresses.</summary>
/// <remarks>Thread safety: an enum; immutable.</remarks>
internal enum ZlibStreamKind : byte
{
    Deflate = 0,
    Inflate = 1,
}

/// <summary>What one <c>deflate()</c>/<c>inflate()</c> call did.</summary>
/// <param name="Code">zlib's return code (<see cref="ZlibConstants"/>).</param>
/// <param name="Consumed">Input bytes consumed.</param>
/// <param name="Produced">Output bytes written.</param>
/// <remarks>Thread safety: an immutable value.</remarks>
internal readonly record struct ZlibStep(int Code, int Consumed, int Produced);
