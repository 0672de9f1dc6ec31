namespace ActorWs.Protocol.Compression.Negotiation;

/// <summary>
/// A server's permessage-deflate policy, per route: whether to accept it, how hard to compress, which messages to
/// skip, and the memory limits (window bits, memLevel, context takeover) it will agree to.
/// </summary>
/// <remarks>
/// The defaults keep an idle connection at zero native bytes: no context takeover in either direction, so zlib
/// streams are rented from a shared pool only while a message is being compressed or inflated.
/// Thread safety: an immutable record; share one instance between all connections of a route.
/// </remarks>
public sealed record PerMessageDeflateSettings
{
    private readonly int _compressionLevel = PerMessageDeflate.DefaultCompressionLevel;
    private readonly int _threshold = PerMessageDeflate.DefaultThreshold;
    private readonly int _serverMaxWindowBits = PerMessageDeflate.MaxWindowBits;
    private readonly int _clientMaxWindowBits = PerMessageDeflate.MaxWindowBits;
    private readonly int _memoryLevel = PerMessageDeflate.DefaultMemoryLevel;
    private readonly PerMessageDeflateContextTakeover _contextTakeover = PerMessageDeflateContextTakeover.None;

    /// <summary>Enabled with every default.</summary>
    public static PerMessageDeflateSettings Default { get; } = new();

    /// <summary>Compression switched off: every offer is declined.</summary>
    public static PerMessageDeflateSettings Disabled { get; } = new() { Enabled = false };

    /// <summary>Whether offers are accepted at all. Default <see langword="true"/>.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>zlib compression level, 0 (store) to 9 (smallest). Default 6.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside 0–9.</exception>
    public int CompressionLevel
    {
        get => _compressionLevel;
        init => _compressionLevel = InRange(value, PerMessageDeflate.MinCompressionLevel, PerMessageDeflate.MaxCompressionLevel);
    }

    /// <summary>Messages shorter than this many bytes are sent uncompressed (RSV1 clear). Default 128.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative.</exception>
    public int Threshold
    {
        get => _threshold;
        init => _threshold = InRange(value, 0, int.MaxValue);
    }

    /// <summary>
    /// The largest window our compressor uses (9–15; 8 cannot be produced by zlib). A smaller offer from the client
    /// lowers it further. Only matters for memory with server context takeover. Default 15.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside 9–15.</exception>
    public int ServerMaxWindowBits
    {
        get => _serverMaxWindowBits;
        init => _serverMaxWindowBits = InRange(value, PerMessageDeflate.MinCompressorWindowBits, PerMessageDeflate.MaxWindowBits);
    }

    /// <summary>
    /// The largest window we let the client compress with (8–15), sent as <c>client_max_window_bits</c> when the
    /// client's offer includes that parameter (the RFC forbids sending it otherwise). Default 15.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside 8–15.</exception>
    public int ClientMaxWindowBits
    {
        get => _clientMaxWindowBits;
        init => _clientMaxWindowBits = InRange(value, PerMessageDeflate.MinWindowBits, PerMessageDeflate.MaxWindowBits);
    }

    /// <summary>zlib memLevel for our compressor, 1–9 (hash table 2^(m+8) bytes, literal buffer 2^(m+8) bytes). Default 8.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside 1–9.</exception>
    public int MemoryLevel
    {
        get => _memoryLevel;
        init => _memoryLevel = InRange(value, PerMessageDeflate.MinMemoryLevel, PerMessageDeflate.MaxMemoryLevel);
    }

    /// <summary>Which directions may keep their window between messages. Default <see cref="PerMessageDeflateContextTakeover.None"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a combination of the defined flags.</exception>
    public PerMessageDeflateContextTakeover ContextTakeover
    {
        get => _contextTakeover;
        init => _contextTakeover = (value & ~PerMessageDeflateContextTakeover.Both) == 0
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "Use None, Server, Client or Both.");
    }

    private static int InRange(int value, int min, int max, [System.Runtime.CompilerServices.CallerMemberName] string? name = null)
    {
        if (value < min || value > max)
        {
            throw new ArgumentOutOfRangeException(name, value, $"Must be between {min} and {max}.");
        }

        return value;
    }
}
