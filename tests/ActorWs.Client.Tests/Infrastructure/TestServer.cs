using System.Net;
using Akka.Actor;
using Akka.Configuration;
using ActorWs.Server;
using ActorWs.Server.BuiltIn;
using ActorWs.Server.Dispatch;
using ActorWs.Server.Options;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace ActorWs.Client.Tests.Infrastructure;

/// <summary>
/// A real ActorWs server on 127.0.0.1 and a free port, in its own Akka actor system: the default routes, plus
/// <c>/scripted</c> served by a <see cref="ScriptedPeer"/>, and a <see cref="TcpCutter"/> in front of it for tests
/// that break connections. The server runs on real time (the clients under test have their own fake clocks), unless a
/// test asks for virtual time (Akka.TestKit's <see cref="Akka.TestKit.TestScheduler"/>, which the server's clock reads).
/// </summary>
internal sealed class TestServer : IAsyncDisposable
{
    /// <summary>The bound on every wait in these tests.</summary>
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    private static readonly Config Quiet = ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.stdout-loglevel = WARNING
        """);

    private static readonly Config VirtualTime = ConfigurationFactory.ParseString("""
        akka.scheduler.implementation = "Akka.TestKit.TestScheduler, Akka.TestKit"
        """);

    private static int s_systems;

    private readonly ILoggerFactory _loggerFactory;

    private TestServer(ActorWsServer server, ActorSystem system, ILoggerFactory loggerFactory, FakeLogCollector logs, ScriptedPeer scripted, TcpCutter cutter)
    {
        Server = server;
        System = system;
        _loggerFactory = loggerFactory;
        Logs = logs;
        Scripted = scripted;
        Cutter = cutter;
    }

    public ActorWsServer Server { get; }

    /// <summary>The actor system the server runs in (the test owns it).</summary>
    public ActorSystem System { get; }

    /// <summary>Everything the server logged.</summary>
    public FakeLogCollector Logs { get; }

    public ScriptedPeer Scripted { get; }
    public TcpCutter Cutter { get; }
    public IPEndPoint EndPoint => Server.LocalEndPoint!;

    /// <summary>A URL straight to the server.</summary>
    public Uri Direct(string path) => new($"ws://127.0.0.1:{EndPoint.Port}{path}");

    /// <summary>A URL through the cutter.</summary>
    public Uri ThroughCutter(string path) => new($"ws://127.0.0.1:{Cutter.Port}{path}");

    /// <summary>An http:// URL straight to the server (pages, <c>/actorws.js</c>).</summary>
    public string Http(string path) => $"http://127.0.0.1:{EndPoint.Port}{path}";

    /// <summary>An http:// URL through the cutter: a page loaded from it opens its WebSockets through the cutter too.</summary>
    public string HttpThroughCutter(string path) => $"http://127.0.0.1:{Cutter.Port}{path}";

    /// <summary>An actor system with the server's Akka settings (and the coordinated-shutdown timing its options need).</summary>
    private static ActorSystem CreateSystem(ServerOptions options, bool fakeTime) =>
        ActorSystem.Create(
            "client-tests-" + Interlocked.Increment(ref s_systems),
            (fakeTime ? VirtualTime.WithFallback(Quiet) : Quiet).WithFallback(ActorWsServer.ShutdownConfig(options)).WithFallback(ActorWsDispatch.DefaultConfig));

    /// <summary>The server's virtual clock, when it was started with <c>fakeTime</c>.</summary>
    public Akka.TestKit.TestScheduler? Time => System.Scheduler as Akka.TestKit.TestScheduler;

    public static async Task<TestServer> StartAsync(Action<ServerOptions>? options = null, Action<ActorWsServer>? configure = null, bool fakeTime = false)
    {
        var settings = new ServerOptions { Host = "127.0.0.1", Port = 0 };
        options?.Invoke(settings);
        var logs = new FakeLogCollector();
        var loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(new FakeLoggerProvider(logs)));
        var system = CreateSystem(settings, fakeTime);
        var server = new ActorWsServer(settings, system, loggerFactory);
        try
        {
            server.MapDefaultRoutes();
            server.DefineRoom<TestArenaRoom>(TestArenaRoom.TypeName);
            var scripted = new ScriptedPeer();
            server.MapRoute("/scripted", scripted.CreateHandler);
            configure?.Invoke(server);
            var endPoint = await server.StartAsync().WaitAsync(Wait);
            return new TestServer(server, system, loggerFactory, logs, scripted, new TcpCutter(endPoint));
        }
        catch
        {
            await server.DisposeAsync().AsTask().WaitAsync(Wait);
            await system.Terminate().WaitAsync(Wait);
            loggerFactory.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Cutter.DisposeAsync();
        await Server.DisposeAsync().AsTask().WaitAsync(Wait);
        await System.Terminate().WaitAsync(Wait);
        _loggerFactory.Dispose();
    }
}
