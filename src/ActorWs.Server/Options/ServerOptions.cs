using ActorWs.Protocol.Compression.Negotiation;

namespace ActorWs.Server.Options;

/// <summary>Which socket layer carries the bytes.</summary>
public enum TransportKind
{
    /// <summary>epoll on Linux, portable sockets elsewhere.</summary>
    Auto,
    /// <summary>Linux epoll: one thread waits for all sockets; no per-connection socket machinery (Linux only).</summary>
    Epoll,
    /// <summary>.NET sockets through streams: every platform.</summary>
    Sockets,
}

/// <summary>What happens when a client reads slower than the server writes to it.</summary>
public enum SlowConsumerPolicy
{
    /// <summary>Close the connection with 1008 (policy violation) once its outbound queue passes the cap.</summary>
    Close,
    /// <summary>Drop messages that would push the outbound queue past the cap; the connection stays.</summary>
    Drop,
}

/// <summary>
/// Everything the server can be told; each property is a key under <c>server</c> in <c>hocon.conf</c>,
/// where its default and meaning are written next to it.
/// </summary>
/// <remarks>Not thread-safe to mutate; the server copies what it needs when it starts.</remarks>
public sealed class ServerOptions
{
    /// <summary>Address to bind: an IP literal, <c>localhost</c>, or <c>*</c>/<c>0.0.0.0</c>/<c>::</c> for all interfaces.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>TCP port; 0 picks a free one (reported by the server once bound).</summary>
    public int Port { get; set; } = 8080;

    /// <summary>Length of the kernel's queue of connections not yet accepted.</summary>
    public int Backlog { get; set; } = 1024;

    /// <summary>Connections open at once; past it new sockets get 503 and are closed.</summary>
    public int MaxConnections { get; set; } = 100_000;

    /// <summary>Which socket layer to use.</summary>
    public TransportKind Transport { get; set; } = TransportKind.Auto;

    /// <summary>
    /// I/O threads (epoll transport): each waits for the readiness of its share of the sockets and runs their connection
    /// actors (and the route handlers inside them) itself. 0, the default, means one per processor the process may use.
    /// </summary>
    public int IoThreads { get; set; }

    /// <summary>
    /// An I/O thread's turn that runs longer than this is logged as a warning naming the actor that held it (every socket
    /// of that thread waits meanwhile); zero turns the watchdog off.
    /// </summary>
    public TimeSpan IoWatchdogThreshold { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The number of I/O threads <see cref="IoThreads"/> stands for.</summary>
    public int EffectiveIoThreads => IoThreads > 0 ? IoThreads : Environment.ProcessorCount;

    /// <summary>Time a new connection has to send a complete request head.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>At shutdown, how long open connections get to finish their close handshake before they are aborted.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often connections are checked for expired deadlines (handshake, idle, close).</summary>
    public TimeSpan TimerResolution { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>HTTP side of the port.</summary>
    public HttpOptions Http { get; set; } = new();

    /// <summary>TLS for the whole port (<c>wss://</c> and <c>https://</c>); off unless a certificate is given.</summary>
    public TlsOptions Tls { get; set; } = new();

    /// <summary>WebSocket connections.</summary>
    public WebSocketOptions WebSocket { get; set; } = new();

    /// <summary>Rooms.</summary>
    public RoomOptions Rooms { get; set; } = new();

    /// <summary>Settings for running as one node of an Akka.NET cluster (used only when the actor system has the cluster provider).</summary>
    public ClusterOptions Cluster { get; set; } = new();

    /// <summary>Limits per remote address.</summary>
    public LimitOptions Limits { get; set; } = new();
}

/// <summary>
/// Limits per remote address, so that one client (or one abusive host) cannot take all of the server's connections or
/// open WebSockets faster than the server wants to set them up.
/// </summary>
public sealed class LimitOptions
{
    /// <summary>Connections open at once from one address; past it a new socket gets 503 and is closed. 0 turns it off.</summary>
    public int ConnectionsPerAddress { get; set; } = 1000;

    /// <summary>WebSocket upgrades per second one address may make on average; past it: 429. 0 turns it off.</summary>
    public int UpgradesPerSecond { get; set; } = 100;

    /// <summary>Upgrades one address may make at once before <see cref="UpgradesPerSecond"/> applies (the bucket's size).</summary>
    public int UpgradeBurst { get; set; } = 200;

    /// <summary>
    /// Addresses of reverse proxies (IP literals): their connections are not limited per address, and the upgrade rate
    /// is charged to the last address in their <c>X-Forwarded-For</c> header instead. Anyone else's header is ignored.
    /// </summary>
    public IList<string> TrustedProxies { get; set; } = new List<string>();

    /// <summary>
    /// The memory, in bytes, all clients together may make the server hold beyond a small allowance each (64 KiB per
    /// connection, 16 KiB per resume buffer): partial messages being reassembled, compressed messages being inflated,
    /// large messages waiting for their session or to be sent, and the messages resumable sessions keep for a resume.
    /// Past it the holder holding the most gives up: a connection is closed with 1013 (try again later), a resume buffer
    /// drops its messages (a detached session ends); and new WebSocket upgrades get 503 until use falls below 90 %. 0, the default, means automatic: the smaller of 512 MiB and an eighth of the memory the
    /// process may use (<see cref="Buffers.MemoryBudget.Resolve"/>).
    /// </summary>
    public long MemoryBudget { get; set; }

    /// <summary>
    /// How many times its compressed size a permessage-deflate message may inflate to (messages that inflate to 16 KiB or
    /// less are always fine); past it the connection is closed with 1009. 0 turns the ratio off (the message size limit
    /// still applies).
    /// </summary>
    public int MaxInflationRatio { get; set; } = 100;
}

/// <summary>
/// TLS: a certificate and its key as PEM files, or a PKCS#12 (PFX) file with an optional password.
/// When set, every connection on the port speaks TLS.
/// </summary>
public sealed class TlsOptions
{
    /// <summary>The certificate: a PEM file (with <see cref="KeyPath"/>) or a <c>.pfx</c>/<c>.p12</c> file; null for no TLS.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The private key PEM file (when the certificate is PEM and the key is not in the same file).</summary>
    public string? KeyPath { get; set; }

    /// <summary>The PFX password, or the password of an encrypted PEM key.</summary>
    public string? Password { get; set; }

    /// <summary>Whether TLS is on.</summary>
    public bool Enabled => !string.IsNullOrEmpty(CertificatePath);

    /// <summary>Loads the certificate with its private key.</summary>
    /// <exception cref="InvalidOperationException">It cannot be loaded; the message names the file and the reason.</exception>
    public System.Security.Cryptography.X509Certificates.X509Certificate2 LoadCertificate() =>
        Transport.Streams.TlsCertificates.Load(this);
}

/// <summary>Limits of the HTTP/1.1 request heads the server reads.</summary>
public sealed class HttpOptions
{
    /// <summary>Largest request head (request line and header fields); past it: 431.</summary>
    public int MaxRequestHeadSize { get; set; } = 8 * 1024;

    /// <summary>Most header fields in one request; past it: 431.</summary>
    public int MaxHeaderCount { get; set; } = 100;

    /// <summary>Whether plain HTTP connections are kept alive for further requests.</summary>
    public bool KeepAlive { get; set; } = true;

    /// <summary>Whether <c>GET /</c> answers with the status page.</summary>
    public bool StatusPage { get; set; } = true;

    /// <summary>Whether <c>GET /metrics</c> answers with the server's metrics in the Prometheus text format.</summary>
    public bool Metrics { get; set; } = true;
}

/// <summary>Limits and timers of open WebSocket connections (defaults for every route; routes may override some).</summary>
public sealed class WebSocketOptions
{
    /// <summary>Largest message (after reassembly); past it the connection is closed with 1009.</summary>
    public long MaxMessageSize { get; set; } = 16 * 1024 * 1024;

    /// <summary>How often the server pings a quiet peer; zero turns pings off.</summary>
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A peer that sends nothing at all (not even a pong) for this long is closed with 1001.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Time a message (every fragment of it), or a single frame, has from its first byte to its last; past it the
    /// connection is closed with 1008. Zero turns it off. Time while the server itself stops reading does not count.
    /// </summary>
    public TimeSpan MessageTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// After our close frame, how long to wait for the peer's before dropping the TCP connection; also how long our close
    /// (failing the connection, or echoing the peer's) waits for a session actor to answer the messages before it.
    /// </summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Bytes queued for a client that does not read fast enough what is pushed to it before the slow-consumer policy
    /// applies. Replies to the client's own messages never trigger the policy: past this limit the connection stops
    /// reading instead, until half of it is left.
    /// </summary>
    public long OutboundQueueLimit { get; set; } = 1024 * 1024;

    /// <summary>What to do when a client's outbound queue is over <see cref="OutboundQueueLimit"/>.</summary>
    public SlowConsumerPolicy SlowConsumerPolicy { get; set; } = SlowConsumerPolicy.Close;

    /// <summary>Messages handed to the session and not yet handled before the connection stops reading (backpressure).</summary>
    public int MaxInflightMessages { get; set; } = 64;

    /// <summary>Origins allowed to open WebSockets (exact, case-insensitive); empty allows any.</summary>
    public IList<string> AllowedOrigins { get; set; } = new List<string>();

    /// <summary>
    /// Resume attempts (upgrades to a resumable route carrying <c>resume=</c>) allowed per second from one remote
    /// address, on average; past it (and <see cref="ResumeAttemptsBurst"/>) the upgrade is answered with 429 and a
    /// <c>Retry-After</c>. Zero turns the limit off.
    /// </summary>
    public int ResumeAttemptsPerSecond { get; set; } = 10;

    /// <summary>Resume attempts one address may make at once before <see cref="ResumeAttemptsPerSecond"/> applies.</summary>
    public int ResumeAttemptsBurst { get; set; } = 20;

    /// <summary>
    /// permessage-deflate (RFC 7692). The default accepts it with no context takeover either way, so an idle
    /// connection holds no compression state; messages under the threshold go uncompressed.
    /// </summary>
    public PerMessageDeflateSettings Compression { get; set; } = PerMessageDeflateSettings.Default;
}

/// <summary>Rooms: lifetimes and failure handling.</summary>
public sealed class RoomOptions
{
    /// <summary>How long an empty room lives before it is stopped (a rejoin within it finds the same room).</summary>
    public TimeSpan Linger { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Restarts of a failing room allowed within <see cref="RestartWindow"/> before it is stopped.</summary>
    public int MaxRestarts { get; set; } = 10;

    /// <summary>The window <see cref="MaxRestarts"/> counts in.</summary>
    public TimeSpan RestartWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>First delay before a restarted room takes messages again; doubles on each further restart.</summary>
    public TimeSpan RestartBackoffMin { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Largest delay between restarts.</summary>
    public TimeSpan RestartBackoffMax { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a resumable session outlives a dropped connection (a room type may set its own; the longest of its rooms wins).</summary>
    public TimeSpan ReconnectionWindow { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// In a cluster: how long a session holds what its client sends a room that is moving to another node (its node
    /// leaves) before it gives the room up and tells the client it closed. Not a setting: tests shorten it.
    /// </summary>
    internal TimeSpan MoveWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Most room messages a session keeps for a resume (unacknowledged).</summary>
    public int ResumeBufferMessages { get; set; } = 512;

    /// <summary>Most bytes of room messages a session keeps for a resume (beyond 16 KiB charged to <see cref="LimitOptions.MemoryBudget"/>).</summary>
    public long ResumeBufferBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Most rooms one session (one connection, on ordinary routes) may be in, its joins on their way counted; a join past
    /// it is refused (<c>too many rooms for this connection</c>) and the connection stays.
    /// </summary>
    public int MaxPerConnection { get; set; } = 100;

    /// <summary>
    /// Most rooms of one room type that may exist at once (a type may set its own, <see cref="Rooms.RoomTypeOptions.MaxRooms"/>);
    /// a client's join or create that would make one more is refused (<c>too many rooms of type …</c>).
    /// </summary>
    public int MaxRooms { get; set; } = 10_000;
}
