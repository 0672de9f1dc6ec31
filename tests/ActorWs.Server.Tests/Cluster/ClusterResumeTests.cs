using ActorWs.Server.Messaging;
using ActorWs.Server.Rooms;
using ActorWs.Server.Tests.Infrastructure;
using Xunit;

namespace ActorWs.Server.Tests.Cluster;

/// <summary>
/// Resuming a session on another node than its own: the client hands back, with its token and lastSeq, each room's
/// position of the last message it processed; the rooms take the new session as the same member and replay what it
/// missed. Three nodes in this process, real WebSocket clients.
/// </summary>
[Collection(nameof(ClusterRoomTests))] // one cluster at a time
public sealed class ClusterResumeTests
{
    /// <summary>A game room that sends each member's binary message back to that member alone.</summary>
    private sealed class BinaryEchoRoom : Room
    {
        protected internal override void OnMessage(RoomMember member, WebSocketMessage message) => Send(member, message.Span, message.Type);
    }

    /// <summary>
    /// Rooms made from node 1 (names room-1 …), by the node that hosts each, until <paramref name="enough"/> holds (the
    /// coordinator places shards as it sees fit; at most 60 rooms are made).
    /// </summary>
    private static async Task<Dictionary<int, List<string>>> RoomsByHostAsync(TestCluster cluster, Func<Dictionary<int, List<string>>, bool> enough)
    {
        var byHost = new Dictionary<int, List<string>> { [0] = new(), [1] = new(), [2] = new() };
        for (int i = 1; i <= 60 && !enough(byHost); i++)
        {
            string name = "room-" + i;
            byHost[cluster.HostOf(await cluster[1].Server.Rooms.GetOrCreateAsync("chat", name), 1)].Add(name);
        }
        Assert.True(enough(byHost), "sixty rooms were not placed as the test needs: " + string.Join("; ", byHost.Select(h => $"node {h.Key}: {h.Value.Count}")));
        return byHost;
    }

    /// <summary>The resume query: token, lastSeq, and <c>pos=&lt;rseq&gt;:chat:&lt;room&gt;</c> for each room.</summary>
    private static string ResumeQuery(string token, long lastSeq, IEnumerable<(string Room, long Rseq)> positions) =>
        $"/ws?resume={Uri.EscapeDataString(token)}&lastSeq={lastSeq}" +
        string.Concat(positions.Select(p => "&pos=" + Uri.EscapeDataString($"{p.Rseq}:chat:{p.Room}")));

    private static string Text(Received message) => message.Json!.Value.GetProperty("data").GetProperty("n").GetString()!;

    private static Task SendNumberedAsync(JsonClient sender, string room, string n) =>
        sender.OkAsync("send", $"\"room\":\"{room}\",\"data\":{{\"n\":\"{n}\"}}");

    [Fact]
    public async Task ASessionResumesOnAnotherNode_AfterItsNodeLeft_WithNoGapAndNoDuplicate_AndARoomThatMovedAwayWithoutWhatItMissedIsToldClosed()
    {
        await using var cluster = await TestCluster.StartAsync();
        var byHost = await RoomsByHostAsync(cluster, h => h[0].Count >= 1 && h[1].Count + h[2].Count >= 2);
        string[] kept = byHost[1].Concat(byHost[2]).Take(2).ToArray();
        string doomed = byHost[0][0];

        // The client on node 0 (which will leave), the sender on node 1; both in the two kept rooms and the doomed one.
        var client = await JsonClient.ConnectAsync(cluster[0]);
        Assert.True(client.IsClusterNode, "a cluster node's welcome says so");
        await using var sender = await JsonClient.ConnectAsync(cluster[1]);
        long doomedIncarnation = 0;
        foreach (var room in kept.Append(doomed))
        {
            var joined = await client.OkAsync("join", $"\"room\":\"{room}\"");
            if (room == doomed) doomedIncarnation = joined.GetProperty("incarnation").GetInt64();
            await sender.OkAsync("join", $"\"room\":\"{room}\"");
        }

        // Twenty messages, alternating rooms; the client receives them all but has processed only the first twelve.
        var received = new List<Received>();
        for (int i = 1; i <= 20; i++)
        {
            string room = kept[i % 2];
            await SendNumberedAsync(sender, room, $"{room}/{i}");
            received.Add(await client.NextAsync(r => r.Op == "message" && Text(r) == $"{room}/{i}"));
        }
        Assert.All(received, r => Assert.Equal(r.Json!.Value.GetProperty("room").GetString(), r.Position!.Room));
        var processed = received.Take(12).ToList();
        long lastSeq = processed[^1].Seq;
        var positions = kept.Select(room => (room, processed.Where(r => r.Position!.Room == room).Max(r => r.Position!.Rseq))).ToList();
        positions.Add((doomed, 0)); // nothing from it yet
        string token = client.Token;

        // The connection drops; more is said while the client is away; then its node leaves the cluster.
        await client.DisposeAsync();
        for (int i = 21; i <= 26; i++) await SendNumberedAsync(sender, kept[i % 2], $"{kept[i % 2]}/{i}");
        var leaving = Akka.Cluster.Cluster.Get(cluster[0].System);
        leaving.Leave(leaving.SelfAddress);
        await TestCluster.WaitUntilAsync(() => Akka.Cluster.Cluster.Get(cluster[2].System).State.Members.All(m => !m.Address.Equals(leaving.SelfAddress)),
            "node 0 to be gone from the cluster");
        for (int i = 27; i <= 30; i++) await SendNumberedAsync(sender, kept[i % 2], $"{kept[i % 2]}/{i}");

        // Back, on node 2: resumed, everything after what it processed exactly once and in order, numbered on from lastSeq.
        await using var resumed = await JsonClient.ConnectAsync(cluster[2], ResumeQuery(token, lastSeq, positions));
        Assert.True(resumed.Welcome.GetProperty("resumed").GetBoolean(), resumed.Welcome.ToString());
        Assert.Equal(lastSeq, resumed.Welcome.GetProperty("lastSeq").GetInt64());
        Assert.NotEqual(token, resumed.Token);
        var closed = await resumed.NextAsync(r => r.Op == "notice" && r.Json!.Value.GetProperty("room").GetString() == doomed);
        Assert.Equal("closed", closed.Json!.Value.GetProperty("event").GetString());
        var expected = Enumerable.Range(13, 18).Select(i => $"{kept[i % 2]}/{i}").ToList();
        // Every numbered message (the data, and presence: had the rooms already seen the old session go, they show the
        // member leave and come back) is numbered on from lastSeq without a hole.
        var numbered = new List<Received>();
        while (numbered.Count(r => r.Op == "message") < expected.Count) numbered.Add(await resumed.NextAsync(r => r.Seq > 0));
        var replayed = numbered.Where(r => r.Op == "message").ToList();
        Assert.Equal(expected.Order(), replayed.Select(Text).Order());
        foreach (var room in kept)
            Assert.Equal(expected.Where(e => e.StartsWith(room + "/")), replayed.Where(r => r.Position!.Room == room).Select(Text));
        Assert.Equal(Enumerable.Range(1, numbered.Count).Select(i => lastSeq + i), numbered.Select(r => r.Seq));
        Assert.All(numbered, r => Assert.NotNull(r.Position));
        Assert.DoesNotContain(await resumed.DrainAsync(TimeSpan.FromMilliseconds(300)), r => r.Op == "message");

        // Live traffic both ways: the session is the member (the sender's message reaches it, its own reaches the sender).
        await SendNumberedAsync(sender, kept[0], "live");
        Assert.Equal(lastSeq + numbered.Count + 1, (await resumed.NextAsync(r => r.Op == "message" && Text(r) == "live")).Seq);
        await SendNumberedAsync(resumed, kept[1], "from the resumed session");
        await sender.NextAsync(r => r.Op == "message" && Text(r) == "from the resumed session");
        await resumed.NextAsync(r => r.Op == "message" && Text(r) == "from the resumed session");
        var error = await resumed.RequestAsync("send", $"\"room\":\"{doomed}\",\"data\":{{\"n\":\"x\"}}");
        Assert.Equal("error", error.GetProperty("op").GetString()); // the lost room is not one of its rooms any more
        // Joined again, it is the same life of the room: it moved with node 0's leave (only what it had delivered before
        // the move stayed behind, so a resume from before it is refused rather than answered with a gap).
        var again = await resumed.OkAsync("join", $"\"room\":\"{doomed}\"");
        Assert.Equal(doomedIncarnation, again.GetProperty("incarnation").GetInt64());
    }

    [Fact]
    public async Task AResumedSession_ResumesAgainOnAThirdNode_WithTheTokenItsWelcomeGave_AndTheSpentTokenIsRefusedEverywhere()
    {
        await using var cluster = await TestCluster.StartAsync();
        var byHost = await RoomsByHostAsync(cluster, h => h.Values.Sum(rooms => rooms.Count) >= 1);
        string room = byHost.SelectMany(h => h.Value).First();

        var first = await JsonClient.ConnectAsync(cluster[0]);
        await using var sender = await JsonClient.ConnectAsync(cluster[1]);
        await first.OkAsync("join", $"\"room\":\"{room}\"");
        await sender.OkAsync("join", $"\"room\":\"{room}\"");
        await SendNumberedAsync(sender, room, "1");
        var one = await first.NextAsync(r => r.Op == "message" && Text(r) == "1");
        string firstToken = first.Token;
        await first.DisposeAsync();
        await SendNumberedAsync(sender, room, "2");

        // Node 0 is still up: the client simply came back elsewhere (as a load balancer may send it).
        var second = await JsonClient.ConnectAsync(cluster[1], ResumeQuery(firstToken, one.Seq, [(room, one.Position!.Rseq)]));
        Assert.True(second.Welcome.GetProperty("resumed").GetBoolean(), second.Welcome.ToString());
        var two = await second.NextAsync(r => r.Op == "message");
        Assert.Equal(("2", one.Seq + 1), (Text(two), two.Seq));
        string secondToken = second.Token;
        await second.DisposeAsync();
        await SendNumberedAsync(sender, room, "3");

        // The spent token is refused on any node (the rooms know the new one), the current one works on a third node.
        await using (var replay = await JsonClient.ConnectAsync(cluster[2], ResumeQuery(firstToken, one.Seq, [(room, one.Position!.Rseq)])))
        {
            Assert.False(replay.Welcome.GetProperty("resumed").GetBoolean());
            Assert.Equal("unknown or expired token", replay.Welcome.GetProperty("resumeError").GetString());
        }
        await using var third = await JsonClient.ConnectAsync(cluster[2], ResumeQuery(secondToken, two.Seq, [(room, two.Position!.Rseq)]));
        Assert.True(third.Welcome.GetProperty("resumed").GetBoolean(), third.Welcome.ToString());
        var three = await third.NextAsync(r => r.Op == "message");
        Assert.Equal(("3", two.Seq + 1), (Text(three), three.Seq));
        Assert.DoesNotContain(await third.DrainAsync(TimeSpan.FromMilliseconds(300)), r => r.Op == "message");
    }

    [Fact]
    public async Task AnUnknownToken_WithPositions_GetsAFreshSession_AndTheRoomsItNamedKeepTheirMembers()
    {
        await using var cluster = await TestCluster.StartAsync();
        await using var member = await JsonClient.ConnectAsync(cluster[0]);
        await member.OkAsync("join", "\"room\":\"lobby\"");

        await using var stranger = await JsonClient.ConnectAsync(cluster[1], ResumeQuery("AAAAAAAAAAAAAAAAAAAAAA", 5, [("lobby", 1)]));
        Assert.False(stranger.Welcome.GetProperty("resumed").GetBoolean());
        Assert.Equal("unknown or expired token", stranger.Welcome.GetProperty("resumeError").GetString());
        var listing = await stranger.OkAsync("listRooms", "\"type\":\"chat\"");
        var lobby = listing.GetProperty("rooms").EnumerateArray().Single(r => r.GetProperty("room").GetString() == "lobby");
        Assert.Equal(1, lobby.GetProperty("clients").GetInt32());
        var error = await stranger.RequestAsync("send", "\"room\":\"lobby\",\"data\":{}");
        Assert.Equal("error", error.GetProperty("op").GetString());
    }

    [Fact]
    public async Task BinaryRoomMessages_FromAClusterNode_CarryTheirRoomAndPosition()
    {
        await using var cluster = await TestCluster.StartAsync(configure: server => server.DefineRoom<BinaryEchoRoom>("echo-binary"));
        await using var client = await JsonClient.ConnectAsync(cluster[0]);
        var joined = await client.OkAsync("joinOrCreate", "\"type\":\"echo-binary\"");
        string room = joined.GetProperty("room").GetString()!;
        await client.SendBinaryAsync([1, 2, 3]);
        var binary = await client.NextAsync(r => r.Op == "(binary)");
        Assert.Equal(new byte[] { 1, 2, 3 }, binary.Binary);
        Assert.Equal(room, binary.Position!.Room);
        Assert.True(binary.Position.Rseq > 0);
        Assert.True(binary.Seq > 0);
    }

    [Fact]
    public async Task ASessionWhoseWindowExpired_CannotBeResumedFromAnotherNodeEither()
    {
        await using var cluster = await TestCluster.StartAsync(options: o => o.Rooms.ReconnectionWindow = TimeSpan.FromSeconds(1));
        await using var sender = await JsonClient.ConnectAsync(cluster[1]);
        var client = await JsonClient.ConnectAsync(cluster[0]);
        await client.OkAsync("join", "\"room\":\"lobby\"");
        await sender.OkAsync("join", "\"room\":\"lobby\"");
        await SendNumberedAsync(sender, "lobby", "1");
        var one = await client.NextAsync(r => r.Op == "message");
        string token = client.Token;
        await client.DisposeAsync();

        // The window passes: the session ends on its node, and its rooms forget its token (they saw it leave).
        await TestCluster.WaitUntilAsync(() => cluster[0].Server.Metrics.ActiveSessions == 0, "the session to end after its window");
        await sender.NextAsync(r => r.Op == "presence" && r.Json!.Value.GetProperty("event").GetString() == "leave");

        await using var late = await JsonClient.ConnectAsync(cluster[2], ResumeQuery(token, one.Seq, [("lobby", one.Position!.Rseq)]));
        Assert.False(late.Welcome.GetProperty("resumed").GetBoolean(), late.Welcome.ToString());
        Assert.Equal("unknown or expired token", late.Welcome.GetProperty("resumeError").GetString());
    }
}
