using System.Net.WebSockets;
using ActorWs.Client.Connection;
using ActorWs.Client.Events;
using ActorWs.Client.Options;
using ActorWs.Client.Resume;
using ActorWs.Client.Tests.Infrastructure;

namespace ActorWs.Client.Tests.Resume;

/// <summary>
/// Room positions against a scripted cluster node: a <c>"cluster":true</c> welcome, messages carrying <c>pos</c>,
/// binary messages in the cluster layout, and the <c>pos=</c> parameters the client hands back when it resumes.
/// </summary>
public class ClusterPositionTests : IAsyncLifetime
{
    private static readonly ActorWsClientOptions Options = new() { Random = () => 0, HeartbeatInterval = TimeSpan.Zero, AckInterval = TimeSpan.Zero };

    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<(ActorWsClient, EventRecorder, ScriptedConnection)> ConnectAsync(ActorWsClientOptions? options = null)
    {
        var client = new ActorWsClient(_server.ThroughCutter("/scripted"), options ?? Options);
        var events = new EventRecorder(client);
        await client.ConnectAsync().WaitAsync(TestServer.Wait);
        return (client, events, await _server.Scripted.NextConnectionAsync());
    }

    /// <summary>The welcome of a cluster node: fresh on the first connection, resumed on the later ones.</summary>
    private static string ClusterWelcome(ScriptedConnection c) => c.Number == 1
        ? ScriptedPeer.WelcomeJson("s-1", "tok-1", resumed: false, cluster: true)
        : ScriptedPeer.WelcomeJson("s-1", $"tok-{c.Number}", resumed: true, lastSeq: 0, cluster: true);

    [Fact]
    public async Task The_resume_url_carries_the_position_of_each_room_the_client_is_in()
    {
        _server.Scripted.Welcome = ClusterWelcome;
        var (client, events, first) = await ConnectAsync();
        await using var _ = client;
        Assert.True((await events.WaitAsync<Welcomed>()).Cluster);
        Assert.True(client.IsCluster);
        await client.JoinAsync("lobby").WaitAsync(TestServer.Wait);
        await client.JoinAsync("a:b").WaitAsync(TestServer.Wait);       // room names may hold ':'
        await client.JoinAsync("gone").WaitAsync(TestServer.Wait);
        await client.JoinAsync("left").WaitAsync(TestServer.Wait);
        var arena = await client.JoinOrCreateAsync("arena").WaitAsync(TestServer.Wait);
        Assert.Equal("arena-1", arena.Room);

        first.SendNumbered("""{"op":"message","room":"lobby","from":"s-3","data":{"t":1}}""", seq: 1, "lobby", rseq: 57);
        first.SendNumbered("""{"op":"message","room":"lobby","from":"s-3","data":{"t":2}}""", seq: 2, "lobby", rseq: 50);   // never lowers
        first.SendClusterBinary(seq: 3, rseq: 9, "arena-1", 10, 20);
        first.SendNumbered("""{"op":"message","room":"arena-1","data":"again"}""", seq: 3, "arena-1", rseq: 99);           // a repeat by seq
        first.SendNumbered("""{"op":"presence","room":"a:b","event":"join","member":"s-4"}""", seq: 4, "a:b", rseq: 3);
        first.SendNumbered("""{"op":"message","room":"elsewhere","data":"x"}""", seq: 5, "elsewhere", rseq: 70);         // never joined
        first.SendNumbered("""{"op":"message","room":"gone","data":"x"}""", seq: 6, "gone", rseq: 4);
        first.SendNumbered("""{"op":"notice","room":"gone","event":"closed","reason":"room closed"}""", seq: 7, "gone", rseq: 5);
        first.SendNumbered("""{"op":"message","room":"left","data":"x"}""", seq: 8, "left", rseq: 6);
        await events.WaitCountAsync<RoomMessage>(5);
        await events.WaitAsync<RoomNotice>();
        await client.LeaveAsync("left").WaitAsync(TestServer.Wait);

        var binary = await events.WaitAsync<BinaryReceived>();
        Assert.Equal([10, 20], binary.Payload.ToArray());
        Assert.Equal((3L, "arena-1"), (binary.Seq, binary.Room));
        Assert.Equal([1L, 2, 5, 6, 8], events.All<RoomMessage>().Select(m => m.Seq!.Value));
        Assert.Equal(1, client.DuplicateMessages);
        Assert.Equal(0, client.IgnoredMessages);
        Assert.Equal(
            [new RoomPosition("a:b", "chat", 3), new RoomPosition("arena-1", "arena", 9), new RoomPosition("lobby", "chat", 57)],
            client.Positions);

        _server.Cutter.CutAll();
        var second = await _server.Scripted.NextConnectionAsync();
        Assert.Equal(("tok-1", "8"), (second.QueryValues["resume"], second.QueryValues["lastSeq"]));
        Assert.Equal(["3:chat:a:b", "9:arena:arena-1", "57:chat:lobby"], second.QueryAll("pos"));
        Assert.Contains("pos=3%3Achat%3Aa%3Ab", second.Query);
        await events.WaitCountAsync<ConnectionStateChanged>(2, s => s.State == ConnectionState.Open);
        Assert.Empty(events.All<ResumeFailed>());

        // The resumed session goes on from where the positions were.
        second.SendNumbered("""{"op":"message","room":"lobby","data":"next"}""", seq: 9, "lobby", rseq: 58);
        await events.WaitAsync<RoomMessage>(m => m.Seq == 9);
        Assert.Equal(58, client.Positions.Single(p => p.Room == "lobby").Rseq);
    }

    [Fact]
    public async Task Binary_positions_are_widened_per_room_and_malformed_cluster_binaries_are_ignored()
    {
        _server.Scripted.Welcome = ClusterWelcome;
        var (client, events, server) = await ConnectAsync();
        await using var _ = client;
        await client.JoinOrCreateAsync("arena").WaitAsync(TestServer.Wait);
        await client.CreateAsync("duel").WaitAsync(TestServer.Wait);
        const long NearWrap = 0xFFFF_FFF0;
        server.SendNumbered("""{"op":"message","room":"arena-1","data":0}""", seq: 1, "arena-1", rseq: NearWrap);
        server.SendNumbered("""{"op":"message","room":"duel-1","data":0}""", seq: 2, "duel-1", rseq: (3L << 32) + 100);
        server.SendClusterBinary(seq: 3, rseq: 2, "arena-1", 1);                 // past 2^32: 0x1_0000_0002
        server.SendClusterBinary(seq: 4, rseq: 90, "duel-1", 2);                 // a little back: not lowered
        server.SendClusterBinary(seq: 5, rseq: 101, "duel-1");                   // an empty payload is fine
        server.SendBytes([0, 0, 0, 6, 0, 0, 0, 1, 5, (byte)'a'], WebSocketMessageType.Binary);       // name longer than the message
        server.SendBytes([0, 0, 0, 7, 0, 0, 0, 1, 1, 0xFF, 3], WebSocketMessageType.Binary);         // name not UTF-8
        server.SendBytes([0, 0, 0, 8, 0, 0, 0, 1], WebSocketMessageType.Binary);                      // no name length
        server.SendClusterBinary(seq: 9, rseq: 1, "arena-1", 4);                 // still fine afterwards: 0x1_0000_0002 stays
        var binaries = await events.WaitCountAsync<BinaryReceived>(4);

        Assert.Equal([(3L, "arena-1", 1), (4L, "duel-1", 2), (5L, "duel-1", -1), (9L, "arena-1", 4)],
            binaries.Select(b => (b.Seq, b.Room!, b.Payload.IsEmpty ? -1 : (int)b.Payload.Span[0])));
        Assert.Equal(3, client.IgnoredMessages);
        Assert.Equal([new RoomPosition("arena-1", "arena", (1L << 32) + 2), new RoomPosition("duel-1", "duel", (3L << 32) + 101)], client.Positions);
    }

    [Fact]
    public async Task A_fresh_session_clears_the_positions_and_rejoined_rooms_start_again_at_zero()
    {
        _server.Scripted.Welcome = c => c.Number switch
        {
            1 => ScriptedPeer.WelcomeJson("s-1", "tok-1", resumed: false, cluster: true),
            2 => ScriptedPeer.WelcomeJson("s-2", "tok-2", resumed: false, resumeError: "unknown or expired token", cluster: true),
            _ => ScriptedPeer.WelcomeJson("s-2", "tok-3", resumed: true, lastSeq: 0, cluster: true),
        };
        var (client, events, first) = await ConnectAsync();
        await using var _ = client;
        await client.JoinAsync("lobby").WaitAsync(TestServer.Wait);
        await client.JoinOrCreateAsync("arena").WaitAsync(TestServer.Wait);
        first.SendNumbered("""{"op":"message","room":"lobby","data":1}""", seq: 1, "lobby", rseq: 12);
        await events.WaitAsync<RoomMessage>();

        _server.Cutter.CutAll();
        var second = await _server.Scripted.NextConnectionAsync();
        Assert.Equal(["0:arena:arena-1", "12:chat:lobby"], second.QueryAll("pos"));
        await events.WaitAsync<RoomRejoined>(r => r.Room == "lobby");
        await events.WaitCountAsync<ConnectionStateChanged>(2, s => s.State == ConnectionState.Open);
        // The game room is lost with the session; the chat room was joined again in the new one.
        Assert.Equal([new RoomPosition("lobby", "chat", 0)], client.Positions);

        _server.Cutter.CutAll();
        var third = await _server.Scripted.NextConnectionAsync();
        Assert.Equal(("tok-2", "0"), (third.QueryValues["resume"], third.QueryValues["lastSeq"]));
        Assert.Equal(["0:chat:lobby"], third.QueryAll("pos"));
    }

    [Fact]
    public async Task Without_cluster_in_the_welcome_nothing_changes()
    {
        _server.Scripted.Welcome = c => ScriptedPeer.WelcomeJson("s-1", $"tok-{c.Number}", resumed: c.Number > 1, lastSeq: c.Number > 1 ? 2 : null);
        var (client, events, first) = await ConnectAsync();
        await using var _ = client;
        Assert.False((await events.WaitAsync<Welcomed>()).Cluster);
        await client.JoinAsync("lobby").WaitAsync(TestServer.Wait);
        // Even with a pos (which such a server does not send), nothing is tracked; binary has the plain layout.
        first.SendNumbered("""{"op":"message","room":"lobby","data":1}""", seq: 1, "lobby", rseq: 12);
        first.SendBytes([0, 0, 0, 2, 0, 0, 0, 1, 5], WebSocketMessageType.Binary);
        var binary = await events.WaitAsync<BinaryReceived>();
        Assert.Equal([0, 0, 0, 1, 5], binary.Payload.ToArray());
        Assert.Equal((2L, (string?)null), (binary.Seq, binary.Room));
        Assert.False(client.IsCluster);
        Assert.Empty(client.Positions);

        _server.Cutter.CutAll();
        var second = await _server.Scripted.NextConnectionAsync();
        Assert.Equal(("tok-1", "2"), (second.QueryValues["resume"], second.QueryValues["lastSeq"]));
        Assert.Empty(second.QueryAll("pos"));
    }

    [Fact]
    public async Task Positions_saved_from_an_earlier_run_are_offered_on_the_first_connection()
    {
        _server.Scripted.Welcome = c => ScriptedPeer.WelcomeJson("s-9", "tok-10", resumed: true, lastSeq: 12, cluster: true);
        var saved = new[] { new RoomPosition("lobby", "chat", 40), new RoomPosition("arena-2", "arena", 7) };
        var (client, events, server) = await ConnectAsync(Options with { ResumeToken = "tok-9", ResumeLastSeq = 12, ResumePositions = saved });
        await using var _ = client;
        Assert.Equal(("tok-9", "12"), (server.QueryValues["resume"], server.QueryValues["lastSeq"]));
        Assert.Equal(["7:arena:arena-2", "40:chat:lobby"], server.QueryAll("pos"));
        // Resumed on a cluster node: the positions stay, the next message moves its room on.
        server.SendClusterBinary(seq: 13, rseq: 8, "arena-2", 1);
        await events.WaitAsync<BinaryReceived>();
        Assert.Equal([new RoomPosition("arena-2", "arena", 8), new RoomPosition("lobby", "chat", 40)], client.Positions);
    }

    [Fact]
    public async Task A_room_back_as_a_new_life_after_its_node_was_lost_starts_its_position_again_at_zero()
    {
        _server.Scripted.Welcome = ClusterWelcome;
        var (client, events, first) = await ConnectAsync();
        await using var _ = client;
        await events.WaitAsync<Welcomed>();
        await client.JoinAsync("lobby").WaitAsync(TestServer.Wait);
        await client.JoinAsync("calm").WaitAsync(TestServer.Wait);
        first.SendNumbered("""{"op":"message","room":"lobby","data":1}""", seq: 1, "lobby", rseq: 400);
        first.SendNumbered("""{"op":"message","room":"calm","data":1}""", seq: 2, "calm", rseq: 30);
        // The same room restarting its logic keeps its numbering; one lost with its node and back as a new life does not.
        first.Send("""{"op":"notice","room":"calm","event":"restarted","reason":"the room failed"}""");
        first.Send("""{"op":"notice","room":"lobby","event":"restarted","reason":"the room was lost with its node and started again","incarnation":1733000000123}""");
        first.SendNumbered("""{"op":"presence","room":"lobby","event":"join","member":"s-1"}""", seq: 3, "lobby", rseq: 2);
        await events.WaitCountAsync<RoomNotice>(2);
        await events.WaitAsync<PresenceChanged>();
        Assert.Equal([new RoomPosition("calm", "chat", 30), new RoomPosition("lobby", "chat", 2)], client.Positions);

        _server.Cutter.CutAll();
        var second = await _server.Scripted.NextConnectionAsync();
        Assert.Equal(["30:chat:calm", "2:chat:lobby"], second.QueryAll("pos"));
    }
}
