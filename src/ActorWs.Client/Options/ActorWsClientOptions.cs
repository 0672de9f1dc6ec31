using System.Net.WebSockets;
using ActorWs.Client.Connection;
using ActorWs.Client.Resume;

namespace ActorWs.Client.Options;

/// <summary>How an <see cref="ActorWsClient"/> behaves; every value has a default fit for a browser-like client.</summary>
/// <remarks>Immutable once built (init-only); safe to share between clients.</remarks>
public sealed record ActorWsClientOptions
{
    /// <summary>Default <see cref="RequestTimeout"/>.</summary>
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Default <see cref="ConnectTimeout"/>.</summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Default <see cref="HeartbeatInterval"/>.</summary>
    public static readonly TimeSpan DefaultHeartbeatInterval = TimeSpan.FromSeconds(15);

    /// <summary>Default <see cref="HeartbeatTimeout"/>: two missed heartbeats.</summary>
    public static readonly TimeSpan DefaultHeartbeatTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Default <see cref="AckInterval"/>.</summary>
    public static readonly TimeSpan DefaultAckInterval = TimeSpan.FromSeconds(5);

    /// <summary>Default <see cref="EventCapacity"/>.</summary>
    public const int DefaultEventCapacity = 10_000;

    /// <summary>Default <see cref="MaxMessageSize"/>: the server's own default limit.</summary>
    public const int DefaultMaxMessageSize = 16 * 1024 * 1024;

    /// <summary>The close codes after which the client does not reconnect: the server ended the session (1000) or closed it for a fault of the client's own that reconnecting would repeat.</summary>
    public static readonly IReadOnlySet<int> DefaultFinalCloseCodes = new HashSet<int> { 1000, 1002, 1003, 1007, 1008, 1009, 1010 };

    /// <summary>The clock for timeouts, heartbeats, acks and backoff (inject a fake one in tests).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>How long a request waits for its reply, counted from the call (time spent waiting for the connection included).</summary>
    public TimeSpan RequestTimeout { get; init; } = DefaultRequestTimeout;

    /// <summary>How long opening one connection (TCP and WebSocket handshake) may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = DefaultConnectTimeout;

    /// <summary>How often a <c>ping</c> goes out while open; <see cref="TimeSpan.Zero"/> turns heartbeats (and dead-connection detection) off.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = DefaultHeartbeatInterval;

    /// <summary>With nothing received from the server for this long, the connection is taken as dead and dropped.</summary>
    public TimeSpan HeartbeatTimeout { get; init; } = DefaultHeartbeatTimeout;

    /// <summary>How often the client tells the server (<c>ack</c>) how far it has processed; <see cref="TimeSpan.Zero"/> for never.</summary>
    public TimeSpan AckInterval { get; init; } = DefaultAckInterval;

    /// <summary>Whether a dropped connection is reopened (see <see cref="Reconnect"/>).</summary>
    public bool AutoReconnect { get; init; } = true;

    /// <summary>Backoff and attempts for reconnection.</summary>
    public ReconnectPolicy Reconnect { get; init; } = new();

    /// <summary>Close codes from the server after which the client closes instead of reconnecting.</summary>
    public IReadOnlySet<int> FinalCloseCodes { get; init; } = DefaultFinalCloseCodes;

    /// <summary>A resume token kept from an earlier run (e.g. a bot that restarted): the first connection asks to resume it.</summary>
    public string? ResumeToken { get; init; }

    /// <summary>With <see cref="ResumeToken"/>: the last sequence number processed in that session.</summary>
    public long ResumeLastSeq { get; init; }

    /// <summary>
    /// With <see cref="ResumeToken"/>, when that session was on a cluster node: its room positions, as
    /// <see cref="ActorWsClient.Positions"/> gave them. They let another node resume the session should the first one
    /// be gone; null or empty for none (a server that is not a cluster node needs none).
    /// </summary>
    public IReadOnlyList<RoomPosition>? ResumePositions { get; init; }

    /// <summary>
    /// Other URLs of the same service (e.g. the other nodes of a cluster), tried in turn when a connection cannot be
    /// made: <see cref="ActorWsClient.ConnectAsync"/> tries the client's own URL and then each of these once, in order,
    /// until one opens; while reconnecting, every failed attempt moves on to the next URL (after the last comes the
    /// client's own again), and each attempt still waits as <see cref="Reconnect"/> says. The first attempt after a
    /// connection drops goes to the URL that was open. A session resumed on another URL keeps its resume token,
    /// sequence and (from a cluster node) room positions, so a node of the same cluster can take it over. Each must be an
    /// absolute <c>ws://</c> or <c>wss://</c> URL; null or empty for none (the client only ever uses its own URL).
    /// </summary>
    public IReadOnlyList<Uri>? FailoverUris { get; init; }

    /// <summary>Events buffered for the reader of <see cref="ActorWsClient.Events"/>; when full, the oldest is dropped (and counted in <see cref="ActorWsClient.DroppedEvents"/>).</summary>
    public int EventCapacity { get; init; } = DefaultEventCapacity;

    /// <summary>Largest message accepted from the server; a bigger one drops the connection with 1009.</summary>
    public int MaxMessageSize { get; init; } = DefaultMaxMessageSize;

    /// <summary>The source of jitter: uniformly random numbers in [0, 1). Defaults to <see cref="Random.Shared"/>.</summary>
    public Func<double>? Random { get; init; }

    /// <summary>Adjusts each <see cref="ClientWebSocket"/> before it connects (headers, subprotocols, compression, proxy).</summary>
    public Action<ClientWebSocketOptions>? ConfigureWebSocket { get; init; }

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(TimeProvider);
        ArgumentNullException.ThrowIfNull(Reconnect);
        ArgumentNullException.ThrowIfNull(FinalCloseCodes);
        if (RequestTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(RequestTimeout), RequestTimeout, "The request timeout must be positive.");
        if (ConnectTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(ConnectTimeout), ConnectTimeout, "The connect timeout must be positive.");
        if (HeartbeatInterval < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(HeartbeatInterval), HeartbeatInterval, "The heartbeat interval must not be negative.");
        if (HeartbeatInterval > TimeSpan.Zero && HeartbeatTimeout < HeartbeatInterval)
            throw new ArgumentOutOfRangeException(nameof(HeartbeatTimeout), HeartbeatTimeout, "The heartbeat timeout must be at least the heartbeat interval.");
        if (AckInterval < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(AckInterval), AckInterval, "The ack interval must not be negative.");
        if (EventCapacity < 1) throw new ArgumentOutOfRangeException(nameof(EventCapacity), EventCapacity, "The event capacity must be at least 1.");
        if (MaxMessageSize < 1024) throw new ArgumentOutOfRangeException(nameof(MaxMessageSize), MaxMessageSize, "The message size limit must be at least 1024 bytes.");
        if (ResumeLastSeq < 0) throw new ArgumentOutOfRangeException(nameof(ResumeLastSeq), ResumeLastSeq, "A sequence number is never negative.");
        if (ResumeToken is { Length: 0 }) throw new ArgumentException("The resume token must not be empty (use null for none).", nameof(ResumeToken));
        foreach (var position in ResumePositions ?? [])
        {
            if (position is null || string.IsNullOrEmpty(position.Room) || string.IsNullOrEmpty(position.Type) || position.Type.Contains(':') || position.Rseq < 0)
                throw new ArgumentException("Each resume position needs a room, a type without ':' and a position number >= 0.", nameof(ResumePositions));
        }
        foreach (var uri in FailoverUris ?? [])
        {
            if (uri is null || !uri.IsAbsoluteUri || uri.Scheme is not ("ws" or "wss"))
                throw new ArgumentException($"Each failover URL must be an absolute ws:// or wss:// URL, got \"{uri}\".", nameof(FailoverUris));
        }
        Reconnect.Validate();
    }
}
