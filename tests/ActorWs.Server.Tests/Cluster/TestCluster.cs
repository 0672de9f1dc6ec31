using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.DistributedData;
using Akka.Configuration;
using ActorWs.Server.Dispatch;
using ActorWs.Server.Options;
using ActorWs.Server.Rooms.Cluster;
using ActorWs.Server.Tests.Infrastructure;
using Xunit;

namespace ActorWs.Server.Tests.Cluster;

/// <summary>
/// Several ActorWs servers in this process, each in its own actor system with the cluster provider, remoting on
/// 127.0.0.1 port 0, all joined to the first system's address: a real Akka.NET cluster, as Akka's own tests build one.
/// </summary>
internal sealed class TestCluster : IAsyncDisposable
{
    private static int s_clusters;

    private TestCluster(IReadOnlyList<TestServer> nodes) => Nodes = nodes;

    /// <summary>The nodes, in the order they were started (the first is the seed).</summary>
    public IReadOnlyList<TestServer> Nodes { get; }

    public TestServer this[int index] => Nodes[index];

    /// <summary>Actor settings for one node: the cluster provider on a free port, quiet logs, nothing that would wait for minutes.</summary>
    public static Config NodeConfig(string extra = "") => ConfigurationFactory.ParseString(extra + """

        akka.loglevel = ERROR
        akka.stdout-loglevel = ERROR
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp.hostname = 127.0.0.1
        akka.remote.dot-netty.tcp.port = 0
        akka.cluster.min-nr-of-members = 1
        akka.cluster.sharding.retry-interval = 200ms
        akka.cluster.sharding.shard-start-timeout = 2s
        akka.coordinated-shutdown.phases.cluster-sharding-shutdown-region.timeout = 3s
        akka.coordinated-shutdown.phases.cluster-exiting.timeout = 3s
        akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
        akka.coordinated-shutdown.exit-clr = off
        """)
        // Sharding's and Distributed Data's serializers from the start, as a hosted node has them: a node whose server
        // has not started yet must still understand the replicator messages of the nodes whose servers have.
        .WithFallback(ClusterSharding.DefaultConfig())
        .WithFallback(DistributedData.DefaultConfig())
        .WithFallback(ActorWsDispatch.DefaultConfig);

    /// <summary>
    /// Akka settings for a test that crashes a node (<see cref="CrashAsync"/>): a system that terminates does not leave
    /// the cluster first, and the survivors down a node they stop hearing after the keep-majority resolver's two seconds.
    /// </summary>
    public const string CrashDowning = """
        akka.coordinated-shutdown.run-by-actor-system-terminate = off
        akka.cluster.downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
        akka.cluster.split-brain-resolver.active-strategy = keep-majority
        akka.cluster.split-brain-resolver.stable-after = 2s

        """;

    /// <summary>
    /// Node <paramref name="node"/> goes as a crash does (the cluster started with <see cref="CrashDowning"/>): its
    /// remoting first, so nothing it stops afterwards can tell the others (a system that merely terminates would send
    /// its actors' death notices, which a killed process never does), then its system.
    /// </summary>
    public async Task CrashAsync(int node)
    {
        var provider = (Akka.Remote.RemoteActorRefProvider)((ExtendedActorSystem)Nodes[node].System).Provider;
        await provider.Transport.Shutdown();
        await Nodes[node].System.Terminate();
    }

    /// <summary>Starts <paramref name="count"/> systems, forms the cluster (every member Up on every node), then starts a server on each.</summary>
    /// <param name="akka">Extra Akka settings for every node.</param>
    public static async Task<TestCluster> StartAsync(int count = 3, Action<ServerOptions>? options = null, Action<ActorWsServer>? configure = null, string akka = "")
    {
        // Members of one cluster share the system name; a name per cluster keeps parallel test classes apart.
        string name = "cluster-" + Interlocked.Increment(ref s_clusters);
        var systems = Enumerable.Range(0, count).Select(_ => ActorSystem.Create(name, NodeConfig(akka))).ToArray();
        var seed = Akka.Cluster.Cluster.Get(systems[0]).SelfAddress;
        foreach (var system in systems) Akka.Cluster.Cluster.Get(system).Join(seed);
        await WaitUntilAsync(() => systems.All(s => Akka.Cluster.Cluster.Get(s).State.Members.Count(m => m.Status == MemberStatus.Up) == count), "every member Up on every node");
        var nodes = new List<TestServer>();
        foreach (var system in systems) nodes.Add(await TestServer.StartAsync(options, configure, system: system));
        Assert.All(nodes, n => Assert.True(ClusterRooms.IsClustered(n.System)));
        // Every node's rooms region registered with the coordinator: until then it places no shard on that node.
        var region = ClusterSharding.Get(systems[0]).ShardRegion(ClusterRooms.RoomsTypeName);
        await WaitUntilAsync(async () => (await region.Ask<CurrentRegions>(GetCurrentRegions.Instance, TestServer.Wait)).Regions.Count == count,
            "every node's rooms region to be registered");
        return new TestCluster(nodes);
    }

    /// <summary>Polls <paramref name="condition"/> every 50 ms until it holds, failing after <see cref="TestServer.Wait"/>.</summary>
    public static Task WaitUntilAsync(Func<bool> condition, string what) => WaitUntilAsync(() => Task.FromResult(condition()), what);

    /// <summary>Polls <paramref name="condition"/> (an asynchronous question, e.g. to every node) until it holds, failing after <see cref="TestServer.Wait"/>.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TestServer.Wait;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("timed out waiting for " + what);
            await Task.Delay(50);
        }
    }

    /// <summary>Whether <paramref name="check"/> holds for what <paramref name="ask"/> answers on every node.</summary>
    public async Task<bool> OnEveryNodeAsync<T>(Func<TestServer, Task<T>> ask, Func<T, bool> check)
    {
        var answers = await Task.WhenAll(Nodes.Select(ask));
        return answers.All(check);
    }

    /// <summary>The index of the node whose actor system hosts <paramref name="actor"/>, a ref got from node <paramref name="askedOn"/>.</summary>
    public int HostOf(IActorRef actor, int askedOn)
    {
        if (actor.IsLocalRef()) return askedOn;
        for (int i = 0; i < Nodes.Count; i++)
            if (actor.Path.Address.Equals(Akka.Cluster.Cluster.Get(Nodes[i].System).SelfAddress)) return i;
        throw new InvalidOperationException($"no node hosts {actor}");
    }

    public async ValueTask DisposeAsync()
    {
        // All at once: a node that leaves while the others stop waits at most the phase timeouts above.
        await Task.WhenAll(Nodes.Select(n => n.DisposeAsync().AsTask()));
        await Task.WhenAll(Nodes.Select(n => n.System.Terminate())).WaitAsync(TestServer.Wait);
    }
}
