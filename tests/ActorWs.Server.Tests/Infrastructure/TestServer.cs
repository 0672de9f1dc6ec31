using System.Net;
using System.Net.WebSockets;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using ActorWs.Server.BuiltIn;
using ActorWs.Server.Dispatch;
using ActorWs.Server.Options;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace ActorWs.Server.Tests.Infrastructure;

/// <summary>
/// A real server on 127.0.0.1 and a free port, with the default routes, in its own actor system; optionally on virtual
/// time (Akka.TestKit's <see cref="TestScheduler"/>, which the server's clock reads too, so one <c>Advance</c> moves both).
/// </summary>
internal sealed class TestServer : IAsyncDisposable
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private static readonly Config Quiet = ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.stdout-loglevel = WARNING
        """);

    private static readonly Config VirtualTime = ConfigurationFactory.ParseString("""
        akka.scheduler.implementation = "Akka.TestKit.TestScheduler, Akka.TestKit"
        """);

    private static int s_systems;

    private TestServer(ActorWsServer server, ActorSystem system, TestScheduler? time, FakeLogCollector logs)
    {
        Server = server;
        System = system;
        Time = time;
        Logs = logs;
    }

    public ActorWsServer Server { get; }
    public ActorSystem System { get; }

    /// <summary>The virtual clock (null on real time).</summary>
    public TestScheduler? Time { get; }

    /// <summary>Everything the server logged.</summary>
    public FakeLogCollector Logs { get; }

    public IPEndPoint EndPoint => Server.LocalEndPoint!;
    public Uri WsUri(string path) => new($"ws://127.0.0.1:{EndPoint.Port}{path}");
    public Uri HttpUri(string path) => new($"http://127.0.0.1:{EndPoint.Port}{path}");

    /// <summary>An actor system with the server's Akka settings, on virtual time when asked.</summary>
    public static ActorSystem CreateSystem(bool fakeTime = false, Config? extra = null)
    {
        var config = (extra ?? Config.Empty).WithFallback(Quiet);
        if (fakeTime) config = config.WithFallback(VirtualTime);
        return ActorSystem.Create("test-" + Interlocked.Increment(ref s_systems), config.WithFallback(ActorWsDispatch.DefaultConfig));
    }

    /// <summary>Starts a server; <paramref name="configure"/> may map extra routes and rooms before it starts.</summary>
    /// <param name="system">An actor system to run in (e.g. a TestKit's); null makes one the test server owns.</param>
    /// <param name="akka">Extra Akka.NET settings for the actor system the test server makes (not used with <paramref name="system"/>).</param>
    public static async Task<TestServer> StartAsync(Action<ServerOptions>? options = null, Action<ActorWsServer>? configure = null, bool fakeTime = false, TransportKind transport = TransportKind.Auto, ActorSystem? system = null, Config? akka = null)
    {
        var settings = new ServerOptions { Host = "127.0.0.1", Port = 0, Transport = transport };
        // Every test client comes from 127.0.0.1: the per-address limits are off unless a test sets them.
        settings.Limits.ConnectionsPerAddress = 0;
        settings.Limits.UpgradesPerSecond = 0;
        options?.Invoke(settings);
        var logs = new FakeLogCollector();
        var loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(new FakeLoggerProvider(logs)));
        bool ownsSystem = system is null;
        system ??= CreateSystem(fakeTime, akka);
        var server = new ActorWsServer(settings, system, loggerFactory);
        server.MapDefaultRoutes();
        configure?.Invoke(server);
        await server.StartAsync().WaitAsync(Wait);
        return new TestServer(server, system, fakeTime ? (TestScheduler)system.Scheduler : null, logs) { _ownsSystem = ownsSystem };
    }

    /// <summary>A connected ClientWebSocket.</summary>
    public async Task<ClientWebSocket> ConnectAsync(string path, Action<ClientWebSocketOptions>? options = null)
    {
        var client = new ClientWebSocket();
        options?.Invoke(client.Options);
        using var cts = new CancellationTokenSource(Wait);
        await client.ConnectAsync(WsUri(path), cts.Token);
        return client;
    }

    /// <summary>
    /// Advances virtual time in steps no longer than the timer resolution, so that every periodic deadline check
    /// runs as it would in real time, and lets the actors react in between.
    /// </summary>
    public async Task AdvanceAsync(TimeSpan total)
    {
        var time = Time ?? throw new InvalidOperationException("this server runs on real time");
        var step = Server.Options.TimerResolution;
        for (var done = TimeSpan.Zero; done < total; done += step)
        {
            time.Advance(step < total - done ? step : total - done);
            await Task.Delay(5);
        }
    }

    private bool _ownsSystem = true;

    public async ValueTask DisposeAsync()
    {
        await Server.StopAsync().WaitAsync(Wait);
        if (_ownsSystem) await System.Terminate().WaitAsync(Wait);
    }
}

/// <summary>Waiting for a log entry.</summary>
internal static class FakeLogCollectorExtensions
{
    /// <summary>The first entry matching <paramref name="match"/>, waiting up to <paramref name="timeout"/>; null if none came.</summary>
    public static FakeLogRecord? WaitFor(this FakeLogCollector logs, Func<FakeLogRecord, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            foreach (var record in logs.GetSnapshot())
                if (match(record)) return record;
            if (DateTime.UtcNow > deadline) return null;
            Thread.Sleep(10);
        }
    }
}
