using System.Text.Json;
using System.Text.RegularExpressions;
using Akka.Actor;
using Akka.Hosting;
using ActorWs.Hosting.Hosting;
using ActorWs.Hosting.Tests.Hosting;
using ActorWs.Server;
using ActorWs.Server.BuiltIn;
using ActorWs.Server.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ActorWs.Hosting.Tests.Cluster;

/// <summary>
/// Three ActorWs nodes in this process, on 127.0.0.1 with port 0 for HTTP and remoting, form an Akka.NET cluster from
/// their configuration alone; each one's <c>GET /cluster</c> and <c>/metrics</c>, over TCP, say so.
/// </summary>
/// <remarks>
/// In the exit-code collection: a node whose actor system ended unexpectedly would set the process's exit code, and the
/// tests check that a graceful leave does not.
/// </remarks>
[Collection(ExitCodeCollection.Name)]
public sealed partial class ClusterMembershipTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorws-cluster-").FullName;
    private readonly string _config;

    public ClusterMembershipTests()
    {
        _config = Path.Combine(_dir, "cluster.conf");
        File.WriteAllText(_config, ClusterNode.TestConfig);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>
    /// The first node has no seed nodes and founds the cluster; once it is Up, the others are given its address, as
    /// host:port, with <c>--cluster-seed</c>.
    /// </summary>
    private async Task<List<ClusterNode>> StartThreeAsync()
    {
        var nodes = new List<ClusterNode>();
        try
        {
            nodes.Add(await ClusterNode.StartAsync(_config));
            // Up before the others ask to join, so that it is the oldest member whatever the addresses (members that
            // become Up in the same round are numbered in address order).
            await ClusterNode.UntilAllAsync(nodes, view => AllUp(view, 1));
            var seed = nodes[0].HostAndPort;
            var others = await Task.WhenAll(ClusterNode.StartAsync(_config, "--cluster-seed", seed), ClusterNode.StartAsync(_config, "--cluster-seed", seed));
            nodes.AddRange(others);
            return nodes;
        }
        catch
        {
            foreach (var node in nodes) await node.DisposeAsync();
            throw;
        }
    }

    private static bool AllUp(JsonElement view, int count) =>
        view.GetProperty("self").GetProperty("status").GetString() == "up"
        && ClusterNode.Members(view) is var members && members.Length == count && members.All(m => m.Status == "up")
        && view.GetProperty("unreachable").GetArrayLength() == 0;

    [Fact]
    public async Task ThreeNodes_FormOneCluster_AndEachOnesClusterEndpointShowsTheSameThreeUpMembers()
    {
        var nodes = await StartThreeAsync();
        try
        {
            var views = await ClusterNode.UntilAllAsync(nodes, view => AllUp(view, 3));

            var addresses = nodes.Select(n => n.Address).Order(StringComparer.Ordinal).ToArray();
            Assert.Equal(3, addresses.Distinct().Count());
            for (int i = 0; i < nodes.Count; i++)
            {
                var view = views[i];
                Assert.True(view.GetProperty("enabled").GetBoolean());
                var self = view.GetProperty("self");
                Assert.Equal(nodes[i].Address, self.GetProperty("address").GetString());
                Assert.Matches(@"^akka\.tcp://actorws@127\.0\.0\.1:\d+$", nodes[i].Address);
                Assert.Equal(0, self.GetProperty("roles").GetArrayLength());
                // The same members, in the same order, on every node.
                Assert.Equal(addresses, ClusterNode.Members(view).Select(m => m.Address).Order(StringComparer.Ordinal).ToArray());
                Assert.Equal(ClusterNode.Members(views[0]), ClusterNode.Members(view));
                Assert.Equal(3, view.GetProperty("membersByStatus").GetProperty("up").GetInt32());
                Assert.Single(view.GetProperty("membersByStatus").EnumerateObject());
                foreach (var member in view.GetProperty("members").EnumerateArray()) Assert.True(member.GetProperty("reachable").GetBoolean());
            }

            // One leader and one oldest member, agreed by all, flagged on exactly one member and on that node's self.
            string leader = views[0].GetProperty("leader").GetString()!;
            string oldest = views[0].GetProperty("oldest").GetString()!;
            Assert.Contains(leader, addresses);
            Assert.Equal(nodes[0].Address, oldest); // the founder was Up first
            foreach (var view in views)
            {
                Assert.Equal(leader, view.GetProperty("leader").GetString());
                Assert.Equal(oldest, view.GetProperty("oldest").GetString());
                var flaggedLeader = view.GetProperty("members").EnumerateArray().Where(m => m.GetProperty("leader").GetBoolean()).ToList();
                Assert.Equal(leader, Assert.Single(flaggedLeader).GetProperty("address").GetString());
                var flaggedOldest = view.GetProperty("members").EnumerateArray().Where(m => m.GetProperty("oldest").GetBoolean()).ToList();
                Assert.Equal(oldest, Assert.Single(flaggedOldest).GetProperty("address").GetString());
                var self = view.GetProperty("self");
                Assert.Equal(self.GetProperty("address").GetString() == leader, self.GetProperty("leader").GetBoolean());
                Assert.Equal(self.GetProperty("address").GetString() == oldest, self.GetProperty("oldest").GetBoolean());
            }

            // The gauges say the same, in the Prometheus conventions of /metrics: every status a series, 0 included.
            foreach (var node in nodes)
            {
                string metrics = await node.GetMetricsAsync();
                Assert.Contains("# TYPE actorws_cluster_members gauge", metrics);
                Assert.Contains("actorws_cluster_members{status=\"up\"} 3\n", metrics);
                foreach (var status in new[] { "joining", "weakly-up", "leaving", "exiting", "down" })
                    Assert.Contains($"actorws_cluster_members{{status=\"{status}\"}} 0\n", metrics);
                Assert.Contains("actorws_cluster_unreachable_members 0\n", metrics);
            }
        }
        finally
        {
            foreach (var node in nodes) await node.DisposeAsync();
        }
    }

    [Fact]
    public async Task Ready_Is503Joining_UntilTheNodeIsAnUpMember_Then200()
    {
        // A seed where nothing listens: the node serves HTTP (and /health) but never becomes a member.
        int nobody;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            nobody = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }
        await using var lonely = await ClusterNode.StartAsync(_config, "--cluster-seed", $"127.0.0.1:{nobody}");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using (var ready = await http.GetAsync(lonely.HttpUri("/ready")))
        {
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Equal("{\"status\":\"joining\"}", await ready.Content.ReadAsStringAsync());
        }
        using (var health = await http.GetAsync(lonely.HttpUri("/health")))
            Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);

        // A node that founds its cluster is ready once it is Up.
        await using var founder = await ClusterNode.StartAsync(_config);
        await ClusterNode.UntilAllAsync([founder], view => AllUp(view, 1));
        using var up = await http.GetAsync(founder.HttpUri("/ready"));
        Assert.Equal(System.Net.HttpStatusCode.OK, up.StatusCode);
        Assert.Equal("{\"status\":\"ready\"}", await up.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ANodeThatStopsGracefully_LeavesTheCluster_AndDisappearsFromTheOthersClusterEndpoint()
    {
        int exitCodeBefore = Environment.ExitCode;
        var nodes = await StartThreeAsync();
        try
        {
            await ClusterNode.UntilAllAsync(nodes, view => AllUp(view, 3));
            var leaving = nodes[2];

            await leaving.StopAsync(); // as SIGTERM: drain, leave, terminate
            Assert.True(leaving.System.WhenTerminated.IsCompleted);
            var survivors = nodes.Take(2).ToList();
            var views = await ClusterNode.UntilAllAsync(survivors, view => AllUp(view, 2));

            foreach (var view in views)
            {
                Assert.DoesNotContain(leaving.Address, ClusterNode.Members(view).Select(m => m.Address));
                Assert.Equal(survivors.Select(n => n.Address).Order(StringComparer.Ordinal), ClusterNode.Members(view).Select(m => m.Address).Order(StringComparer.Ordinal));
                Assert.Equal(0, view.GetProperty("unreachable").GetArrayLength()); // it left; it was never lost
            }
            Assert.Contains("actorws_cluster_members{status=\"up\"} 2\n", await survivors[0].GetMetricsAsync());
            // A graceful leave is not a failure: nothing set the process's exit code.
            Assert.Equal(exitCodeBefore, Environment.ExitCode);
        }
        finally
        {
            foreach (var node in nodes) await node.DisposeAsync();
        }
    }

    [Fact]
    public async Task ASingleNode_WithoutClusterSettings_StaysLocal_AndItsClusterEndpointSaysClusteringIsOff()
    {
        // The shipped hocon.conf, as it is: akka.actor.provider = local.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        string[] args = ["--config", Settings.ServerSettingsTests.RepoHoconConf(), "--port", "0"];
        builder.Configuration.AddActorWsConfiguration(args);
        builder.Services.AddActorWs(builder.Configuration, actorws => actorws.ConfigureServer(server => server.MapDefaultRoutes()));
        using var host = builder.Build();
        await host.StartAsync().WaitAsync(ClusterNode.Wait);
        try
        {
            var system = (ExtendedActorSystem)host.Services.GetRequiredService<ActorSystem>();
            Assert.IsType<LocalActorRefProvider>(system.Provider); // no remoting, no cluster daemon
            var server = host.Services.GetRequiredService<ActorWsServer>();
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var response = await http.GetAsync($"http://127.0.0.1:{server.LocalEndPoint!.Port}/cluster");
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            var view = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.False(view.GetProperty("enabled").GetBoolean());
            Assert.Equal("local", view.GetProperty("provider").GetString());
            Assert.Equal("clustering is off: akka.actor.provider is local (set it to cluster to join other nodes)", view.GetProperty("message").GetString());
            Assert.DoesNotContain("actorws_cluster", await http.GetStringAsync($"http://127.0.0.1:{server.LocalEndPoint.Port}/metrics"));
        }
        finally
        {
            await host.StopAsync().WaitAsync(ClusterNode.Wait);
        }
    }

    [Fact]
    public async Task AnEmbeddingApplication_MakesItsAkkaHostingSystemANode_WithOneLine()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddAkka("my-app", (akka, _) => akka
            .WithActorWsClustering(new ActorWsClusterOptions { ActorSystemName = "my-app", Port = 0, Roles = ["web"] })
            .WithActorWs(new ServerOptions { Host = "127.0.0.1", Port = 0 }, server => server.MapDefaultRoutes()));
        using var host = builder.Build();
        await host.StartAsync().WaitAsync(ClusterNode.Wait);
        try
        {
            var system = host.Services.GetRequiredService<ActorSystem>();
            var server = await ActorWsExtension.Get(system).GetServerAsync().WaitAsync(ClusterNode.Wait);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            JsonElement view = default;
            var deadline = DateTime.UtcNow + ClusterNode.Wait;
            while (DateTime.UtcNow < deadline)
            {
                view = JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{server.LocalEndPoint!.Port}/cluster")).RootElement.Clone();
                if (view.GetProperty("self").GetProperty("status").GetString() == "up") break;
                await Task.Delay(100);
            }
            // Without seed nodes it founded a cluster of its own, under the application's system name and with its role.
            var self = view.GetProperty("self");
            Assert.Equal("up", self.GetProperty("status").GetString());
            Assert.Matches(@"^akka\.tcp://my-app@127\.0\.0\.1:\d+$", self.GetProperty("address").GetString()!);
            Assert.Equal(new[] { "web" }, self.GetProperty("roles").EnumerateArray().Select(r => r.GetString()!).ToArray());
            Assert.True(self.GetProperty("leader").GetBoolean());
            var config = system.Settings.Config;
            Assert.Equal("keep-majority", config.GetString("akka.cluster.split-brain-resolver.active-strategy"));
            Assert.Equal(TimeSpan.FromSeconds(20), config.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after"));
            Assert.Equal("Akka.Cluster.SBR.SplitBrainResolverProvider", Akka.Cluster.Cluster.Get(system).DowningProvider.GetType().FullName);
        }
        finally
        {
            await host.StopAsync().WaitAsync(ClusterNode.Wait);
        }
    }
}
