using System.Diagnostics;
using System.Net;
using System.Net.Http;
using System.Text.Json;
using Akka.Actor;
using ActorWs.Hosting.Hosting;
using ActorWs.Server;
using ActorWs.Server.BuiltIn;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ActorWs.Hosting.Tests.Cluster;

/// <summary>
/// One ActorWs node in this test process, built as the executable builds itself (a HOCON file, then environment
/// variables, then the command line, through <see cref="ActorWsConfiguration"/> and <c>AddActorWs</c>), with HTTP and
/// remoting on port 0 of 127.0.0.1: what it bound is read back from the server and from Akka.Cluster.
/// </summary>
internal sealed class ClusterNode : IAsyncDisposable
{
    /// <summary>How long anything a test waits for may take.</summary>
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    /// <summary>
    /// A node of a test cluster: remoting on a free port of loopback, and gossip and the leader's rounds every 200 ms
    /// instead of every second, so that joining and leaving take a few hundred milliseconds. Failure detection and the
    /// split-brain resolver keep their defaults: a busy test machine must not make a member look unreachable and get it
    /// downed.
    /// </summary>
    public const string TestConfig = """
        server { host = "127.0.0.1", port = 0 }
        akka {
          actor.provider = cluster
          remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
          cluster {
            periodic-tasks-initial-delay = 100ms
            gossip-interval = 200ms
            leader-actions-interval = 200ms
            unreachable-nodes-reaper-interval = 200ms
          }
        }
        """;

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private readonly IHost _host;
    private bool _stopped;

    private ClusterNode(IHost host, ActorWsServer server)
    {
        _host = host;
        Server = server;
        System = host.Services.GetRequiredService<ActorSystem>();
        Address = Akka.Cluster.Cluster.Get(System).SelfAddress.ToString();
    }

    /// <summary>The server, started.</summary>
    public ActorWsServer Server { get; }

    /// <summary>The actor system.</summary>
    public ActorSystem System { get; }

    /// <summary>The node's cluster address, with the port remoting bound: <c>akka.tcp://actorws@127.0.0.1:40123</c>.</summary>
    public string Address { get; }

    /// <summary><c>127.0.0.1:40123</c>, as <c>--cluster-seed</c> takes it.</summary>
    public string HostAndPort => Address[(Address.IndexOf('@', StringComparison.Ordinal) + 1)..];

    /// <summary>Starts a node reading <paramref name="configFile"/> and the command-line <paramref name="args"/>.</summary>
    public static async Task<ClusterNode> StartAsync(string configFile, params string[] args)
    {
        string[] all = ["--config", configFile, .. args];
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = all, DisableDefaults = true });
        builder.Configuration.AddActorWsConfiguration(all);
        ActorWsConfiguration.Validate(builder.Configuration, all);
        builder.Services.AddActorWs(builder.Configuration, actorws => actorws.ConfigureServer(server => server.MapDefaultRoutes()));
        var host = builder.Build();
        await host.StartAsync().WaitAsync(Wait);
        return new ClusterNode(host, host.Services.GetRequiredService<ActorWsServer>());
    }

    /// <summary>A URL on the node's HTTP port.</summary>
    public Uri HttpUri(string path) => new($"http://127.0.0.1:{Server.LocalEndPoint!.Port}{path}");

    /// <summary><c>GET /cluster</c>, over TCP, as JSON.</summary>
    public async Task<JsonElement> GetClusterAsync()
    {
        using var response = await Http.GetAsync(HttpUri("/cluster"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    /// <summary><c>GET /metrics</c>, over TCP.</summary>
    public Task<string> GetMetricsAsync() => Http.GetStringAsync(HttpUri("/metrics"));

    /// <summary>Stops the host as SIGTERM would: the server drains, then the node leaves the cluster and its system terminates.</summary>
    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        await _host.StopAsync().WaitAsync(Wait);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            _host.Dispose();
        }
    }

    /// <summary>
    /// Asks every node's <c>/cluster</c> until <paramref name="settled"/> holds for all of them at once, and returns those
    /// answers; fails with the last answers after <see cref="Wait"/>.
    /// </summary>
    public static async Task<JsonElement[]> UntilAllAsync(IReadOnlyList<ClusterNode> nodes, Func<JsonElement, bool> settled)
    {
        var elapsed = Stopwatch.StartNew();
        JsonElement[] views = [];
        while (elapsed.Elapsed < Wait)
        {
            views = await Task.WhenAll(nodes.Select(node => node.GetClusterAsync()));
            if (views.All(settled)) return views;
            await Task.Delay(100);
        }
        throw new TimeoutException($"the nodes did not settle within {Wait}; last answers:\n" + string.Join("\n", views.Select(v => v.GetRawText())));
    }

    /// <summary>The members of one <c>/cluster</c> answer as (address, status) pairs, in the order given.</summary>
    public static (string Address, string Status)[] Members(JsonElement view) =>
        view.GetProperty("members").EnumerateArray()
            .Select(m => (m.GetProperty("address").GetString()!, m.GetProperty("status").GetString()!))
            .ToArray();
}
