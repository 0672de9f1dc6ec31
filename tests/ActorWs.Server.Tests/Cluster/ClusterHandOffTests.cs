using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Akka.Actor;
using ActorWs.Protocol.Frames;
using ActorWs.Server.Messaging;
using ActorWs.Server.Rooms;
using ActorWs.Server.Rooms.Cluster;
using ActorWs.Server.Tests.Infrastructure;
using Xunit;

namespace ActorWs.Server.Tests.Cluster;

/// <summary>
/// A node leaves the cluster gracefully: its rooms move to other nodes with their members, their numbering and their
/// logic's state (<see cref="Room.OnSnapshot"/>), and their members on other nodes go on in them without being told
/// the room closed, without a presence change, and without a gap in their positions.
/// </summary>
[Collection(nameof(ClusterRoomTests))] // one cluster at a time
public sealed class ClusterHandOffTests
{
    /// <summary>Counts the messages it was sent, and tells every member the count: its state is the count.</summary>
    private sealed class CountingRoom : Room
    {
        private int _count;

        protected internal override void OnMessage(RoomMember member, WebSocketMessage message) =>
            Broadcast(++_count, static (w, n) => w.Write(Encoding.UTF8.GetBytes($"{{\"count\":{n}}}")), WebSocketMessageType.Text);

        protected internal override string? OnSnapshot() => $"{{\"count\":{_count}}}";

        protected internal override void OnRestore(JsonElement state) => _count = state.GetProperty("count").GetInt32();
    }

    /// <summary>The same room, but keeping no state: it starts afresh on its next node.</summary>
    private sealed class ForgetfulRoom : Room
    {
        private int _count;

        protected internal override void OnMessage(RoomMember member, WebSocketMessage message) =>
            Broadcast(++_count, static (w, n) => w.Write(Encoding.UTF8.GetBytes($"{{\"count\":{n}}}")), WebSocketMessageType.Text);
    }

    private static void Define(ActorWsServer server)
    {
        server.DefineRoom<CountingRoom>("counting");
        server.DefineRoom<ForgetfulRoom>("forgetful");
    }

    private static int Count(Received r) => r.Json!.Value.GetProperty("data").GetProperty("count").GetInt32();

    /// <summary>A room of <paramref name="type"/> whose entity lives on node 0, made from node 1.</summary>
    private static async Task<string> RoomOnNode0Async(TestCluster cluster, string type)
    {
        for (int i = 1; i <= 60; i++)
        {
            string name = $"{type}-{i}";
            if (cluster.HostOf(await cluster[1].Server.Rooms.GetOrCreateAsync(type, name), 1) == 0) return name;
        }
        throw new InvalidOperationException("no room landed on node 0 in sixty");
    }

    private static async Task LeaveAsync(TestCluster cluster, int node)
    {
        var leaving = Akka.Cluster.Cluster.Get(cluster[node].System);
        leaving.Leave(leaving.SelfAddress);
        await TestCluster.WaitUntilAsync(() => Akka.Cluster.Cluster.Get(cluster[(node + 1) % 3].System).State.Members.All(m => !m.Address.Equals(leaving.SelfAddress)),
            $"node {node} to be gone from the cluster");
    }

    /// <summary>Sends until the room (wherever it is now) takes a message: while it moves, nothing takes it.</summary>
    private static async Task<Received> SendUntilTakenAsync(JsonClient client, string room)
    {
        var deadline = DateTime.UtcNow + TestServer.Wait;
        while (true)
        {
            try
            {
                var reply = await client.RequestAsync("send", $"\"room\":\"{room}\",\"data\":{{}}", TimeSpan.FromSeconds(2));
                if (reply.GetProperty("op").GetString() == "error" && reply.GetProperty("reason").GetString() == RoomActor.MovingReason && DateTime.UtcNow < deadline)
                {
                    continue; // it reached the room as it moved: refused, to be sent again
                }
                Assert.Equal("ok", reply.GetProperty("status").GetString());
                return await client.NextAsync(r => r.Op == "message");
            }
            catch (OperationCanceledException) when (DateTime.UtcNow < deadline)
            {
                // sent to the room's old address after it had gone, before its members heard where it went: not answered
            }
        }
    }

    [Fact]
    public async Task ARoomOnALeavingNode_MovesWithItsMembersNumberingAndState_AndItsMembersElsewhereNoticeNothing()
    {
        await using var cluster = await TestCluster.StartAsync(configure: Define);
        string room = await RoomOnNode0Async(cluster, "counting");
        await using var a = await JsonClient.ConnectAsync(cluster[1]);
        await using var b = await JsonClient.ConnectAsync(cluster[2]);
        long incarnation = (await a.OkAsync("joinById", $"\"room\":\"{room}\"")).GetProperty("incarnation").GetInt64();
        await b.OkAsync("joinById", $"\"room\":\"{room}\"");
        var before = new List<Received>();
        for (int i = 1; i <= 3; i++)
        {
            await a.OkAsync("send", $"\"room\":\"{room}\",\"data\":{{}}");
            before.Add(await b.NextAsync(r => r.Op == "message"));
            Assert.Equal(i, Count(await a.NextAsync(r => r.Op == "message")));
        }

        await LeaveAsync(cluster, 0);

        // The room goes on elsewhere: the count goes on (its state moved), the numbering goes on for both members.
        var next = await SendUntilTakenAsync(a, room);
        Assert.Equal(4, Count(next));
        var atB = await b.NextAsync(r => r.Op == "message");
        Assert.Equal(4, Count(atB));
        Assert.Equal(before[^1].Seq + 1, atB.Seq);
        Assert.True(atB.Position!.Rseq > before[^1].Position!.Rseq);
        Assert.NotEqual(0, cluster.HostOf((await cluster[1].Server.Rooms.FindAsync("counting", room))!, 1));
        // Nobody was told it closed, restarted, or left and joined.
        var others = (await a.DrainAsync(TimeSpan.FromMilliseconds(300))).Concat(await b.DrainAsync(TimeSpan.FromMilliseconds(300)));
        Assert.DoesNotContain(others, r => r.Op is "notice" or "presence");
        // The same life of the room: a newcomer joins the incarnation the others are in.
        await using var c = await JsonClient.ConnectAsync(cluster[2]);
        Assert.Equal(incarnation, (await c.OkAsync("joinById", $"\"room\":\"{room}\"")).GetProperty("incarnation").GetInt64());
        var listing = await a.OkAsync("listRooms", "\"type\":\"counting\"");
        Assert.Equal(3, listing.GetProperty("rooms").EnumerateArray().Single(r => r.GetProperty("room").GetString() == room).GetProperty("clients").GetInt32());
    }

    [Fact]
    public async Task AMessageThatReachesARoomAsItMoves_IsRefusedWithAReasonToSendItAgain_ToMembersOnEveryNode()
    {
        await using var cluster = await TestCluster.StartAsync(configure: Define);
        string room = await RoomOnNode0Async(cluster, "counting");
        await using var remote = await JsonClient.ConnectAsync(cluster[1]); // answered through its node's relay
        await using var local = await JsonClient.ConnectAsync(cluster[0]);
        await remote.OkAsync("joinById", $"\"room\":\"{room}\"");
        await local.OkAsync("joinById", $"\"room\":\"{room}\"");

        // The room hands itself off as its entity asks it to when its node leaves (here the node stays, and so does the
        // room, in the state it is in between its hand-off and its entity's stop).
        var roomRef = (await cluster[0].Server.Rooms.FindAsync("counting", room))!;
        roomRef.Tell(RoomSnapshotWanted.Instance, ActorRefs.NoSender);

        foreach (var member in new[] { remote, local })
        {
            var reply = await member.RequestAsync("send", $"\"room\":\"{room}\",\"data\":{{}}");
            Assert.Equal("error", reply.GetProperty("op").GetString());
            Assert.Equal(RoomActor.MovingReason, reply.GetProperty("reason").GetString());
        }
        // Nothing was taken: no member got a message.
        var seen = (await remote.DrainAsync(TimeSpan.FromMilliseconds(300))).Concat(await local.DrainAsync(TimeSpan.FromMilliseconds(300)));
        Assert.DoesNotContain(seen, r => r.Op == "message");
    }

    [Fact]
    public async Task ARoomThatKeepsNoState_StartsAfreshOnItsNextNode_WithItsMembers_WhoAreToldItRestarted()
    {
        await using var cluster = await TestCluster.StartAsync(configure: Define);
        string room = await RoomOnNode0Async(cluster, "forgetful");
        await using var a = await JsonClient.ConnectAsync(cluster[1]);
        await a.OkAsync("joinById", $"\"room\":\"{room}\"");
        await a.OkAsync("send", $"\"room\":\"{room}\",\"data\":{{}}");
        Assert.Equal(1, Count(await a.NextAsync(r => r.Op == "message")));

        await LeaveAsync(cluster, 0);

        var notice = await a.NextAsync(r => r.Op == "notice");
        Assert.Equal("restarted", notice.Json!.Value.GetProperty("event").GetString());
        Assert.Equal(1, Count(await SendUntilTakenAsync(a, room))); // afresh: its count starts again
    }

    [Fact]
    public async Task AClientOfTheLeavingNode_ResumedElsewhereBeforeTheMove_GoesOnInTheRoomThatMoved_WithNothingLostOrTwice()
    {
        await using var cluster = await TestCluster.StartAsync(configure: Define);
        string room = await RoomOnNode0Async(cluster, "counting");
        var leaver = await JsonClient.ConnectAsync(cluster[0]);
        await using var stayer = await JsonClient.ConnectAsync(cluster[1]);
        await leaver.OkAsync("joinById", $"\"room\":\"{room}\"");
        await stayer.OkAsync("joinById", $"\"room\":\"{room}\"");
        await stayer.OkAsync("send", $"\"room\":\"{room}\",\"data\":{{}}");
        Assert.Equal(1, Count(await stayer.NextAsync(r => r.Op == "message")));
        var seen = await leaver.NextAsync(r => r.Op == "message");
        // As a leaving node does: its connections close (1012), its clients resume elsewhere, then it leaves.
        await leaver.DisposeAsync();
        await stayer.OkAsync("send", $"\"room\":\"{room}\",\"data\":{{}}"); // missed by the leaver
        Assert.Equal(2, Count(await stayer.NextAsync(r => r.Op == "message")));
        string query = $"/ws?resume={Uri.EscapeDataString(leaver.Token)}&lastSeq={seen.Seq}&pos={Uri.EscapeDataString($"{seen.Position!.Rseq}:counting:{room}")}";
        await using var back = await JsonClient.ConnectAsync(cluster[2], query);
        Assert.True(back.Welcome.GetProperty("resumed").GetBoolean(), back.Welcome.ToString());
        var missed = await back.NextAsync(r => r.Op == "message");
        Assert.Equal((2, seen.Seq + 1), (Count(missed), missed.Seq));

        await LeaveAsync(cluster, 0);

        Assert.Equal(3, Count(await SendUntilTakenAsync(stayer, room)));
        var after = await back.NextAsync(r => r.Op == "message");
        Assert.Equal((3, missed.Seq + 1), (Count(after), after.Seq));
        Assert.DoesNotContain(await back.DrainAsync(TimeSpan.FromMilliseconds(300)), r => r.Op is "notice" or "message");
    }
}
