using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Akka.Actor;
using ActorWs.Protocol.Frames;
using ActorWs.Server.Messaging;
using ActorWs.Server.Rooms;
using ActorWs.Server.Rooms.Cluster;
using ActorWs.Server.Sessions;
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
        // The type's directory may have left with node 0 as well: it moved with what it knew, so a lookup finds the room.
        var moved = await cluster[1].Server.Rooms.FindAsync("counting", room);
        Assert.NotNull(moved);
        Assert.NotEqual(0, cluster.HostOf(moved, 1));
        // Nobody was told it closed, restarted, or left and joined.
        var others = (await a.DrainAsync(TimeSpan.FromMilliseconds(300))).Concat(await b.DrainAsync(TimeSpan.FromMilliseconds(300)));
        Assert.DoesNotContain(others, r => r.Op is "notice" or "presence");
        // The same life of the room: a newcomer joins the incarnation the others are in.
        await using var c = await JsonClient.ConnectAsync(cluster[2]);
        Assert.Equal(incarnation, (await c.OkAsync("joinById", $"\"room\":\"{room}\"")).GetProperty("incarnation").GetInt64());
        // Listings follow the rooms' reports (sent at the end of the room's turn, on their own way to the directory), so
        // the newcomer shows in one a moment after its join is answered.
        await TestCluster.WaitUntilAsync(async () =>
        {
            var listing = await a.OkAsync("listRooms", "\"type\":\"counting\"");
            return listing.GetProperty("rooms").EnumerateArray().Single(r => r.GetProperty("room").GetString() == room).GetProperty("clients").GetInt32() == 3;
        }, "the listing to show the room's three members");
    }

    [Fact]
    public async Task WhatMembersSendAsTheirRoomMoves_IsHeldAndTakenOnItsNextNode_EachMessageAnswered_NoneLostOrTwice()
    {
        await using var cluster = await TestCluster.StartAsync(configure: Define);
        string room = await RoomOnNode0Async(cluster, "counting");
        await using var a = await JsonClient.ConnectAsync(cluster[1]);
        await using var b = await JsonClient.ConnectAsync(cluster[2]);
        await a.OkAsync("joinById", $"\"room\":\"{room}\"");
        await b.OkAsync("joinById", $"\"room\":\"{room}\"");

        // a sends one confirmed message after another while node 0, the room's, leaves: each is answered, taken (held by
        // a's session while the room moves, then taken on its next node) or, if it reached the room as it handed itself
        // off, refused with the reason to send it again. None goes unanswered.
        var leaving = Akka.Cluster.Cluster.Get(cluster[0].System);
        leaving.Leave(leaving.SelfAddress);
        int taken = 0, refused = 0, takenAfterTheMove = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (takenAfterTheMove < 3)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the room did not go on elsewhere ({taken} taken, {refused} refused)");
            var reply = await a.RequestAsync("send", $"\"room\":\"{room}\",\"data\":{{}}", TimeSpan.FromSeconds(45));
            if (reply.GetProperty("op").GetString() == "error")
            {
                Assert.Equal(RoomActor.MovingReason, reply.GetProperty("reason").GetString());
                refused++;
                continue;
            }
            Assert.Equal("ok", reply.GetProperty("status").GetString());
            taken++;
            bool gone = Akka.Cluster.Cluster.Get(cluster[1].System).State.Members.All(m => !m.Address.Equals(leaving.SelfAddress));
            if (gone) takenAfterTheMove++;
        }

        // b, on a third node, got exactly the taken ones, counted on by the room that moved with its state: 1, 2, … taken.
        for (int expected = 1; expected <= taken; expected++)
        {
            Assert.Equal(expected, Count(await b.NextAsync(r => r.Op == "message", TimeSpan.FromSeconds(20))));
        }
        Assert.DoesNotContain(await b.DrainAsync(TimeSpan.FromMilliseconds(300)), r => r.Op is "message" or "notice");
    }

    [Fact]
    public async Task WhatAMemberSendsARoomThatNeverSaysWhereItMoved_IsRefused_AndTheClientHearsTheRoomClosed()
    {
        await using var cluster = await TestCluster.StartAsync(options: o => o.Rooms.MoveWait = TimeSpan.FromSeconds(2), configure: Define);
        string room = await RoomOnNode0Async(cluster, "counting");
        await using var remote = await JsonClient.ConnectAsync(cluster[1]);
        await remote.OkAsync("joinById", $"\"room\":\"{room}\"");

        // The room hands itself off as its entity asks it to when its node leaves, but here the node stays and the room
        // never starts elsewhere: nothing will say where it went.
        var roomRef = (await cluster[0].Server.Rooms.FindAsync("counting", room))!;
        roomRef.Tell(RoomSnapshotWanted.Instance, ActorRefs.NoSender);

        // Until the member's session has heard that the room moves, a message reaches the room, which refuses it at once;
        // after, the session holds it.
        JsonElement reply;
        do reply = await remote.RequestAsync("send", $"\"room\":\"{room}\",\"data\":{{}}", TimeSpan.FromSeconds(10));
        while (reply.GetProperty("op").GetString() == "error" && reply.GetProperty("reason").GetString() == RoomActor.MovingReason);

        // The held one is refused once the wait is over, and the client is told the room closed.
        Assert.Equal("error", reply.GetProperty("op").GetString());
        Assert.Equal(WebSocketSession.MoveTimedOutReason, reply.GetProperty("reason").GetString());
        var closed = await remote.NextAsync(r => r.Op == "notice" && r.Json!.Value.GetProperty("room").GetString() == room);
        Assert.Equal("closed", closed.Json!.Value.GetProperty("event").GetString());
        Assert.Equal(WebSocketSession.MoveTimedOutReason, closed.Json!.Value.GetProperty("reason").GetString());
        // The session is no longer in it: a later send is refused as from a non-member.
        var after = await remote.RequestAsync("send", $"\"room\":\"{room}\",\"data\":{{}}");
        Assert.Equal("error", after.GetProperty("op").GetString());
        Assert.Contains("not a member", after.GetProperty("reason").GetString());
        Assert.DoesNotContain(await remote.DrainAsync(TimeSpan.FromMilliseconds(300)), r => r.Op == "message");
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
