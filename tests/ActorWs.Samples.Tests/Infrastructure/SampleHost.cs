using System.Net;
using ActorWs.Client.Tests.Infrastructure;
using ActorWs.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ActorWs.Samples.Tests.Infrastructure;

/// <summary>
/// A sample application started in-process exactly as its <c>Program.cs</c> starts it (its own <c>Build(args)</c>),
/// on port 0, with a <see cref="TcpCutter"/> in front of it for tests that break a page's connection.
/// </summary>
/// <remarks>Thread-safe for reads; start and dispose once.</remarks>
public sealed class SampleHost : IAsyncDisposable
{
    /// <summary>The bound on starting and stopping the sample.</summary>
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private SampleHost(IHost host, IPEndPoint endPoint)
    {
        Host = host;
        EndPoint = endPoint;
        Cutter = new TcpCutter(endPoint);
    }

    /// <summary>The sample's host (its services: the server, its rooms, its own actors).</summary>
    public IHost Host { get; }

    /// <summary>Where the sample listens.</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>A forwarder to the sample that a test can cut.</summary>
    public TcpCutter Cutter { get; }

    /// <summary>An http:// URL of the sample, straight to it.</summary>
    public string Http(string path) => $"http://127.0.0.1:{EndPoint.Port}{path}";

    /// <summary>An http:// URL of the sample through the cutter (the page's WebSocket then goes through it too).</summary>
    public string HttpThroughCutter(string path) => $"http://127.0.0.1:{Cutter.Port}{path}";

    /// <summary>A ws:// URL of the sample, straight to it.</summary>
    public Uri Ws(string path) => new($"ws://127.0.0.1:{EndPoint.Port}{path}");

    /// <summary>Builds the sample with <paramref name="build"/> (its own entry point) on port 0 plus <paramref name="args"/>, and starts it.</summary>
    public static async Task<SampleHost> StartAsync(Func<string[], IHost> build, params string[] args)
    {
        var host = build(["--port", "0", "--logging:level=warning", .. args]);
        await host.StartAsync().WaitAsync(Wait);
        var server = host.Services.GetRequiredService<ActorWsServer>();
        return new SampleHost(host, server.LocalEndPoint!);
    }

    /// <summary>Stops the cutter and the sample.</summary>
    public async ValueTask DisposeAsync()
    {
        await Cutter.DisposeAsync();
        await Host.StopAsync().WaitAsync(Wait);
        Host.Dispose();
    }
}
