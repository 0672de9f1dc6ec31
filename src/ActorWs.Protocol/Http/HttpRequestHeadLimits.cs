namespace ActorWs.Protocol.Http;

/// <summary>Bounds on a request head, protecting the server from oversized or header-flooding requests.</summary>
/// <remarks>Thread safety: an immutable record; share it freely.</remarks>
public sealed record HttpRequestHeadLimits
{
    /// <summary>The default largest request head, request line through the empty line: 8 KiB.</summary>
    public const int DefaultMaxHeadBytes = 8 * 1024;

    /// <summary>The default largest number of header field lines.</summary>
    public const int DefaultMaxHeaderFields = 100;

    private readonly int _maxHeadBytes = DefaultMaxHeadBytes;
    private readonly int _maxHeaderFields = DefaultMaxHeaderFields;

    /// <summary>The defaults: 8 KiB and 100 fields.</summary>
    public static HttpRequestHeadLimits Default { get; } = new();

    /// <summary>The largest head in bytes, counting every CRLF; a longer head fails with 431.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 16.</exception>
    public int MaxHeadBytes
    {
        get => _maxHeadBytes;
        init
        {
            // Below this not even "GET / HTTP/1.1\r\n\r\n" fits.
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 16);
            _maxHeadBytes = value;
        }
    }

    /// <summary>The largest number of header field lines; more fail with 431.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int MaxHeaderFields
    {
        get => _maxHeaderFields;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _maxHeaderFields = value;
        }
    }
}
