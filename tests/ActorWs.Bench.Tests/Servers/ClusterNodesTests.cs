using ActorWs.Bench.Servers;
using Xunit;

namespace ActorWs.Bench.Tests.Servers;

/// <summary>What the cluster scenarios read from a node: its <c>GET /cluster</c> and the relay counters of <c>GET /metrics</c>.</summary>
public class ClusterNodesTests
{
    private static string View(string selfStatus, string byStatus, string unreachable = "") =>
        $$"""{"self":{"address":"akka.tcp://actorws@127.0.0.1:4091","status":"{{selfStatus}}"},"leader":"x","membersByStatus":{{{byStatus}}},"members":[],"unreachable":[{{unreachable}}]}""";

    [Fact]
    public void Up_members_are_counted_only_when_all_are_up_the_node_itself_included_and_none_is_unreachable()
    {
        Assert.Equal(3, ClusterNodes.UpMembers(View("up", "\"up\":3")));
        Assert.Equal(1, ClusterNodes.UpMembers(View("up", "\"up\":1")));
        Assert.Equal(0, ClusterNodes.UpMembers(View("joining", "\"up\":2,\"joining\":1")));
        Assert.Equal(0, ClusterNodes.UpMembers(View("up", "\"up\":2,\"joining\":1")));
        Assert.Equal(0, ClusterNodes.UpMembers(View("up", "\"up\":3", """{"address":"akka.tcp://actorws@127.0.0.1:4093","status":"up"}""")));
        Assert.Equal(0, ClusterNodes.UpMembers(View("not-joined", "")));
        Assert.Equal(0, ClusterNodes.UpMembers("not json"));
        Assert.Equal(0, ClusterNodes.UpMembers("[]"));
    }

    [Fact]
    public void Relay_counters_are_read_by_direction_and_absent_on_a_node_without_them()
    {
        const string metrics = """
            # HELP actorws_cluster_relay_messages_total Room broadcasts carried between nodes.
            # TYPE actorws_cluster_relay_messages_total counter
            actorws_cluster_relay_messages_total{direction="sent"} 1200
            actorws_cluster_relay_messages_total{direction="received",otel_scope_name="ActorWs"} 1.5e3
            actorws_connections_open 12
            """;
        Assert.Equal((1200d, 1500d), ClusterNodes.RelayCounters(metrics));
        Assert.Equal((7d, 0d), ClusterNodes.RelayCounters("actorws_cluster_relay_messages_total{direction=\"sent\"} 7\n"));
        Assert.Null(ClusterNodes.RelayCounters("actorws_connections_open 12\n"));
        // The broadcasts carried, read by name beside the messages that carried them.
        const string both = """
            actorws_cluster_relay_messages_total{direction="sent"} 10
            actorws_cluster_relayed_broadcasts_total{direction="sent"} 36
            actorws_cluster_relayed_broadcasts_total{direction="received"} 18
            """;
        Assert.Equal((10d, 0d), ClusterNodes.RelayCounters(both));
        Assert.Equal((36d, 18d), ClusterNodes.RelayCounters(both, ClusterNodes.RelayedBroadcastsCounter));
    }

    [Fact]
    public void A_cluster_node_is_started_with_the_cluster_provider_its_remoting_port_and_the_founder_as_seed()
    {
        var founder = ServerLaunch.ClusterNode("/x/ActorWs.dll", 4091, null);
        Assert.Equal(
            ["/x/ActorWs.dll", "--host", "127.0.0.1", "--port", "8091", "--akka:actor:provider=cluster", "--cluster-host", "127.0.0.1", "--cluster-port", "4091"],
            founder.DotnetArguments("127.0.0.1", 8091));
        var joiner = ServerLaunch.ClusterNode("/x/ActorWs.dll", 4092, 4091);
        Assert.Equal(["--cluster-seed", "127.0.0.1:4091"], joiner.DotnetArguments("127.0.0.1", 8092).TakeLast(2));
    }
}
