using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Akka.Actor;
using Akka.Cluster.Sharding;
using ActorWs.Protocol.Frames;
using ActorWs.Server.Rooms.Cluster;
using ActorWs.Server.Rooms;
using ActorWs.Server.Tests.Infrastructure;
using ActorWs.Server.Tests.Integration;
using Xunit;

namespace ActorWs.Server.Tests.Cluster;

/// <summary>
/// Three ActorWs servers forming an Akka.NET cluster in this process, with real WebSocket clients connected to different
/// nodes: rooms are one per name in the whole cluster, reached from every node; broadcasts cross the network once per
/// other node with members; matchmaking, listings and presence are cluster-wide.
/// </summary>
[Collection(nameof(ClusterRoomTests))] // one cluster at a time: three systems each already share this box's two cores
public sealed class ClusterRoomTests
{
    /// <summary>A matchmade room of two seats whose <c>mode</c> option becomes its metadata.</summary>
    private sealed class DuelRoom : Room
    {
        protected internal override void OnCreate(JsonElement options)
        {
            MaxClients = 2;
            if (options.TryGetProperty("mode", out var mode)) SetMetadata("mode", mode.GetString());
        }
    }

    private static void DefineDuel(ActorWsServer server) => server.DefineRoom<DuelRoom>("duel");

    private static (long Sent, long Received)[] RelayCounts(TestCluster cluster) =>
        cluster.Nodes.Select(n => (n.Server.Metrics.RelayMessagesSent, n.Server.Metrics.RelayMessagesReceived)).ToArray();

    private static bool IsPresence(Received r, string @event, string member) =>
        r.Op == "presence" && r.Json!.Value.GetProperty("event").GetString() == @event && r.Json!.Value.GetProperty("member").GetString() == member;

    [Fact]
    public async Task ChatRoomByName_IsOneRoomForEveryNode_PresenceAndMessagesReachMembersOnAllNodes_WithOneRemoteMessagePerOtherNode()
    {
        await using var cluster = await TestCluster.StartAsync();
        await using var a = await JsonClient.ConnectAsync(cluster[0]);
        await using var b = await JsonClient.ConnectAsync(cluster[1]);
        await using var c = await JsonClient.ConnectAsync(cluster[2]);

        var joinedA = await a.OkAsync("join", "\"room\":\"lobby\"");
        Assert.Equal(new[] { a.SessionId }, joinedA.GetProperty("members").EnumerateArray().Select(m => m.GetString()));
        var joinedB = await b.OkAsync("join", "\"room\":\"lobby\"");
        Assert.Equal(new[] { a.SessionId, b.SessionId }, joinedB.GetProperty("members").EnumerateArray().Select(m => m.GetString()));
        var joinedC = await c.OkAsync("join", "\"room\":\"lobby\"");
        Assert.Equal(new[] { a.SessionId, b.SessionId, c.SessionId }, joinedC.GetProperty("members").EnumerateArray().Select(m => m.GetString()));

        // Presence crosses nodes: a (node 0) sees b and c join, b (node 1) sees c join.
        await a.NextAsync(r => IsPresence(r, "join", b.SessionId));
        await a.NextAsync(r => IsPresence(r, "join", c.SessionId));
        await b.NextAsync(r => IsPresence(r, "join", c.SessionId));

        // One room: every node's directory finds the same actor, which lives on exactly one node.
        var refs = new List<IActorRef>();
        for (int i = 0; i < 3; i++) refs.Add((await cluster[i].Server.Rooms.FindAsync("chat", "lobby"))!);
        var hosts = refs.Select((r, i) => cluster.HostOf(r, i)).Distinct().ToArray();
        Assert.Single(hosts);
        int host = hosts[0];
        Assert.All(refs, r => Assert.Equal(refs[host].Path.ToStringWithoutAddress(), r.Path.ToStringWithoutAddress()));

        // One broadcast (a message from a member on a node other than the room's, to every member, the sender included):
        // one remote message to each of the two other nodes.
        var clients = new[] { a, b, c };
        var sender = clients[(host + 1) % 3];
        var before = RelayCounts(cluster);
        await sender.OkAsync("send", "\"room\":\"lobby\",\"data\":{\"text\":\"hello\"}");
        foreach (var member in clients)
        {
            var message = await member.NextAsync(r => r.Op == "message");
            Assert.Equal("hello", message.Json!.Value.GetProperty("data").GetProperty("text").GetString());
            Assert.Equal(sender.SessionId, message.Json!.Value.GetProperty("from").GetString());
        }
        var after = RelayCounts(cluster);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(i == host ? 2 : 0, after[i].Sent - before[i].Sent);
            Assert.Equal(i == host ? 0 : 1, after[i].Received - before[i].Received);
        }

        // Leaving is seen on every node too.
        await c.OkAsync("leave", "\"room\":\"lobby\"");
        await a.NextAsync(r => IsPresence(r, "leave", c.SessionId));
        await b.NextAsync(r => IsPresence(r, "leave", c.SessionId));
    }

    [Fact]
    public async Task RelayRoute_MembersOnThreeNodes_GetEveryMessageOnce_AndEachBroadcastCrossesToEachOtherNodeOnce()
    {
        await using var cluster = await TestCluster.StartAsync();
        var members = new List<ClientWebSocket>();
        try
        {
            // Two members on every node: a node's relay still gets each broadcast once.
            for (int i = 0; i < 6; i++) members.Add(await cluster[i % 3].ConnectAsync("/rooms/arena"));
            await AwaitAllInAsync(members);
            var room = (await cluster[0].Server.Rooms.FindAsync("relay", "arena"))!;
            int host = cluster.HostOf(room, 0);

            var before = RelayCounts(cluster);
            await EchoTests.SendAsync(members[1], [1, 2, 3]);
            foreach (var member in members)
            {
                (WebSocketMessageType Type, byte[] Payload) got;
                do got = await EchoTests.ReceiveWholeAsync(member); while (got.Type != WebSocketMessageType.Binary);
                Assert.Equal(new byte[] { 1, 2, 3 }, got.Payload);
            }
            var after = RelayCounts(cluster);
            for (int i = 0; i < 3; i++)
            {
                Assert.Equal(i == host ? 2 : 0, after[i].Sent - before[i].Sent);
                Assert.Equal(i == host ? 0 : 1, after[i].Received - before[i].Received);
            }

            // Each node's relay runs on its first I/O thread, with the connections it tells (ServerRuntime.OnRelayDispatcher).
            foreach (var node in cluster.Nodes)
            {
                var relay = await node.System.ActorSelection("/user/*/relay").ResolveOne(TestServer.Wait);
                Assert.Equal(node.Server.IoDispatchers[0], ((ActorRefWithCell)relay).Underlying.Props.Dispatcher);
            }

            // The counter is exported in /metrics.
            using var http = new HttpClient();
            string metrics = await http.GetStringAsync(cluster[host].HttpUri("/metrics"));
            Assert.Contains("actorws_cluster_relay_messages_total{direction=\"sent\"}", metrics);
            Assert.Contains("actorws_cluster_relay_messages_total{direction=\"received\"}", metrics);
        }
        finally
        {
            foreach (var member in members) member.Dispose();
        }
    }

    /// <summary>A room that answers "go" with several deliveries in one turn (as RoomTests' burst room), "many" with 100 broadcasts, anything else by broadcasting it.</summary>
    private sealed class BurstRoom : Room
    {
        protected internal override void OnMessage(RoomMember member, Messaging.WebSocketMessage message)
        {
            string text = message.GetText();
            switch (text)
            {
                case "many":
                    for (int i = 0; i < 100; i++) Broadcast(Encoding.UTF8.GetBytes($"m{i}"), WebSocketMessageType.Text);
                    break;
                case "go":
                    Broadcast("b1"u8, WebSocketMessageType.Text);
                    Broadcast("b2"u8, WebSocketMessageType.Text);
                    Broadcast("not-to-sender"u8, WebSocketMessageType.Text, except: member);
                    Send(member, "to-sender"u8, WebSocketMessageType.Text);
                    Broadcast("b3"u8, WebSocketMessageType.Text);
                    break;
                default:
                    Broadcast(message.Span, message.Type);
                    break;
            }
        }
    }

    private static (long Messages, long Broadcasts) RelayedTotals(TestCluster cluster) =>
        (cluster.Nodes.Sum(n => n.Server.Metrics.RelayMessagesSent), cluster.Nodes.Sum(n => n.Server.Metrics.RelayedBroadcastsSent));

    [Fact]
    public async Task ATurnsBroadcasts_CrossToEachOtherNodeInOneMessage_AndArriveInOrder_WithExceptAndDirectSends()
    {
        await using var cluster = await TestCluster.StartAsync(configure: s =>
        {
            s.DefineRoom<BurstRoom>("burst");
            s.MapRoute<BuiltIn.RelayRoomHandler>("/burst/{name}").RoomType = "burst";
        });
        var members = new List<ClientWebSocket>();
        try
        {
            for (int i = 0; i < 3; i++) members.Add(await cluster[i].ConnectAsync("/burst/x"));
            await AwaitAllInAsync(members);
            int host = cluster.HostOf((await cluster[0].Server.Rooms.FindAsync("burst", "x"))!, 0);
            // The sender is the only member on its node, which is not the room's.
            var sender = members[(host + 1) % 3];
            var others = members.Where(m => m != sender).ToArray();

            // 100 broadcasts in one turn: one message to each of the two other nodes, carrying all 100, in order.
            var before = RelayedTotals(cluster);
            await EchoTests.SendTextAsync(sender, "many");
            var expected = Enumerable.Range(0, 100).Select(i => $"m{i}").ToList();
            foreach (var member in members) Assert.Equal(expected, await EchoTests.ReceiveTextsAsync(member, 100));
            var after = RelayedTotals(cluster);
            Assert.Equal((2L, 200L), (after.Messages - before.Messages, after.Broadcasts - before.Broadcasts));

            // A turn with a broadcast that skips the sender and a frame for the sender alone between broadcasts: each gets
            // its own in the order the room made them. The sender's node gets b1, b2, then (after the frame) b3: the
            // broadcast it was the only member for never crossed to it; the third node all four, in two messages.
            before = RelayedTotals(cluster);
            await EchoTests.SendTextAsync(sender, "go");
            Assert.Equal(["b1", "b2", "to-sender", "b3"], await EchoTests.ReceiveTextsAsync(sender, 4));
            foreach (var other in others) Assert.Equal(["b1", "b2", "not-to-sender", "b3"], await EchoTests.ReceiveTextsAsync(other, 4));
            after = RelayedTotals(cluster);
            Assert.Equal((4L, 7L), (after.Messages - before.Messages, after.Broadcasts - before.Broadcasts));

            // A message far larger than Akka.Remote's default frame (128,000 bytes) still crosses, whole.
            string large = "L" + new string('x', 1_000_000);
            await EchoTests.SendTextAsync(sender, large);
            foreach (var member in members) Assert.Equal(large, await EchoTests.ReceiveTextAsync(member));
        }
        finally
        {
            foreach (var member in members) member.Dispose();
        }
    }

    private static (long Batches, long Messages) MemberBatchesSent(TestServer node) =>
        (node.Server.Metrics.MemberBatchesSent, node.Server.Metrics.BatchedMemberMessagesSent);

    private static (long Batches, long Messages) MemberBatchesReceived(TestServer node) =>
        (node.Server.Metrics.MemberBatchesReceived, node.Server.Metrics.BatchedMemberMessagesReceived);

    /// <summary>A room that broadcasts every message but "boom", on which its logic fails (and the room restarts).</summary>
    private sealed class FailOnBoomRoom : Room
    {
        protected internal override void OnMessage(RoomMember member, Messaging.WebSocketMessage message)
        {
            if (message.GetText() == "boom") throw new InvalidOperationException("boom");
            Broadcast(message.Span, message.Type);
        }
    }

    [Fact]
    public async Task AMembersMessagesOfOneTurn_CrossToItsRoomOnAnotherNodeInOneMessage_AndEveryMemberGetsThemInOrder()
    {
        await using var cluster = await TestCluster.StartAsync(configure: s =>
        {
            s.DefineRoom<FailOnBoomRoom>("boom");
            s.MapRoute<BuiltIn.RelayRoomHandler>("/boom/{name}").RoomType = "boom";
        });
        var members = new List<ClientWebSocket>();
        RawClient? sender = null;
        try
        {
            for (int i = 0; i < 3; i++) members.Add(await cluster[i].ConnectAsync("/boom/line"));
            await AwaitAllInAsync(members);
            int host = cluster.HostOf((await cluster[0].Server.Rooms.FindAsync("boom", "line"))!, 0);
            var senderNode = cluster[(host + 1) % 3];
            sender = RawClient.Connect(senderNode.EndPoint);
            sender.Upgrade("/boom/line");
            sender.SendText("sync raw");
            sender.ReadUntilText("sync raw");
            foreach (var member in members) await ReceiveUntilAsync(member, "sync raw");

            // 40 messages in one write: the sender's connection reads them in one turn, and they cross to the room together.
            // The room's logic fails on the 21st: as with messages told one by one, that one is lost and the room, restarted,
            // takes the rest in order.
            var sentBefore = MemberBatchesSent(senderNode);
            var receivedBefore = MemberBatchesReceived(cluster[host]);
            var written = Enumerable.Range(0, 40).Select(i => i == 20 ? "boom" : $"n{i}").ToList();
            sender.Send(written.SelectMany(text => RawClient.Frame(WebSocketOpcode.Text, Encoding.UTF8.GetBytes(text))).ToArray());
            var expected = written.Where(text => text != "boom").ToList();
            foreach (var member in members) Assert.Equal(expected, await EchoTests.ReceiveTextsAsync(member, expected.Count));
            Assert.Equal(expected, expected.Select(_ => sender.ReadFrame()!.Text).ToList());

            var sent = MemberBatchesSent(senderNode);
            var received = MemberBatchesReceived(cluster[host]);
            Assert.Equal(40, sent.Messages - sentBefore.Messages);
            Assert.Equal(40, received.Messages - receivedBefore.Messages);
            Assert.Equal(sent.Batches - sentBefore.Batches, received.Batches - receivedBefore.Batches);
            // One turn, one message (a read could in principle end between two of them: a few at most).
            Assert.InRange(sent.Batches - sentBefore.Batches, 1, 4);

            // A member on the room's own node tells it directly: nothing is counted as crossing.
            var hostBefore = MemberBatchesSent(cluster[host]);
            await EchoTests.SendTextAsync(members[host], "local");
            foreach (var member in members) await ReceiveUntilAsync(member, "local");
            Assert.Equal(hostBefore, MemberBatchesSent(cluster[host]));

            // The counters are exported in /metrics.
            using var http = new HttpClient();
            string metrics = await http.GetStringAsync(senderNode.HttpUri("/metrics"));
            Assert.Contains("actorws_cluster_member_message_batches_total{direction=\"sent\"}", metrics);
            Assert.Contains("actorws_cluster_batched_member_messages_total{direction=\"sent\"}", metrics);
        }
        finally
        {
            sender?.Dispose();
            foreach (var member in members) member.Dispose();
        }
    }

    /// <summary>
    /// Waits until every member of a relay route's room is in it and every relay has passed on what came before: a
    /// member's own message comes back only once its join is done; others' may still be on their way to some relays,
    /// so one more broadcast, seen by every member, has come after all of them through every relay (a room's messages
    /// to a relay keep their order).
    /// </summary>
    private static async Task AwaitAllInAsync(IReadOnlyList<ClientWebSocket> members)
    {
        for (int i = 0; i < members.Count; i++)
        {
            await EchoTests.SendTextAsync(members[i], $"sync {i}");
            await ReceiveUntilAsync(members[i], $"sync {i}");
        }
        await EchoTests.SendTextAsync(members[^1], "ready");
        foreach (var member in members) await ReceiveUntilAsync(member, "ready");
    }

    private static async Task ReceiveUntilAsync(ClientWebSocket client, string expected)
    {
        for (int i = 0; i < 50; i++)
            if (await EchoTests.ReceiveTextAsync(client) == expected) return;
        throw new InvalidOperationException($"never received {expected}");
    }

    private static string[] Names(JsonElement reply) =>
        reply.GetProperty("rooms").EnumerateArray().Select(r => r.GetProperty("room").GetString()!).ToArray();

    [Fact]
    public async Task Matchmaking_FromDifferentNodes_FillsTheSameRoomsInOrder_AndListingsAreTheSameOnEveryNode()
    {
        await using var cluster = await TestCluster.StartAsync(configure: DefineDuel);
        await using var a = await JsonClient.ConnectAsync(cluster[0]);
        await using var b = await JsonClient.ConnectAsync(cluster[1]);
        await using var c = await JsonClient.ConnectAsync(cluster[2]);

        // Two seats per duel: a (node 0) makes duel-1, b (node 1) takes its second seat, c (node 2) gets a new duel-2.
        Assert.Equal("duel-1", (await a.OkAsync("joinOrCreate", "\"type\":\"duel\",\"options\":{\"mode\":\"ranked\"}")).GetProperty("room").GetString());
        Assert.Equal("duel-1", (await b.OkAsync("joinOrCreate", "\"type\":\"duel\"")).GetProperty("room").GetString());
        Assert.Equal("duel-2", (await c.OkAsync("joinOrCreate", "\"type\":\"duel\",\"options\":{\"mode\":\"casual\"}")).GetProperty("room").GetString());

        // Every node lists the same rooms with the same seats taken, once the rooms' reports are in.
        await TestCluster.WaitUntilAsync(() => cluster.OnEveryNodeAsync(n => n.Server.Rooms.ListAsync("duel"),
            rooms => rooms.Select(r => (r.Room, r.Clients)).SequenceEqual(new[] { ("duel-1", 2), ("duel-2", 1) })),
            "every node to list duel-1 with 2 clients and duel-2 with 1");

        // Filters and paging, asked of different nodes, give one consistent listing.
        foreach (var client in new[] { a, b, c })
        {
            Assert.Equal(new[] { "duel-2" }, Names(await client.OkAsync("listRooms", "\"type\":\"duel\",\"filter\":{\"mode\":\"casual\"}")));
            var first = await client.OkAsync("listRooms", "\"type\":\"duel\",\"limit\":1");
            Assert.Equal(new[] { "duel-1" }, Names(first));
            string cursor = first.GetProperty("next").GetString()!;
            var second = await (client == c ? a : c).OkAsync("listRooms", $"\"type\":\"duel\",\"limit\":1,\"cursor\":\"{cursor}\"");
            Assert.Equal(new[] { "duel-2" }, Names(second));
        }

        // A full room refuses a join by id from any node; a room with a seat takes one.
        await using var d = await JsonClient.ConnectAsync(cluster[0]);
        var refused = await d.RequestAsync("joinById", "\"room\":\"duel-1\"");
        Assert.Equal("error", refused.GetProperty("op").GetString());
        Assert.Equal("room is full", refused.GetProperty("reason").GetString());
        Assert.Equal("duel-2", (await d.OkAsync("joinById", "\"room\":\"duel-2\"")).GetProperty("room").GetString());
        await TestCluster.WaitUntilAsync(() => cluster.OnEveryNodeAsync(n => n.Server.Rooms.ListAsync("duel"), rooms => rooms.All(r => r.Clients == 2)),
            "every node to list both duels full");

        // A room made by name may look like a matchmade id: matchmaking skips it rather than give its id to another room.
        var named = await cluster[2].Server.Rooms.GetOrCreateAsync("duel", "duel-3");
        Assert.Equal("duel-4", await cluster[1].Server.Rooms.CreateAsync("duel"));
        Assert.Equal(named.Path.ToStringWithoutAddress(), (await cluster[0].Server.Rooms.FindAsync("duel", "duel-3"))!.Path.ToStringWithoutAddress());
    }

    [Fact]
    public async Task RoomDirectory_OnEveryNode_FindsCreatesCountsAndTellsTheSameRooms()
    {
        await using var cluster = await TestCluster.StartAsync();
        await using var member = await JsonClient.ConnectAsync(cluster[0]);
        await member.OkAsync("join", "\"room\":\"news\"");

        // Made on node 1, found from every node.
        var made = await cluster[1].Server.Rooms.GetOrCreateAsync("chat", "desk");
        for (int i = 0; i < 3; i++)
        {
            var found = await cluster[i].Server.Rooms.FindAsync("chat", "desk");
            Assert.NotNull(found);
            Assert.Equal(made.Path.ToStringWithoutAddress(), found!.Path.ToStringWithoutAddress());
            Assert.Null(await cluster[i].Server.Rooms.FindAsync("chat", "nowhere"));
            Assert.Equal(2, await cluster[i].Server.Rooms.CountAsync()); // news and desk
        }
        await Assert.ThrowsAsync<ArgumentException>(() => cluster[2].Server.Rooms.GetOrCreateAsync("no-such-type", "x"));

        // A broadcast told by name from node 2, and one told to the room's ref got on node 1, both reach the member on node 0.
        Assert.True(await cluster[2].Server.Rooms.TellAsync("chat", "news", RoomBroadcast.Text("{\"headline\":1}")));
        Assert.False(await cluster[2].Server.Rooms.TellAsync("chat", "nowhere", RoomBroadcast.Text("{}")));
        var news = (await cluster[1].Server.Rooms.FindAsync("chat", "news"))!;
        news.Tell(RoomBroadcast.Text("{\"headline\":2}"));
        for (int headline = 1; headline <= 2; headline++)
        {
            var got = await member.NextAsync(r => r.Op == "message");
            Assert.Equal(headline, got.Json!.Value.GetProperty("data").GetProperty("headline").GetInt32());
        }

        // A matchmade room made by an embedder on node 2 is joined by id from node 0.
        Assert.Equal("chat-1", await cluster[2].Server.Rooms.CreateAsync("chat"));
        Assert.Equal("chat-1", (await member.OkAsync("joinById", "\"room\":\"chat-1\"")).GetProperty("room").GetString());
        await Assert.ThrowsAsync<ArgumentException>(() => cluster[0].Server.Rooms.CreateAsync("no-such-type"));

        // Listings of every type (chat:…, then relay:…) are the same on every node, page by page, whichever node is asked.
        await cluster[1].Server.Rooms.GetOrCreateAsync("relay", "lounge");
        var expected = new[] { "chat-1", "desk", "news", "lounge" };
        var all = await Task.WhenAll(cluster.Nodes.Select(n => n.Server.Rooms.ListAsync()));
        Assert.All(all, rooms => Assert.Equal(expected, rooms.Select(r => r.Room).ToArray()));
        var paged = new List<string>();
        string? cursor = null;
        int asked = 0;
        do
        {
            var page = await cluster[asked++ % 3].Server.Rooms.ListPageAsync(null, null, limit: 1, cursor);
            paged.AddRange(page.Rooms.Select(r => r.Room));
            cursor = page.Next;
        }
        while (cursor is not null && asked < 10);
        Assert.Equal(expected, paged);
    }

    [Fact]
    public async Task IdleRoom_StopsAfterItsLinger_OnEveryNodesCount_AndTheNameCanBeJoinedAgain()
    {
        await using var cluster = await TestCluster.StartAsync(options: o => o.Rooms.Linger = TimeSpan.FromMilliseconds(200));
        await using var a = await JsonClient.ConnectAsync(cluster[1]);
        await a.OkAsync("join", "\"room\":\"brief\"");
        Assert.All(await Task.WhenAll(cluster.Nodes.Select(n => n.Server.Rooms.CountAsync())), count => Assert.Equal(1, count));

        await a.OkAsync("leave", "\"room\":\"brief\"");
        // Empty for its linger: the room asks its directory, which approves (no join on its way), and it passivates.
        await TestCluster.WaitUntilAsync(() => cluster.OnEveryNodeAsync(n => n.Server.Rooms.CountAsync(), count => count == 0), "no room on any node's count");
        await TestCluster.WaitUntilAsync(() => cluster.Nodes.Sum(n => n.Server.Metrics.ActiveRooms) == 0, "the room actor to stop");
        Assert.Null(await cluster[2].Server.Rooms.FindAsync("chat", "brief"));

        // The name is free again: a join from another node makes a new room, which works as the first did.
        await using var b = await JsonClient.ConnectAsync(cluster[2]);
        await b.OkAsync("join", "\"room\":\"brief\"");
        await a.OkAsync("join", "\"room\":\"brief\"");
        await b.NextAsync(r => IsPresence(r, "join", a.SessionId));
        await a.OkAsync("send", "\"room\":\"brief\",\"data\":1");
        Assert.Equal(1, (await b.NextAsync(r => r.Op == "message")).Json!.Value.GetProperty("data").GetInt32());
    }

    /// <summary>A room whose logic fails on a message containing "boom".</summary>
    private sealed class FragileRoom : Room
    {
        protected internal override void OnMessage(RoomMember member, ActorWs.Server.Messaging.WebSocketMessage message)
        {
            if (message.GetText().Contains("boom")) throw new InvalidOperationException("room logic failed");
            Broadcast(message.Span, message.Type);
        }
    }

    [Fact]
    public async Task AFailingRoom_TellsMembersOnEveryNode_ThatItRestarted_AndWhenItStopsForGood_AndItsNameCanBeJoinedAgain()
    {
        await using var cluster = await TestCluster.StartAsync(
            options: o => { o.Rooms.MaxRestarts = 1; o.Rooms.RestartBackoffMin = TimeSpan.Zero; o.Rooms.RestartBackoffMax = TimeSpan.Zero; },
            configure: s =>
            {
                s.DefineRoom<FragileRoom>("fragile");
                var route = s.MapRoute<ActorWs.Server.BuiltIn.JsonRoomsHandler>("/fragile");
                route.RoomType = "fragile";
                route.Resumable = true;
            });
        var members = new List<JsonClient>();
        try
        {
            for (int i = 0; i < 3; i++) members.Add(await JsonClient.ConnectAsync(cluster[i], "/fragile"));
            foreach (var member in members) await member.OkAsync("join", "\"room\":\"f\"");

            await members[1].SendAsync("{\"op\":\"send\",\"room\":\"f\",\"data\":\"boom\"}");
            foreach (var member in members)
            {
                var notice = (await member.NextAsync(r => r.Op == "notice")).Json!.Value;
                Assert.Equal("restarted", notice.GetProperty("event").GetString());
                Assert.Equal("room logic failed", notice.GetProperty("reason").GetString());
            }
            // Still one room for all three, with all three in it.
            await members[2].SendAsync("{\"op\":\"send\",\"room\":\"f\",\"data\":\"after\"}");
            foreach (var member in members)
                await member.NextAsync(r => r.Op == "message" && r.Json!.Value.GetProperty("data").GetString() == "after");

            // A second failure within the window is one too many: stopped, and every member, on every node, is told.
            await members[0].SendAsync("{\"op\":\"send\",\"room\":\"f\",\"data\":\"boom\"}");
            foreach (var member in members)
                Assert.Equal("closed", (await member.NextAsync(r => r.Op == "notice")).Json!.Value.GetProperty("event").GetString());

            // The name is free: joining again (from each node) makes one fresh room for all.
            foreach (var member in members) await member.OkAsync("join", "\"room\":\"f\"");
            await members[0].SendAsync("{\"op\":\"send\",\"room\":\"f\",\"data\":\"again\"}");
            foreach (var member in members)
                await member.NextAsync(r => r.Op == "message" && r.Json!.Value.GetProperty("data").GetString() == "again");
        }
        finally
        {
            foreach (var member in members) await member.DisposeAsync();
        }
    }

    /// <summary>The node whose directories region hosts the directory of <paramref name="type"/>.</summary>
    private static async Task<int> DirectoryNodeAsync(TestCluster cluster, string type)
    {
        for (int i = 0; i < cluster.Nodes.Count; i++)
        {
            var region = ClusterSharding.Get(cluster[i].System).ShardRegion(ClusterRooms.DirectoriesTypeName);
            var state = await region.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, TestServer.Wait);
            if (state.Shards.Any(shard => shard.EntityIds.Contains(type))) return i;
        }
        throw new InvalidOperationException($"no node hosts the directory of {type}");
    }

    [Fact]
    public async Task ADirectoryWhoseNodeLeaves_MovesWithWhatItKnows_AndAnswersOnItsNextNodeAtOnce()
    {
        await using var cluster = await TestCluster.StartAsync();
        var hosts = new Dictionary<string, int>();
        foreach (var name in Enumerable.Range(1, 12).Select(i => "room-" + i))
            hosts[name] = cluster.HostOf(await cluster[0].Server.Rooms.GetOrCreateAsync("chat", name), 0);
        var matchmade = new[] { await cluster[0].Server.Rooms.CreateAsync("chat"), await cluster[1].Server.Rooms.CreateAsync("chat") };
        Assert.Equal(new[] { "chat-1", "chat-2" }, matchmade);

        // The node that hosts the chat rooms' directory leaves the cluster (its rooms move to the others with it).
        int leaving = await DirectoryNodeAsync(cluster, "chat");
        var all = hosts.Keys.Concat(matchmade).Order(StringComparer.Ordinal).ToArray();
        Assert.Contains(leaving, hosts.Values); // twelve rooms in (up to) twelve shards, balanced over three nodes
        int asked = (leaving + 1) % 3;
        var leavingAddress = Akka.Cluster.Cluster.Get(cluster[leaving].System).SelfAddress;
        Akka.Cluster.Cluster.Get(cluster[leaving].System).Leave(leavingAddress);
        await TestCluster.WaitUntilAsync(() => Akka.Cluster.Cluster.Get(cluster[asked].System).State.Members.All(m => !m.Address.Equals(leavingAddress)),
            "the node to be gone from the cluster");

        // The directory handed what it knew to its next incarnation, so the first questions asked after the leave find
        // every room (those that lived elsewhere, and those that moved with the node) without waiting for their reports.
        Assert.Equal(all, (await cluster[asked].Server.Rooms.ListAsync("chat")).Select(r => r.Room));
        int third = 3 - leaving - asked;
        foreach (var name in all) Assert.NotNull(await cluster[third].Server.Rooms.FindAsync("chat", name));
        // Matchmade ids go on from where they were: no room gets a name another room has.
        Assert.Equal("chat-3", await cluster[asked].Server.Rooms.CreateAsync("chat"));
    }

    [Fact]
    public async Task ADirectoryLostWithItsNode_StartsAgainOnASurvivor_AndLearnsTheRoomsThatLiveOn()
    {
        // The directory's node goes without leaving (as a crash does); the survivors down it two seconds after they stop
        // hearing it, and the directory starts again on one of them with nothing handed over.
        await using var cluster = await TestCluster.StartAsync(akka: TestCluster.CrashDowning);
        var hosts = new Dictionary<string, int>();
        foreach (var name in Enumerable.Range(1, 12).Select(i => "room-" + i))
            hosts[name] = cluster.HostOf(await cluster[0].Server.Rooms.GetOrCreateAsync("chat", name), 0);
        int lost = await DirectoryNodeAsync(cluster, "chat");
        int asked = (lost + 1) % 3;
        var living = hosts.Where(h => h.Value != lost).Select(h => h.Key).Order(StringComparer.Ordinal).ToArray();
        Assert.NotEmpty(living);

        await cluster.CrashAsync(lost);

        // It asks the regions which rooms live, and lists those that lived on the survivors again (the lost node's rooms
        // are gone: they start afresh when next asked for).
        await TestCluster.WaitUntilAsync(async () =>
        {
            try
            {
                return living.All((await cluster[asked].Server.Rooms.ListAsync("chat")).Select(r => r.Room).Contains);
            }
            catch (AskTimeoutException)
            {
                return false; // asked while the node was not downed yet, and its directory not started again in time
            }
        }, "the new directory to list every room that lived on: " + string.Join(", ", living));
    }

    [Fact]
    public async Task AListingOfEveryType_WhoseDirectoryCannotAnswer_GetsAnErrorReply_NotSilence()
    {
        // A system that terminates does not leave the cluster first: it just goes, as a crashed process does.
        await using var cluster = await TestCluster.StartAsync(akka: "akka.coordinated-shutdown.run-by-actor-system-terminate = off\n");
        await cluster[0].Server.Rooms.GetOrCreateAsync("chat", "lobby");
        int directoryNode = -1;
        for (int i = 0; i < 3; i++)
        {
            var region = ClusterSharding.Get(cluster[i].System).ShardRegion(ClusterRooms.DirectoriesTypeName);
            var state = await region.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, TestServer.Wait);
            if (state.Shards.Any(shard => shard.EntityIds.Contains("chat"))) directoryNode = i;
        }
        Assert.NotEqual(-1, directoryNode);
        int asking = (directoryNode + 1) % 3;
        await using var client = await JsonClient.ConnectAsync(cluster[asking]);

        // The directory's node stops answering (its remoting is gone; the cluster has not removed it yet).
        await cluster[directoryNode].System.Terminate();
        var reply = await client.RequestAsync("listRooms", "", TestServer.Wait);
        Assert.Equal("error", reply.GetProperty("op").GetString());
        Assert.Contains("could not be made", reply.GetProperty("reason").GetString());
        Assert.Equal("ok", (await client.RequestAsync("ping")).GetProperty("status").GetString()); // the session goes on
    }

    [Fact]
    public async Task ARoomLostWithItsNode_ComesBackOnASurvivor_WithItsMembersOnTheOtherNodes_WhoAreToldItsNewIncarnation()
    {
        // Node 2 will go without leaving (as a crash does); the survivors down it two seconds after they stop hearing it.
        await using var cluster = await TestCluster.StartAsync(akka: TestCluster.CrashDowning);
        string? room = null;
        for (int i = 1; i <= 60 && room is null; i++)
            if (cluster.HostOf(await cluster[0].Server.Rooms.GetOrCreateAsync("chat", "lost-" + i), 0) == 2) room = "lost-" + i;
        Assert.NotNull(room);
        await using var a = await JsonClient.ConnectAsync(cluster[0]);
        await using var b = await JsonClient.ConnectAsync(cluster[1]);
        long firstLife = (await a.OkAsync("join", $"\"room\":\"{room}\"")).GetProperty("incarnation").GetInt64();
        await b.OkAsync("join", $"\"room\":\"{room}\"");

        await cluster.CrashAsync(2);

        // Each member hears, once the cluster has removed the node (failure detection, then the resolver's two seconds;
        // in this process, beside two other nodes on two cores, that can take twenty), that it is in the room's next life.
        // (In this process the node's actors may still get a death notice out as its system stops, unlike a killed
        // process: a member told so hears `closed`, and joins again by itself; the room is then the next life too.)
        long? nextLife = null;
        foreach (var member in new[] { a, b })
        {
            var notice = await member.NextAsync(r => r.Op == "notice" && r.Json!.Value.GetProperty("room").GetString() == room, TimeSpan.FromSeconds(60));
            long life = notice.Json!.Value.GetProperty("event").GetString() == "restarted"
                ? notice.Json!.Value.GetProperty("incarnation").GetInt64()
                : (await member.OkAsync("join", $"\"room\":\"{room}\"")).GetProperty("incarnation").GetInt64();
            Assert.NotEqual(firstLife, life);
            Assert.True(nextLife is null || nextLife == life, "both are in the same next life");
            nextLife = life;
        }
        // And it works: a message from one reaches the other, in a room that lives on a survivor.
        await a.OkAsync("send", $"\"room\":\"{room}\",\"data\":{{\"text\":\"back\"}}");
        var heard = await b.NextAsync(r => r.Op == "message" && r.Json!.Value.GetProperty("data").GetProperty("text").GetString() == "back");
        Assert.Equal(a.SessionId, heard.Json!.Value.GetProperty("from").GetString());
        Assert.NotEqual(2, cluster.HostOf((await cluster[0].Server.Rooms.FindAsync("chat", room!))!, 0));
    }
}
