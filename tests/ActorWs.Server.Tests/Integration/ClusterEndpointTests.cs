using System.Net;
using System.Net.Http;
using System.Text.Json;
using Akka.Configuration;
using ActorWs.Server.Tests.Infrastructure;
using Xunit;

namespace ActorWs.Server.Tests.Integration;

/// <summary>
/// <c>GET /cluster</c> of a server on an actor system the application made itself with Akka.NET's cluster provider
/// (no hosting layer): it reads Akka.Cluster's membership, whoever set the cluster up.
/// </summary>
public sealed class ClusterEndpointTests
{
    private static readonly Config ClusterNode = ConfigurationFactory.ParseString("""
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
        akka.cluster { periodic-tasks-initial-delay = 100ms, gossip-interval = 200ms, leader-actions-interval = 200ms }
        """);

    private static async Task<JsonElement> GetClusterAsync(TestServer server)
    {
        using var http = new HttpClient { Timeout = TestServer.Wait };
        using var response = await http.GetAsync(server.HttpUri("/cluster"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    [Fact]
    public async Task ANodeNotYetJoined_SaysSo_ThenAfterJoiningItself_IsTheOneUpMember_LeaderAndOldest()
    {
        await using var server = await TestServer.StartAsync(akka: ClusterNode);
        var cluster = Akka.Cluster.Cluster.Get(server.System);
        string self = cluster.SelfAddress.ToString();
        Assert.Matches(@"^akka\.tcp://test-\d+@127\.0\.0\.1:\d+$", self);

        // No seed nodes and no join yet: a member of nothing.
        var before = await GetClusterAsync(server);
        Assert.True(before.GetProperty("enabled").GetBoolean());
        Assert.Equal(self, before.GetProperty("self").GetProperty("address").GetString());
        Assert.Equal("not-joined", before.GetProperty("self").GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, before.GetProperty("leader").ValueKind);
        Assert.Equal(0, before.GetProperty("members").GetArrayLength());
        Assert.Empty(before.GetProperty("membersByStatus").EnumerateObject());

        cluster.Join(cluster.SelfAddress);
        var deadline = DateTime.UtcNow + TestServer.Wait;
        JsonElement after;
        do
        {
            // Akka.Cluster's view of the state takes its events one by one (MemberUp, then LeaderChanged): for a moment a
            // node may be Up while its view names no leader yet (seen once here, 2026-12-07). Wait for both.
            after = await GetClusterAsync(server);
            if (after.GetProperty("self").GetProperty("status").GetString() == "up" && after.GetProperty("self").GetProperty("leader").GetBoolean()) break;
            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);

        var me = after.GetProperty("self");
        Assert.Equal("up", me.GetProperty("status").GetString());
        Assert.True(me.GetProperty("leader").GetBoolean());
        Assert.True(me.GetProperty("oldest").GetBoolean());
        Assert.Equal(self, after.GetProperty("leader").GetString());
        Assert.Equal(self, after.GetProperty("oldest").GetString());
        var member = Assert.Single(after.GetProperty("members").EnumerateArray());
        Assert.Equal(self, member.GetProperty("address").GetString());
        Assert.Equal("up", member.GetProperty("status").GetString());
        Assert.True(member.GetProperty("reachable").GetBoolean());
        Assert.Equal(1, after.GetProperty("membersByStatus").GetProperty("up").GetInt32());
        Assert.Equal(0, after.GetProperty("unreachable").GetArrayLength());

        // The startup line names the endpoint, and the node says which it is.
        Assert.Contains(server.Logs.GetSnapshot(), r => r.Message.Contains("metrics /metrics, cluster /cluster", StringComparison.Ordinal));
        Assert.Contains(server.Logs.GetSnapshot(), r => r.Message.StartsWith($"ActorWs cluster node {self} (roles: none) — seed nodes: none", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OnALocalSystem_ItSaysClusteringIsOff_AndTheStartupLineDoesNotNameIt()
    {
        await using var server = await TestServer.StartAsync();
        var view = await GetClusterAsync(server);
        Assert.Equal("""{"enabled":false,"provider":"local","message":"clustering is off: akka.actor.provider is local (set it to cluster to join other nodes)"}""", view.GetRawText());
        Assert.DoesNotContain(server.Logs.GetSnapshot(), r => r.Message.Contains("/cluster", StringComparison.Ordinal));

        // An application's own GET handler for the path comes first, as for every built-in endpoint.
        await using var own = await TestServer.StartAsync(configure: s => s.MapGet("/cluster", _ => Http.HttpResponse.Json(200, "{\"mine\":true}")));
        Assert.True((await GetClusterAsync(own)).GetProperty("mine").GetBoolean());
    }
}
