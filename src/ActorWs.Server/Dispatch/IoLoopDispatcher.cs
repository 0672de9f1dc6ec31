using Akka.Configuration;
using Akka.Dispatch;

namespace ActorWs.Server.Dispatch;

/// <summary>An I/O thread that can also run actors' mailboxes (the epoll loop): what an I/O dispatcher executes on.</summary>
internal interface IIoLoop
{
    /// <summary>The thread's name (<c>actorws-io-0</c>, …).</summary>
    string Name { get; }

    /// <summary>Odd while a turn runs, even between turns; the watchdog compares two readings.</summary>
    long TurnNumber { get; }

    /// <summary>The task running now, if any.</summary>
    IRunnable? Running { get; }

    /// <summary>Runs <paramref name="run"/> on the loop's thread (from any thread).</summary>
    void Execute(IRunnable run);
}

/// <summary>
/// An Akka.NET dispatcher whose actors run on one I/O loop's thread: a readiness event runs the socket's connection
/// actor in the same loop turn, with no hop through the thread pool. The server registers one per I/O thread
/// (<see cref="IdPrefix"/> + server + loop index, e.g. <c>actorws.io-dispatcher.1-0</c>) with
/// <c>Dispatchers.RegisterConfigurator</c>; settings come from <c>actorws.io-dispatcher</c> in HOCON (<c>throughput</c>,
/// <c>shutdown-timeout</c>).
/// </summary>
/// <remarks>
/// Only actors that never block belong here (connections, and the route handlers that run inside them): a blocked turn
/// stalls every socket of the loop, which the watchdog (<see cref="IoLoopWatchdog"/>) reports. Rooms, the
/// application's actors and anything that may block stay on their own dispatchers; messages between dispatchers keep
/// Akka.NET's ordering guarantees (per sender–receiver pair).
/// </remarks>
internal sealed class IoLoopDispatcherConfigurator : MessageDispatcherConfigurator
{
    /// <summary>The HOCON section with the settings every I/O dispatcher shares.</summary>
    public const string ConfigPath = "actorws.io-dispatcher";

    /// <summary>Prefix of the registered dispatcher ids.</summary>
    public const string IdPrefix = ConfigPath + ".";

    private static readonly Config Defaults = ConfigurationFactory.ParseString("throughput = 32\nshutdown-timeout = 1s");

    private readonly MessageDispatcher _dispatcher;

    public IoLoopDispatcherConfigurator(string id, IIoLoop loop, Config settings, IDispatcherPrerequisites prerequisites)
        : base(settings.WithFallback(Defaults), prerequisites)
    {
        _dispatcher = new Akka.Dispatch.Dispatcher(this, id, Config.GetInt("throughput", 32), null,
            new LoopExecutorFactory(loop), Config.GetTimeSpan("shutdown-timeout", TimeSpan.FromSeconds(1)));
    }

    /// <inheritdoc />
    public override MessageDispatcher Dispatcher() => _dispatcher;

    /// <summary>Registers a dispatcher for <paramref name="loop"/> with <paramref name="system"/> under <paramref name="id"/>.</summary>
    public static void Register(Akka.Actor.ActorSystem system, string id, IIoLoop loop)
    {
        var settings = system.Settings.Config.HasPath(ConfigPath) ? system.Settings.Config.GetConfig(ConfigPath) : Config.Empty;
        var configurator = new IoLoopDispatcherConfigurator(id, loop, settings, system.Dispatchers.Prerequisites);
        if (!system.Dispatchers.RegisterConfigurator(id, configurator))
            throw new InvalidOperationException($"A dispatcher with id {id} is already registered.");
    }

    private sealed class LoopExecutorFactory(IIoLoop loop) : ExecutorServiceFactory
    {
        public override ExecutorService Produce(string id) => new LoopExecutor(id, loop);
    }

    private sealed class LoopExecutor(string id, IIoLoop loop) : ExecutorService(id)
    {
        public override void Execute(IRunnable run) => loop.Execute(run);

        public override void Shutdown()
        {
            // Akka.NET calls this whenever the dispatcher has had no actors for shutdown-timeout; the loop belongs to the
            // server's transport, which stops it when the server stops.
        }
    }
}
