using System.Net;
using ActorWs.Server;
using ActorWs.Server.BuiltIn;
using ActorWs.Server.Options;

namespace ActorWs.Client.Tests.Infrastructure;

/// <summary>
/// A real ActorWs server on 127.0.0.1 and a free port: the default routes, plus <c>/scripted</c> served by a
/// <see cref="ScriptedPeer"/>, and a <see cref="TcpCutter"/> in front of it for tests that break connections.
/// </summary>
internal sealed class TestServer : IAsyncDisposable
{
    /// <summary>The bound on every wait in these tests.</summary>
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    private TestServer(ActorWsServer server, ScriptedPeer scripted, TcpCutter cutter)
    {
        Server = server;
        Scripted = scripted;
        Cutter = cutter;
    }

    public ActorWsServer Server { get; }
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

    public static async Task<TestServer> StartAsync(Action<ServerOptions>? options = null, Action<ActorWsServer>? configure = null)
    {
        var settings = new ServerOptions { Host = "127.0.0.1", Port = 0 };
        options?.Invoke(settings);
        var server = new ActorWsServer(settings);
        server.MapDefaultRoutes();
        server.DefineRoom<TestArenaRoom>(TestArenaRoom.TypeName);
        var scripted = new ScriptedPeer();
        server.MapRoute("/scripted", scripted.CreateHandler);
        configure?.Invoke(server);
        var endPoint = await server.StartAsync().WaitAsync(Wait);
        return new TestServer(server, scripted, new TcpCutter(endPoint));
    }

    public async ValueTask DisposeAsync()
    {
        await Cutter.DisposeAsync();
        await Server.DisposeAsync().AsTask().WaitAsync(Wait);
    }
}
