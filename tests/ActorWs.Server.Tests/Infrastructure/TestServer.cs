using System.Net;
using System.Net.WebSockets;
using ActorWs.Actors;
using ActorWs.Actors.TestKit;
using ActorWs.Server.BuiltIn;
using ActorWs.Server.Options;
using Microsoft.Extensions.Logging;

namespace ActorWs.Server.Tests.Infrastructure;

/// <summary>
/// A real server on 127.0.0.1 and a free port, with the default routes, optionally on fake time.
/// </summary>
internal sealed class TestServer : IAsyncDisposable
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private TestServer(ActorWsServer server, ActorSystem system, TestTimeProvider? time, CapturingLoggerProvider logs)
    {
        Server = server;
        System = system;
        Time = time;
        Logs = logs;
    }

    public ActorWsServer Server { get; }
    public ActorSystem System { get; }
    public TestTimeProvider? Time { get; }
    public CapturingLoggerProvider Logs { get; }
    public IPEndPoint EndPoint => Server.LocalEndPoint!;
    public Uri WsUri(string path) => new($"ws://127.0.0.1:{EndPoint.Port}{path}");
    public Uri HttpUri(string path) => new($"http://127.0.0.1:{EndPoint.Port}{path}");

    /// <summary>Starts a server; <paramref name="configure"/> may map extra routes and rooms before it starts.</summary>
    public static async Task<TestServer> StartAsync(Action<ServerOptions>? options = null, Action<ActorWsServer>? configure = null, bool fakeTime = false, TransportKind transport = TransportKind.Auto)
    {
        var settings = new ServerOptions { Host = "127.0.0.1", Port = 0, Transport = transport };
        options?.Invoke(settings);
        var time = fakeTime ? new TestTimeProvider() : null;
        var logs = new CapturingLoggerProvider();
        var loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(logs));
        var system = ActorSystem.Create("test", new ActorSystemSettings
        {
            TimeProvider = (TimeProvider?)time ?? TimeProvider.System,
            LoggerFactory = loggerFactory,
        });
        var server = new ActorWsServer(settings, system, loggerFactory);
        server.MapDefaultRoutes();
        configure?.Invoke(server);
        await server.StartAsync().WaitAsync(Wait);
        return new TestServer(server, system, time, logs);
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
    /// Advances fake time in steps no longer than the timer resolution, so that every periodic deadline check
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

    public async ValueTask DisposeAsync()
    {
        await Server.StopAsync().WaitAsync(Wait);
        await System.Terminate().WaitAsync(Wait);
    }
}
