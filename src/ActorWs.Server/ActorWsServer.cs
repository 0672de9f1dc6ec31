using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using Akka;
using Akka.Actor;
using Akka.Configuration;
using ActorWs.Server.Dispatch;
using ActorWs.Server.Http;
using ActorWs.Server.Listener;
using ActorWs.Server.Metrics;
using ActorWs.Server.Options;
using ActorWs.Server.Rooms;
using ActorWs.Server.Routing;
using ActorWs.Server.Sessions;
using ActorWs.Server.Transport;
using ActorWs.Server.Transport.Linux;
using ActorWs.Server.Transport.Streams;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorWs.Server;

/// <summary>The endpoint could not be bound (port in use, address not available, …).</summary>
public sealed class ServerBindException(string reason) : Exception(reason);

/// <summary>
/// An ActorWs server: WebSocket routes, rooms and plain HTTP on one port, run by Akka.NET actors in an
/// <see cref="ActorSystem"/> (its own, or one the application passes in: give that one
/// <see cref="ActorWsDispatch.DefaultConfig"/> as a fallback, or add the server with Akka.Hosting's <c>WithActorWs</c>).
/// </summary>
/// <remarks>
/// Configure routes, room types and HTTP endpoints, then <see cref="StartAsync"/>; <see cref="StopAsync"/>
/// stops accepting, closes every WebSocket with 1001, waits up to the drain timeout and stops the server's
/// actors. Configuration methods are not thread-safe and must precede <see cref="StartAsync"/>; the rest is
/// thread-safe.
/// </remarks>
public sealed class ActorWsServer : IAsyncDisposable
{
    /// <summary>How many of the deepest mailboxes the <c>actorws.actors.mailbox_depth</c> gauge reports.</summary>
    public const int BusiestMailboxesReported = 10;

    private static int s_instances;

    private readonly RouteTable _routes = new();
    private readonly RoomTypeRegistry _roomTypes = new();
    private readonly HttpEndpoints _http = new();
    private readonly bool _ownsSystem;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _log;
    private ServerRuntime? _runtime;
    private IActorRef? _root;
    private ITransportFactory? _transport;
    private PrometheusExporter? _exporter;
    private Action<ILogger>? _logClusterStart;
    private Task? _stopping;
    private Task? _draining;
    private Task? _actorsStopping;
    private string? _configurationSource;
    private string? _url;
    private DrainOutcome? _drainOutcome;

    /// <summary>How the drain went, for the stop line: how long it took and how many connections it aborted (null: it did not answer in time).</summary>
    private sealed record DrainOutcome(TimeSpan Took, int? Aborted);

    /// <summary>Creates a server; it does nothing until <see cref="StartAsync"/>.</summary>
    /// <param name="options">Settings (defaults when null).</param>
    /// <param name="system">The actor system to run in; null creates one the server owns and terminates when it stops.</param>
    /// <param name="loggerFactory">Where logs go (used for the owned system too).</param>
    /// <param name="meterFactory">Where the server's meter comes from (dependency injection); null creates one.</param>
    public ActorWsServer(ServerOptions? options = null, ActorSystem? system = null, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
    {
        Options = options ?? new ServerOptions();
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _log = _loggerFactory.CreateLogger("ActorWs.Server");
        if (system is null)
        {
            system = ActorSystem.Create("actorws", ShutdownConfig(Options).WithFallback(ActorWsDispatch.DefaultConfig));
            _ownsSystem = true;
        }
        System = system;
        Metrics = new ActorWsMetrics(meterFactory);
        Rooms = new RoomDirectory(() => _runtime?.RoomManager ?? throw new InvalidOperationException("The server is not started."));
        _roomTypes.Define(RelayRoom.TypeName, () => new RelayRoom());
        _roomTypes.Define(ChatRoom.TypeName, () => new ChatRoom());
    }

    /// <summary>
    /// The coordinated-shutdown timing the server needs: the phase that drains connections must last the drain
    /// timeout, plus time for the last closes. Akka.Hosting's <c>WithActorWs</c> adds it; an application that creates
    /// its own system puts it in front of its configuration.
    /// </summary>
    public static Config ShutdownConfig(ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var phase = options.DrainTimeout + TimeSpan.FromSeconds(5);
        return ConfigurationFactory.ParseString(
            "akka.coordinated-shutdown.phases.service-requests-done.timeout = " + ((long)phase.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms");
    }

    /// <summary>The settings the server runs with.</summary>
    public ServerOptions Options { get; }

    /// <summary>The actor system the server's actors live in.</summary>
    public ActorSystem System { get; }

    /// <summary>
    /// What hands memory back to the system after a peak of client memory has passed (a blocking, compacting full
    /// collection by default). Tests that drive the budget replace it: a full collection in a shared test process stalls
    /// every other test's timing. Set before <see cref="StartAsync"/>.
    /// </summary>
    internal Action<Microsoft.Extensions.Logging.ILogger> GiveBackMemory { get; set; } = Buffers.LargeBufferPool.GiveBackToSystem;

    /// <summary>
    /// The memory budget of what clients make this server hold (<c>server.limits.memory-budget</c>): its limit, its use
    /// now, whether it is exhausted. Null until the server has started.
    /// </summary>
    public Buffers.MemoryBudget? MemoryBudget => _runtime?.MemoryBudget;

    /// <summary>The server's instruments.</summary>
    public ActorWsMetrics Metrics { get; }

    /// <summary>The server's rooms, for the application to find, create and talk to (once started).</summary>
    public RoomDirectory Rooms { get; }

    /// <summary>The room types defined so far (the built-in routes' accept hooks read their room counts).</summary>
    internal RoomTypeRegistry RoomTypes => _roomTypes;

    /// <summary>The server's root actor (parent of its listener, sessions and rooms), once started: watch it to learn that the server stopped.</summary>
    /// <exception cref="InvalidOperationException">The server is not started.</exception>
    public IActorRef Actor => _root ?? throw new InvalidOperationException("The server is not started.");

    /// <summary>
    /// Where the server's settings came from, named at the end of the startup line (<c>configuration: /srv/actorws/hocon.conf</c>,
    /// or <c>configuration: built-in defaults (/srv/actorws/hocon.conf not found)</c>). The hosting layer
    /// (<c>AddActorWs</c>) sets it to the configuration files it read; null (the default) leaves it out of the line.
    /// </summary>
    /// <exception cref="InvalidOperationException">Set after <see cref="StartAsync"/>.</exception>
    public string? ConfigurationSource
    {
        get => _configurationSource;
        set
        {
            EnsureNotStarted();
            _configurationSource = value;
        }
    }

    /// <summary>The bound endpoint (with the real port) once started.</summary>
    public IPEndPoint? LocalEndPoint { get; private set; }

    /// <summary>
    /// The ids of the Akka.NET dispatchers that run actors on the server's I/O threads, one per thread, once started (empty
    /// with the portable transport, used for TLS and off Linux). Connections run there; an application may put an actor
    /// there too (<c>Props.WithDispatcher</c>) if it never blocks: every socket of that thread waits while it runs.
    /// </summary>
    public IReadOnlyList<string> IoDispatchers => _transport?.IoDispatcherIds ?? Array.Empty<string>();

    /// <summary>The WebSocket routes mapped so far.</summary>
    public IReadOnlyList<WebSocketRoute> Routes => _routes.Routes;

    /// <summary>Completes with the cause if the server stops being able to serve (a core actor failed).</summary>
    public Task<Exception> Faulted => _runtime?.Fault ?? Task.FromException<Exception>(new InvalidOperationException("not started"));

    /// <summary>Maps a WebSocket route; <paramref name="handlerFactory"/> makes one handler per connection.</summary>
    /// <returns>The route, to set its policies (subprotocols, accept hook, limits).</returns>
    public WebSocketRoute MapRoute(string template, Func<WebSocketHandler> handlerFactory)
    {
        EnsureNotStarted();
        return _routes.Add(template, handlerFactory);
    }

    /// <summary>
    /// Maps a WebSocket route served by an actor of the application's per connection, made from <paramref name="props"/>
    /// as the connection opens (a child of the server's session manager, which stops it if it throws). It gets
    /// <see cref="ActorRoutes.WebSocketOpened"/>, then a <see cref="ActorRoutes.WebSocketMessageReceived"/> per message,
    /// and replies to the connection with <see cref="ActorRoutes.SendWebSocketMessage"/> and <see cref="ActorRoutes.CloseWebSocket"/>.
    /// When the connection closes it gets <see cref="Sessions.WebSocketClosed"/> and then a <see cref="PoisonPill"/>;
    /// when it stops first, the connection closes with 1011.
    /// </summary>
    /// <returns>The route, to set its policies.</returns>
    public WebSocketRoute MapActorRoute(string template, Props props)
    {
        EnsureNotStarted();
        return _routes.Add(template, props);
    }

    /// <summary>
    /// Maps a WebSocket route handled by an Akka.Streams flow, materialized once per connection (as Akka HTTP's
    /// <c>handleWebSocketMessages</c> does): the client's messages flow in, what the flow emits goes back to the client,
    /// with backpressure both ways (the connection's <c>max-inflight-messages</c> in, its <c>outbound-queue-limit</c> out).
    /// The messages are copies the flow may keep. The connection closes with 1000 when the flow's output completes,
    /// with 1011 when it fails.
    /// </summary>
    /// <returns>The route, to set its policies.</returns>
    public WebSocketRoute MapFlowRoute(string template, Akka.Streams.Dsl.Flow<Messaging.WebSocketMessage, Messaging.WebSocketMessage, Akka.NotUsed> flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        return MapRoute(template, () => new ActorRoutes.FlowRouteHandler(flow));
    }

    /// <summary>Maps a WebSocket route served by <typeparamref name="THandler"/>.</summary>
    public WebSocketRoute MapRoute<THandler>(string template) where THandler : WebSocketHandler, new() =>
        MapRoute(template, static () => new THandler());

    /// <summary>
    /// Registers a room type under a name, for matchmaking (<c>joinOrCreate</c>, <c>create</c>, <c>joinById</c>) and for
    /// <see cref="IWebSocketSession.JoinRoom(string, string, object?)"/>; <paramref name="configure"/> sets its policies.
    /// </summary>
    public void DefineRoom<TRoom>(string name, Action<RoomTypeOptions>? configure = null) where TRoom : Room, new() =>
        DefineRoom(name, static () => new TRoom(), configure);

    /// <summary>Registers a room type made by a factory.</summary>
    public void DefineRoom(string name, Func<Room> factory, Action<RoomTypeOptions>? configure = null)
    {
        EnsureNotStarted();
        var options = new RoomTypeOptions();
        configure?.Invoke(options);
        _roomTypes.Define(name, factory, options);
    }

    /// <summary>Answers GET and HEAD requests for <paramref name="path"/> on the server's port.</summary>
    /// <remarks><paramref name="handler"/> runs on the connection's I/O thread, like a WebSocket handler: it must not block.</remarks>
    public void MapGet(string path, HttpGetHandler handler)
    {
        EnsureNotStarted();
        _http.MapGet(path, handler);
    }

    /// <summary>Serves the files below <paramref name="directory"/> at <paramref name="urlPrefix"/> (<c>index.html</c> for directories).</summary>
    public void MapStaticFiles(string urlPrefix, string directory)
    {
        EnsureNotStarted();
        _http.MapStaticFiles(urlPrefix, directory);
    }

    private void EnsureNotStarted()
    {
        if (_runtime is not null) throw new InvalidOperationException("The server is already started; configure it before StartAsync.");
    }

    /// <summary>Binds and starts accepting.</summary>
    /// <returns>The bound endpoint.</returns>
    /// <exception cref="ServerBindException">The endpoint could not be bound ("port 8080 in use on 127.0.0.1").</exception>
    public async Task<IPEndPoint> StartAsync(CancellationToken cancellationToken = default)
    {
        EnsureNotStarted();
        int instance = Interlocked.Increment(ref s_instances);
        _transport = CreateTransport(Options, System, instance);
        if (Options.Http.Metrics) _exporter = new PrometheusExporter(ActorWsMetrics.MeterName);
        bool dispatchConfigured = ActorWsDispatch.IsConfigured(System);
        if (!dispatchConfigured)
            _log.LogWarning("The actor system lacks ActorWs's Akka settings (actorws.lean-mailbox, actorws.room-dispatcher): connections use the default mailbox and rooms the default dispatcher. Give it ActorWsDispatch.DefaultConfig as a fallback.");
        var time = SchedulerTimeProvider.For(System);
        var runtime = new ServerRuntime(Options, _routes, _roomTypes, _http, Metrics, _transport, time, _loggerFactory, dispatchConfigured);
        runtime.ActorSystem = System;
        runtime.GiveBackMemory = GiveBackMemory;
        _runtime = runtime;
        _http.Exporter = _exporter;
        _http.Status = () => new ServerStatus(runtime.Bound, runtime.Draining, Options.Http.StatusPage, LocalEndPoint,
            time.GetUtcNow() - runtime.StartedAt, Metrics.OpenConnections, Metrics.ActiveRooms,
            _routes.Routes.Select(r => r.Template.Text).ToArray());
        var budget = runtime.MemoryBudget;
        Metrics.AddGauge("actorws.memory_budget.used_bytes", "By", "Memory held for clients beyond their free allowances (partial, inflating and waiting messages, resume buffers), charged to server.limits.memory-budget.", () => budget.Used);
        Metrics.AddGauge("actorws.memory_budget.resume_buffer_bytes", "By", "The part of actorws_memory_budget_used_bytes charged for resume buffers (room messages sessions keep until their client acknowledges them).", () => budget.ResumeBufferUsed);
        Metrics.AddGauge("actorws.memory_budget.limit_bytes", "By", "The memory budget (server.limits.memory-budget, resolved).", () => budget.Limit);
        Metrics.AddGauge("actorws.memory_budget.exhausted", "{episode}", "1 while the memory budget is exhausted (upgrades get 503), else 0.", () => budget.IsExhausted ? 1 : 0);
        Metrics.Meter.CreateObservableCounter("actorws.memory_budget.refusals", () => budget.Refusals + budget.Evictions, "{connection}", "Connections closed with 1013 because the memory budget could not hold what they sent.");
        Metrics.Meter.CreateObservableCounter("actorws.memory_budget.resume_buffers_dropped", () => budget.ResumeBuffersDropped, "{buffer}", "Resume buffers whose messages were dropped because the memory budget could not hold them (a detached session ended; an attached one carried on without them).");
        Metrics.Meter.CreateObservableCounter("actorws.memory.reclaims", () => budget.Reclaims, "{collection}", "Compacting collections made to give memory back to the system after a peak of client memory had passed.");
        // Process-wide, read at scrape time: what the last collection left (live objects and fragmentation), and what the GC holds from the system.
        Metrics.AddGauge("actorws.gc.heap_size_bytes", "By", "The managed heap after the last garbage collection (live objects and fragmentation, all generations).", static () => GC.GetGCMemoryInfo().HeapSizeBytes);
        Metrics.AddGauge("actorws.gc.committed_bytes", "By", "Memory the garbage collector has committed from the system, as of the last collection.", static () => GC.GetGCMemoryInfo().TotalCommittedBytes);
        Metrics.Meter.CreateObservableCounter("actorws.gc.pause_seconds", static () => GC.GetTotalPauseDuration().TotalSeconds, "s", "Time the garbage collector has paused the process, in total.");
        Metrics.AddGauge("actorws.actors.mailbox_depth", "{message}",
            $"Busiest mailboxes (up to {BusiestMailboxesReported} actors, tag actor): the deepest each was since the previous scrape.",
            ReadBusiestMailboxes);
        if (Cluster.ClusterProvider.IsCluster(System))
        {
            (_http.Cluster, _http.ClusterNotReady, _logClusterStart) = UseCluster(System, Metrics, runtime);
        }
        else
        {
            // Rendered once: a single node's answer never changes, and a local system never loads Akka.Cluster.
            var off = Cluster.ClusterProvider.OffResponse(System);
            _http.Cluster = () => off;
        }

        if (ActorWs.Server.Rooms.Cluster.ClusterRooms.IsClustered(System))
        {
            // The cluster provider: rooms are sharded entities over the cluster (the regions start before any session can join).
            try
            {
                runtime.ClusterRooms = await ActorWs.Server.Rooms.Cluster.ClusterRooms.StartAsync(System, runtime).WaitAsync(cancellationToken).ConfigureAwait(false);
                Metrics.AddClusterRelayCounter();
            }
            catch
            {
                await AbandonStartAsync().ConfigureAwait(false);
                throw;
            }
        }
        _root = System.ActorOf(FactoryActorProducer<ServerActor>.Props(() => new ServerActor(runtime)), instance == 1 ? "actorws" : "actorws-" + instance);
        object reply;
        try
        {
            // The root forwards to the listener it creates as it starts.
            reply = await _root.Ask<object>(new Bind(), TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await AbandonStartAsync().ConfigureAwait(false);
            throw;
        }
        if (reply is BindFailed failed)
        {
            await AbandonStartAsync().ConfigureAwait(false);
            throw new ServerBindException(failed.Reason);
        }
        LocalEndPoint = ((Bound)reply).EndPoint;
        // When the actor system shuts down (by whoever), the server drains and stops in the matching phases.
        var shutdown = CoordinatedShutdown.Get(System);
        shutdown.AddTask(CoordinatedShutdown.PhaseServiceRequestsDone, "actorws-drain", async () =>
        {
            await DrainOnceAsync().ConfigureAwait(false);
            return Done.Instance;
        });
        shutdown.AddTask(CoordinatedShutdown.PhaseServiceStop, "actorws-stop", async () =>
        {
            await StopActorsOnceAsync().ConfigureAwait(false);
            return Done.Instance;
        });
        LogListening(LocalEndPoint);
        _logClusterStart?.Invoke(_log);
        return LocalEndPoint;
    }

    /// <summary>
    /// The cluster's view (what answers <c>/cluster</c>, what logs the node's start) and its gauges, made only when the
    /// system runs the cluster provider. Kept out of <see cref="StartAsync"/> (never inlined into it, and handing back
    /// only delegates) so that nothing a local server compiles or loads names a type of Akka.Cluster.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (Func<Http.HttpResponse> Render, Func<string?> NotReady, Action<ILogger> LogStart) UseCluster(ActorSystem system, ActorWsMetrics metrics, ServerRuntime runtime)
    {
        var membership = new Cluster.ClusterMembership(system);
        membership.AddMetrics(metrics);
        runtime.StartConnectionIdsAfter(membership.ConnectionIdBase);
        runtime.CloseAsClusterNodeOnShutdown();
        return (membership.Render, membership.NotReady, membership.LogStart);
    }

    /// <summary>
    /// The startup line, for a person: the URL to open, the transport, every WebSocket route as a URL, the plain-HTTP
    /// endpoints that are on, and where the settings came from.
    /// </summary>
    private void LogListening(IPEndPoint endPoint)
    {
        bool tls = Options.Tls.Enabled;
        string authority = endPoint.ToString(); // [::1]:8080 for IPv6
        _url = (tls ? "https://" : "http://") + authority + "/";
        string transport = _transport is EpollTransportFactory ? "epoll" : tls ? "sockets, TLS" : "sockets";
        var routes = _routes.Routes.Select(r => r.Template.Text).ToArray();
        string webSockets = routes.Length == 0
            ? "none"
            : (tls ? "wss://" : "ws://") + authority + string.Join(", ", routes); // the first as a URL, the rest as paths (templates start with /)
        var http = new List<string>();
        if (_http.ServesPage(_routes)) http.Add("page /");
        http.Add("health /health");
        http.Add("ready /ready");
        if (_exporter is not null) http.Add("metrics /metrics");
        if (_logClusterStart is not null) http.Add("cluster /cluster"); // answered on a single node too, but only worth naming here
        string httpEndpoints = string.Join(", ", http);
        if (_configurationSource is { } configuration)
        {
            _log.LogInformation("ActorWs listening on {Url:l} ({Transport:l}) — WebSockets: {WebSockets:l}; {HttpEndpoints:l}; configuration: {Configuration:l}",
                _url, transport, webSockets, httpEndpoints, configuration);
        }
        else
        {
            _log.LogInformation("ActorWs listening on {Url:l} ({Transport:l}) — WebSockets: {WebSockets:l}; {HttpEndpoints:l}",
                _url, transport, webSockets, httpEndpoints);
        }
    }

    private ITransportFactory CreateTransport(ServerOptions options, ActorSystem system, int instance)
    {
        if (options.Tls.Enabled) return new StreamTransportFactory(TlsCertificates.Load(options.Tls)); // TLS goes through SslStream
        return options.Transport switch
        {
            TransportKind.Epoll when !OperatingSystem.IsLinux() => throw new PlatformNotSupportedException("The epoll transport needs Linux; use transport = sockets (or auto)."),
            TransportKind.Sockets => new StreamTransportFactory(),
            TransportKind.Epoll => CreateEpoll(),
            _ => OperatingSystem.IsLinux() ? CreateEpoll() : new StreamTransportFactory(),
        };

        EpollTransportFactory CreateEpoll()
        {
            var ioLog = _loggerFactory.CreateLogger("ActorWs.Server.IoThreads");
            var stalls = Metrics.IoStalls;
            return new EpollTransportFactory(options.EffectiveIoThreads, system,
                IoLoopDispatcherConfigurator.IdPrefix + instance.ToString(CultureInfo.InvariantCulture) + "-",
                options.IoWatchdogThreshold,
                stall =>
                {
                    stalls.Add(1);
                    ioLog.LogWarning("I/O thread {Thread:l} has run one turn for {Milliseconds:0} ms, held by {Actor:l}: every connection on that thread waits. Actors on an I/O thread must not block; move blocking work to an actor route or another dispatcher",
                        stall.Loop, stall.RunningFor.TotalMilliseconds, stall.HeldBy);
                },
                (loop, ex) => ioLog.LogError(ex, "A task on I/O thread {Thread:l} failed; the thread goes on", loop));
        }
    }

    /// <summary>
    /// Graceful stop: no new connections, every WebSocket closed with 1001 and given up to the drain timeout,
    /// the rest aborted, then the server's actors stopped (and its own actor system terminated).
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken = default)
    {
        lock (_routes)
        {
            return _stopping ??= StopCoreAsync();
        }
    }

    private async Task StopCoreAsync()
    {
        if (_runtime is null) return;
        await DrainOnceAsync().ConfigureAwait(false);
        await StopActorsOnceAsync().ConfigureAwait(false);
        // The owned system's coordinated shutdown finds the two steps above already done.
        if (_ownsSystem) await System.Terminate().ConfigureAwait(false);
    }

    private Task DrainOnceAsync()
    {
        lock (_routes) return _draining ??= DrainAsync();
    }

    private async Task DrainAsync()
    {
        var runtime = _runtime!;
        long started = Stopwatch.GetTimestamp();
        try
        {
            var drained = await runtime.Listener.Ask<Drained>(new Drain(Options.DrainTimeout), Options.DrainTimeout + TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            _drainOutcome = new DrainOutcome(Stopwatch.GetElapsedTime(started), drained.Aborted);
            if (runtime.IsClusterNode) await WaitForSessionsToMoveAsync(runtime, Stopwatch.GetElapsedTime(started)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or AskTimeoutException or OperationCanceledException)
        {
            _drainOutcome = new DrainOutcome(Stopwatch.GetElapsedTime(started), null);
            _log.LogWarning("ActorWs drain did not answer in time; stopping anyway");
        }
    }

    /// <summary>
    /// A cluster node that leaves waits, after closing its WebSockets with 1012, for its clients to resume their sessions
    /// on other nodes (each session here ends once its rooms have taken its client's new session), within what is left
    /// of the drain timeout and at most <see cref="MoveWait"/>: the rooms here are handed off only after that, so that a
    /// client resuming gets what it missed from the room itself.
    /// </summary>
    private async Task WaitForSessionsToMoveAsync(ServerRuntime runtime, TimeSpan drainTook)
    {
        var left = Options.DrainTimeout - drainTook;
        var wait = left < MoveWait ? left : MoveWait;
        long started = Stopwatch.GetTimestamp();
        while (runtime.Metrics.ActiveSessions > 0 && Stopwatch.GetElapsedTime(started) < wait) await Task.Delay(50).ConfigureAwait(false);
        if (runtime.Metrics.ActiveSessions > 0)
            _log.LogInformation("ActorWs: {Sessions} sessions still wait for their clients to resume elsewhere; leaving the cluster anyway", runtime.Metrics.ActiveSessions);
    }

    /// <summary>The longest a leaving cluster node waits for its clients to resume elsewhere.</summary>
    private static readonly TimeSpan MoveWait = TimeSpan.FromSeconds(5);

    private Task StopActorsOnceAsync()
    {
        lock (_routes) return _actorsStopping ??= StopActorsAsync();
    }

    /// <summary>Start failed: stop what was started; a later <see cref="StopAsync"/> has nothing left to do.</summary>
    private async Task AbandonStartAsync()
    {
        lock (_routes) _stopping = Task.CompletedTask;
        await StopActorsOnceAsync().ConfigureAwait(false);
        if (_ownsSystem) await System.Terminate().ConfigureAwait(false);
    }

    private async Task StopActorsAsync()
    {
        if (_root is not null)
        {
            try
            {
                await _root.Ask<Done>(ServerActor.StopServer.Instance, TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is TimeoutException or AskTimeoutException)
            {
                _log.LogWarning("ActorWs actors did not stop in time");
            }
        }
        _transport?.Dispose();
        _exporter?.Dispose();
        // The last line a person reads: the server is gone (nothing when it never got as far as listening).
        if (_url is null) return;
        if (_drainOutcome is { Aborted: { } aborted } outcome)
        {
            _log.LogInformation("ActorWs stopped after drain ({Aborted} connections aborted, drain took {DrainSeconds:0.00} s): {Url:l} is closed",
                aborted, outcome.Took.TotalSeconds, _url);
        }
        else
        {
            _log.LogInformation("ActorWs stopped without a complete drain: {Url:l} is closed", _url);
        }
    }

    /// <summary>Stops the server (see <see cref="StopAsync"/>).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_runtime is null)
        {
            if (_ownsSystem) await System.Terminate().ConfigureAwait(false);
            Metrics.Dispose();
            return;
        }
        await StopAsync().ConfigureAwait(false);
        Metrics.Dispose();
    }

    private IEnumerable<Measurement<long>> ReadBusiestMailboxes()
    {
        foreach (var depth in MailboxDepths.Get(System).Report(BusiestMailboxesReported))
        {
            yield return new Measurement<long>(depth.Peak, new KeyValuePair<string, object?>("actor", depth.Actor.Path.ToStringWithoutAddress()));
        }
    }
}
