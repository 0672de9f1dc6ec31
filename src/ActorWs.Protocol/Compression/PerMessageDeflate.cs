using ActorWs.Protocol.Compression.Native;
using ActorWs.Protocol.Frames;

namespace ActorWs.Protocol.Compression;

/// <summary>Names, limits and defaults of the permessage-deflate extension (RFC 7692 §7).</summary>
/// <remarks>Thread safety: constants only.</remarks>
public static class PerMessageDeflate
{
    /// <summary>The extension token in <c>Sec-WebSocket-Extensions</c> (§7).</summary>
    public const string ExtensionName = "permessage-deflate";

    /// <summary>§7.1.1.1: the server does not keep its LZ77 window between messages.</summary>
    public const string ServerNoContextTakeover = "server_no_context_takeover";

    /// <summary>§7.1.1.2: the client does not keep its LZ77 window between messages.</summary>
    public const string ClientNoContextTakeover = "client_no_context_takeover";

    /// <summary>§7.1.2.1: the largest window the server compresses with (base-2 logarithm).</summary>
    public const string ServerMaxWindowBits = "server_max_window_bits";

    /// <summary>§7.1.2.2: the largest window the client compresses with (base-2 logarithm).</summary>
    public const string ClientMaxWindowBits = "client_max_window_bits";

    /// <summary>The smallest window-bits value an offer may carry (§7.1.2.1: 8–15).</summary>
    public const int MinWindowBits = ZlibConstants.MinInflateWindowBits;

    /// <summary>The largest window-bits value (32 KiB window), also the value assumed when the parameter is absent.</summary>
    public const int MaxWindowBits = ZlibConstants.MaxWindowBits;

    /// <summary>
    /// The smallest window this server compresses with. zlib cannot produce a raw stream with a 256-byte window
    /// (it silently uses 512), so offers that demand <c>server_max_window_bits=8</c> are declined (§7.1.2.1: a server
    /// declines an offer it does not support).
    /// </summary>
    public const int MinCompressorWindowBits = ZlibConstants.MinDeflateWindowBits;

    /// <summary>The smallest zlib memLevel (hash table and literal buffer of a few hundred bytes, weakest matching).</summary>
    public const int MinMemoryLevel = ZlibConstants.MinMemoryLevel;

    /// <summary>The largest zlib memLevel.</summary>
    public const int MaxMemoryLevel = ZlibConstants.MaxMemoryLevel;

    /// <summary>zlib's default memLevel.</summary>
    public const int DefaultMemoryLevel = 8;

    /// <summary>The smallest compression level: 0 stores (no compression, still valid DEFLATE).</summary>
    public const int MinCompressionLevel = ZlibConstants.MinCompressionLevel;

    /// <summary>The largest compression level.</summary>
    public const int MaxCompressionLevel = ZlibConstants.MaxCompressionLevel;

    /// <summary>zlib's default compression level, a good ratio for JSON at moderate cost.</summary>
    public const int DefaultCompressionLevel = 6;

    /// <summary>The default threshold: messages shorter than this are sent uncompressed (they rarely shrink).</summary>
    public const int DefaultThreshold = 128;

    /// <summary>
    /// The length of the empty stored block <c>00 00 ff ff</c> that a sync flush ends with: removed from every
    /// compressed message on sending (§7.2.1) and appended before inflating on receipt (§7.2.2).
    /// </summary>
    public const int TailLength = 4;

    /// <summary>
    /// Close code for a compressed message that does not inflate. RFC 7692 names no status code for this; the payload
    /// breaks no framing rule (that would be 1002) but its data is inconsistent with the message it claims to be,
    /// which is RFC 6455 §7.4.1's definition of 1007 (also what Node's <c>ws</c> sends).
    /// </summary>
    public const ushort InvalidCompressedDataCloseCode = WebSocketCloseCode.InvalidPayloadData;

    /// <summary>The §7.2.1/§7.2.2 tail: an empty, non-final stored block.</summary>
    public static ReadOnlySpan<byte> Tail => [0x00, 0x00, 0xFF, 0xFF];

    /// <summary>
    /// A whole compressed empty message: the stored block header of an empty block without its tail (§7.2.3.6).
    /// Used instead of calling zlib, which has nothing to flush after a previous message's sync flush.
    /// </summary>
    internal static ReadOnlySpan<byte> EmptyMessage => [0x00];
}
