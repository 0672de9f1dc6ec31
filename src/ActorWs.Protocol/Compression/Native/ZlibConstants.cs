namespace ActorWs.Protocol.Compression.Native;

/// <summary>The zlib constants this binding uses, with the values of <c>zlib.h</c> (they are part of zlib's ABI).</summary>
/// <remarks>Thread safety: constants only.</remarks>
internal static class ZlibConstants
{
    // Return codes.
    internal const int Ok = 0;
    internal const int StreamEnd = 1;
    internal const int NeedDictionary = 2;
    internal const int StreamError = -2;
    internal const int DataError = -3;
    internal const int MemoryError = -4;
    internal const int BufferError = -5;
    internal const int VersionError = -6;

    // Flush values.
    internal const int NoFlush = 0;

    /// <summary>
    /// Ends the output on a byte boundary with an empty stored block (<c>00 00 ff ff</c>) and keeps the
    /// LZ77 window: exactly the message ending RFC 7692 §7.2.1 asks for (see also its §7.3 note on zlib).
    /// </summary>
    internal const int SyncFlush = 2;

    /// <summary>The only compression method: DEFLATE.</summary>
    internal const int Deflated = 8;

    /// <summary>Z_DEFAULT_STRATEGY.</summary>
    internal const int DefaultStrategy = 0;

    /// <summary>
    /// <c>inflate()</c> adds this to <c>data_type</c> when it stopped at a block boundary (waiting for the
    /// next block header). After the §7.2.2 tail has been inflated, a well-formed message is exactly there.
    /// </summary>
    internal const int DataTypeAtBlockBoundary = 128;

    /// <summary>The smallest window zlib's inflate accepts for raw streams (RFC 7692 allows 8).</summary>
    internal const int MinInflateWindowBits = 8;

    /// <summary>
    /// The smallest window zlib's deflate can produce a raw stream with: zlib 1.2.9+ refuses raw windowBits 8
    /// (it would silently need 9, which a peer limited to a 256-byte window could not decode).
    /// </summary>
    internal const int MinDeflateWindowBits = 9;

    /// <summary>The largest window: 32 KiB.</summary>
    internal const int MaxWindowBits = 15;

    /// <summary>Memory levels accepted by deflateInit2.</summary>
    internal const int MinMemoryLevel = 1;

    /// <summary>The largest memory level (zlib's MAX_MEM_LEVEL).</summary>
    internal const int MaxMemoryLevel = 9;

    /// <summary>Compression levels: 0 stores, 1 is fastest, 9 is smallest.</summary>
    internal const int MinCompressionLevel = 0;

    /// <summary>The slowest, smallest compression level.</summary>
    internal const int MaxCompressionLevel = 9;
}
