using Akka.Actor;
using ActorWs.Server.Dispatch;
using ActorWs.Protocol.Http;
using ActorWs.Server.Http;
using ActorWs.Server.Listener;
using ActorWs.Server.Metrics;
using ActorWs.Server.Options;
using ActorWs.Server.Rooms;
using ActorWs.Server.Routing;
using ActorWs.Server.Transport;
using Microsoft.Extensions.Logging;

namespace ActorWs.Server;

/// <summary>
/// What every actor of one server shares: its settings, routes, room types, metrics and the refs of
/// its long-lived actors. Built before the actors start; fields set later are written once, before any
/// connection exists.
/// </summary>
internal sealed class ServerRuntime
{
    private long _nextConnectionId;
    private volatile bool _draining;

    public ServerRuntime(ServerOptions options, RouteTable routes, RoomTypeRegistry roomTypes, HttpEndpoints http, ActorWsMetrics metrics, ITransportFactory transport, TimeProvider time, ILoggerFactory loggerFactory, bool dispatchConfigured)
    {
        DispatchConfigured = dispatchConfigured;
        Options = options;
        Routes = routes;
        RoomTypes = roomTypes;
        Http = http;
        Metrics = metrics;
        Transport = transport;
        Time = time;
        LoggerFactory = loggerFactory;
        HeadLimits = new HttpRequestHeadLimits { MaxHeadBytes = options.Http.MaxRequestHeadSize, MaxHeaderFields = options.Http.MaxHeaderCount };
        StartedAt = time.GetUtcNow();
        ConnectionLog = loggerFactory.CreateLogger("ActorWs.Server.Connections");
        AddressLimits = new Listener.AddressLimits(options.Limits, time);
        Registry = new ConnectionRegistry(AddressLimits);
        MemoryLogger = loggerFactory.CreateLogger("ActorWs.Server.Memory");
        MemoryBudget = new Buffers.MemoryBudget(Buffers.MemoryBudget.Resolve(options.Limits.MemoryBudget), MemoryLogger);
        ResumeAttempts = new Sessions.ResumeAttemptLimiter(options.WebSocket.ResumeAttemptsPerSecond, options.WebSocket.ResumeAttemptsBurst, time, loggerFactory.CreateLogger("ActorWs.Server.Sessions"));
    }

    /// <summary>What clients make the server hold, all connections together (<c>server.limits.memory-budget</c>).</summary>
    public Buffers.MemoryBudget MemoryBudget { get; }

    /// <summary>Hands memory back to the system after a peak (<see cref="Buffers.LargeBufferPool.GiveBackToSystem"/> unless a test replaced it).</summary>
    public Action<ILogger> GiveBackMemory { get; set; } = Buffers.LargeBufferPool.GiveBackToSystem;

    /// <summary>The memory budget's log (its episodes, and memory given back).</summary>
    public ILogger MemoryLogger { get; }

    /// <summary>Connections and upgrades per remote address.</summary>
    public Listener.AddressLimits AddressLimits { get; }

    /// <summary>Resume attempts per remote address (<c>server.websocket.resume-attempts-per-second</c>), shared by every connection.</summary>
    public Sessions.ResumeAttemptLimiter ResumeAttempts { get; }

    /// <summary>The logger every connection writes to (one category; the connection id is a property).</summary>
    public ILogger ConnectionLog { get; }

    private Akka.Streams.IMaterializer? _materializer;

    /// <summary>Runs the flows of Flow routes (one materializer per server, made on first use).</summary>
    public Akka.Streams.IMaterializer Materializer => LazyInitializer.EnsureInitialized(ref _materializer, () => Akka.Streams.ActorMaterializer.Create(ActorSystem!, namePrefix: "actorws-flows"));

    /// <summary>The actor system the server runs in.</summary>
    public ActorSystem? ActorSystem { get; set; }

    /// <summary>Whether the actor system has <see cref="ActorWsDispatch.DefaultConfig"/> (the lean mailbox and the room dispatcher).</summary>
    public bool DispatchConfigured { get; }

    /// <summary>Props for an actor that exists per connection: the lean mailbox when the system has it.</summary>
    public Props WithLeanMailbox(Props props) => DispatchConfigured ? props.WithMailbox(ActorWsDispatch.LeanMailboxPath) : props;

    private PropsPerDispatcher? _connectionProps;
    private PropsPerDispatcher? _sessionProps;

    /// <summary>
    /// Props for the actor of a connection whose transport names <paramref name="dispatcherId"/> (its I/O loop's
    /// dispatcher, so the actor runs on the thread that owns its socket); null: the usual dispatcher.
    /// </summary>
    public Props ConnectionProps(string? dispatcherId) =>
        LazyInitializer.EnsureInitialized(ref _connectionProps,
            () => new PropsPerDispatcher(WithLeanMailbox(FactoryActorProducer<Connections.ConnectionActor>.Props(() => new Connections.ConnectionActor(this))))).For(dispatcherId);

    /// <summary>
    /// Props for a resumable route's session actor, on the I/O dispatcher of the connection that opened it (its handler is
    /// synchronous like the connection's, so a request and its reply are handled in one loop turn); null: the usual one.
    /// </summary>
    public Props SessionProps(string? dispatcherId) =>
        LazyInitializer.EnsureInitialized(ref _sessionProps,
            () => new PropsPerDispatcher(WithLeanMailbox(FactoryActorProducer<Sessions.SessionActor>.Props(() => new Sessions.SessionActor(this))))).For(dispatcherId);

    /// <summary>One actor's props, and their copies for each dispatcher asked for (made once each).</summary>
    private sealed class PropsPerDispatcher(Props props)
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Props> _copies = new();

        public Props For(string? dispatcherId) =>
            dispatcherId is null ? props : _copies.GetOrAdd(dispatcherId, static (id, p) => p.WithDispatcher(id), props);
    }

    /// <summary>Props for a room: the fair room dispatcher when the system has it.</summary>
    public Props OnRoomDispatcher(Props props) => DispatchConfigured ? props.WithDispatcher(ActorWsDispatch.RoomDispatcher) : props;

    /// <summary>
    /// Props for the node's relay (rooms on other nodes → connections here): on the first I/O thread, where connections
    /// run, when the transport has I/O threads; otherwise as a room.
    /// </summary>
    /// <remarks>
    /// On the I/O thread, the relay's turn and the connections' (the same thread's, on one core; the first loop's, on more)
    /// run one after the other, where from the room dispatcher every relayed turn meant a thread-pool worker woken to tell
    /// connections whose loop then had to be woken in turn. Measured with 3 nodes on one core (2026-12-07): the open-loop
    /// capacity of a 1,000-member broadcast rose from ~11,000 to ~14,000 msg/s. The relay never blocks (it only tells),
    /// which is what an actor on an I/O thread must keep to.
    /// </remarks>
    public Props OnRelayDispatcher(Props props) => Transport.IoDispatcherIds is [var first, ..] ? props.WithDispatcher(first) : OnRoomDispatcher(props);

    /// <summary>Every open connection, for deadlines and shutdown.</summary>
    public ConnectionRegistry Registry { get; }

    public ServerOptions Options { get; }
    public RouteTable Routes { get; }
    public RoomTypeRegistry RoomTypes { get; }
    public HttpEndpoints Http { get; }
    public ActorWsMetrics Metrics { get; }
    public ITransportFactory Transport { get; }
    public TimeProvider Time { get; }
    public ILoggerFactory LoggerFactory { get; }
    public HttpRequestHeadLimits HeadLimits { get; }
    public DateTimeOffset StartedAt { get; }

    public IActorRef SessionManager { get; set; } = null!;
    public IActorRef Listener { get; set; } = null!;
    public IActorRef RoomManager { get; set; } = null!;

    /// <summary>The shard regions of clustered rooms; null on a single node (the actor system has no cluster provider).</summary>
    public Rooms.Cluster.ClusterRooms? ClusterRooms { get; set; }

    /// <summary>This node's relay for rooms on other nodes (<see cref="Rooms.Cluster.RoomRelay"/>); null on a single node.</summary>
    public IActorRef? RoomRelay { get; set; }

    /// <summary>Set when shutdown begins: new connections are refused and /ready says 503.</summary>
    public bool Draining
    {
        get => _draining;
        set => _draining = value;
    }

    /// <summary>Set once the listener is bound.</summary>
    public bool Bound { get; set; }

    private readonly TaskCompletionSource<Exception> _fault = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes (with the cause) if the server can no longer serve: its listener died.</summary>
    public Task<Exception> Fault => _fault.Task;

    public void ReportFault(Exception cause) => _fault.TrySetResult(cause);

    public long NextConnectionId() => Interlocked.Increment(ref _nextConnectionId);

    /// <summary>
    /// The close code of the WebSockets still open when the server stops: 1001 (going away) on a single node; 1012
    /// (service restart) on a cluster node, which tells clients the service goes on and they should reconnect (a load
    /// balancer then takes them to another node; both clients reconnect on 1012), where they resume their sessions.
    /// </summary>
    public ushort ShutdownCloseCode { get; private set; } = ActorWs.Protocol.Frames.WebSocketCloseCode.GoingAway;

    /// <summary>The reason sent with <see cref="ShutdownCloseCode"/>.</summary>
    public string ShutdownCloseReason { get; private set; } = "server shutting down";

    /// <summary>Whether this server is a cluster node (set as it starts).</summary>
    public bool IsClusterNode { get; private set; }

    /// <summary>This server is a node of a cluster: a stopping node's clients are told to reconnect (1012).</summary>
    public void CloseAsClusterNodeOnShutdown()
    {
        IsClusterNode = true;
        ShutdownCloseCode = ActorWs.Protocol.Frames.WebSocketCloseCode.ServiceRestart;
        ShutdownCloseReason = "node leaving the cluster; reconnect";
    }

    /// <summary>Makes connection ids start after <paramref name="start"/> (a cluster node's own range); before the first connection.</summary>
    public void StartConnectionIdsAfter(long start) => Interlocked.Exchange(ref _nextConnectionId, start);

    /// <summary>Converts elapsed timestamps of <see cref="Time"/> to a duration.</summary>
    public TimeSpan Elapsed(long fromTimestamp, long toTimestamp) => Time.GetElapsedTime(fromTimestamp, toTimestamp);
}
