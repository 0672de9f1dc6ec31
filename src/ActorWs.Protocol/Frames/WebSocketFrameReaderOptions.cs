namespace ActorWs.Protocol.Frames;

/// <summary>Which end of the connection an endpoint is; decides which frames must be masked (RFC 6455 §5.1).</summary>
/// <remarks>Thread safety: an enum; immutable.</remarks>
public enum WebSocketRole : byte
{
    /// <summary>The server: every frame it reads must be masked.</summary>
    Server = 0,

    /// <summary>The client: no frame it reads may be masked.</summary>
    Client = 1,
}

/// <summary>Settings for a <see cref="WebSocketFrameReader"/>.</summary>
/// <remarks>Thread safety: an immutable record; share one instance between any number of readers.</remarks>
public sealed record WebSocketFrameReaderOptions
{
    private readonly int _maxMessageSize = WebSocketFrameLimits.DefaultMaxMessageSize;

    /// <summary>Server-side reading, 16 MiB messages, no RSV1, messages reassembled.</summary>
    public static WebSocketFrameReaderOptions Default { get; } = new();

    /// <summary>The endpoint that owns the reader. Default <see cref="WebSocketRole.Server"/>.</summary>
    public WebSocketRole Role { get; init; } = WebSocketRole.Server;

    /// <summary>
    /// The largest message, in payload bytes summed over its fragments, that the reader accepts; a frame that would
    /// exceed it fails with 1009 as soon as its header arrives. Default 16 MiB; at most <see cref="Array.MaxLength"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or above <see cref="Array.MaxLength"/>.</exception>
    public int MaxMessageSize
    {
        get => _maxMessageSize;
        init => _maxMessageSize = ValidateMaxMessageSize(value);
    }

    /// <summary>
    /// Whether RSV1 may be set on the first frame of a data message (permessage-deflate, RFC 7692, negotiated).
    /// Default <see langword="false"/>: RSV1 is then a protocol error (1002).
    /// </summary>
    public bool AllowRsv1 { get; init; }

    /// <summary>
    /// <see langword="true"/> (default): deliver each data message once, whole (fragments joined in a pooled buffer;
    /// a single-frame message that is wholly in the input is delivered in place with no copy).
    /// <see langword="false"/>: deliver every payload piece as soon as it arrives, in place, with
    /// <see cref="WebSocketFrameEvent.IsEndOfMessage"/> marking the last one; no buffer is ever needed.
    /// </summary>
    public bool ReassembleMessages { get; init; } = true;

    internal static int ValidateMaxMessageSize(int value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value, Array.MaxLength);
        return value;
    }
}
