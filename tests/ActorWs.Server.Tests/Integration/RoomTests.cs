using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using ActorWs.Server.Messaging;
using ActorWs.Server.Rooms;
using ActorWs.Server.Tests.Infrastructure;
using Xunit;

namespace ActorWs.Server.Tests.Integration;

public sealed class RoomTests
{
    private static async Task<JsonElement> ReceiveJsonAsync(ClientWebSocket client) =>
        JsonDocument.Parse(await EchoTests.ReceiveTextAsync(client)).RootElement;

    /// <summary>Receives JSON messages until one matches (presence notices may come in between).</summary>
    private static async Task<JsonElement> ReceiveJsonAsync(ClientWebSocket client, Func<JsonElement, bool> match)
    {
        for (int i = 0; i < 50; i++)
        {
            var element = await ReceiveJsonAsync(client);
            if (match(element)) return element;
        }
        throw new InvalidOperationException("no matching message");
    }

    private static bool IsReply(JsonElement e, int @ref) =>
        e.TryGetProperty("ref", out var r) && r.ValueKind == JsonValueKind.Number && r.GetInt32() == @ref;

    /// <summary>Receives text messages until <paramref name="expected"/> arrives (others' earlier messages may come first).</summary>
    private static async Task ReceiveUntilAsync(ClientWebSocket client, string expected)
    {
        for (int i = 0; i < 50; i++)
            if (await EchoTests.ReceiveTextAsync(client) == expected) return;
        throw new InvalidOperationException($"never received {expected}");
    }

    [Fact]
    public async Task RelayRoom_DeliversEveryMessageToEveryMember_SenderIncluded_AndNotToOtherRooms()
    {
        await using var server = await TestServer.StartAsync();
        using var a = await server.ConnectAsync("/rooms/alpha");
        using var b = await server.ConnectAsync("/rooms/alpha");
        using var c = await server.ConnectAsync("/rooms/alpha");
        using var other = await server.ConnectAsync("/rooms/beta");
        // A member's own message comes back only once its join is done: this makes sure all are in.
        foreach (var (member, i) in new[] { a, b, c, other }.Select((m, i) => (m, i)))
        {
            await EchoTests.SendTextAsync(member, $"sync {i}");
            await ReceiveUntilAsync(member, $"sync {i}");
        }
        await EchoTests.SendAsync(a, [1, 2, 3]);
        foreach (var member in new[] { a, b, c })
        {
            (WebSocketMessageType Type, byte[] Payload) got;
            do got = await EchoTests.ReceiveWholeAsync(member); while (got.Type != WebSocketMessageType.Binary);
            Assert.Equal(new byte[] { 1, 2, 3 }, got.Payload);
        }
        await EchoTests.SendTextAsync(other, "beta only");
        Assert.Equal("beta only", await EchoTests.ReceiveTextAsync(other));
        await EchoTests.SendTextAsync(a, "alpha again");
        // b's next message is a's, not beta's.
        Assert.Equal("alpha again", await EchoTests.ReceiveTextAsync(b));
    }

    [Fact]
    public async Task RelayRoom_KeepsMessagesSentBeforeTheJoinCompleted_InOrder()
    {
        await using var server = await TestServer.StartAsync();
        using var a = await server.ConnectAsync("/rooms/early");
        for (int i = 0; i < 20; i++) await EchoTests.SendTextAsync(a, $"m{i}");
        for (int i = 0; i < 20; i++) Assert.Equal($"m{i}", await EchoTests.ReceiveTextAsync(a));
    }

    [Fact]
    public async Task JsonProtocol_JoinSendLeave_WithRepliesPresenceAndErrors()
    {
        await using var server = await TestServer.StartAsync();
        using var alice = await server.ConnectAsync("/ws");
        using var bob = await server.ConnectAsync("/ws");

        await EchoTests.SendTextAsync(alice, """{"op":"join","room":"lobby","ref":1}""");
        var joined = await ReceiveJsonAsync(alice, e => IsReply(e, 1));
        Assert.Equal("ok", joined.GetProperty("status").GetString());
        string aliceId = joined.GetProperty("members")[0].GetString()!;

        await EchoTests.SendTextAsync(bob, """{"op":"join","room":"lobby","ref":"b1"}""");
        var bobJoined = await ReceiveJsonAsync(bob, e => e.GetProperty("op").GetString() == "reply");
        Assert.Equal("b1", bobJoined.GetProperty("ref").GetString());
        Assert.Equal(2, bobJoined.GetProperty("members").GetArrayLength());
        string bobId = bobJoined.GetProperty("members")[1].GetString()!;

        var presence = await ReceiveJsonAsync(alice, e => e.GetProperty("op").GetString() == "presence");
        Assert.Equal("join", presence.GetProperty("event").GetString());
        Assert.Equal(bobId, presence.GetProperty("member").GetString());

        await EchoTests.SendTextAsync(bob, """{"op":"send","room":"lobby","data":{"text":"hi all","n":[1,2]}}""");
        foreach (var client in new[] { alice, bob })
        {
            var message = await ReceiveJsonAsync(client, e => e.GetProperty("op").GetString() == "message");
            Assert.Equal("lobby", message.GetProperty("room").GetString());
            Assert.Equal(bobId, message.GetProperty("from").GetString());
            Assert.Equal("hi all", message.GetProperty("data").GetProperty("text").GetString());
        }

        await EchoTests.SendTextAsync(alice, "{not json");
        var error = await ReceiveJsonAsync(alice, e => e.GetProperty("op").GetString() == "error");
        Assert.Equal("invalid JSON", error.GetProperty("reason").GetString());

        await EchoTests.SendTextAsync(alice, """{"op":"send","room":"elsewhere","data":1,"ref":7}""");
        var notMember = await ReceiveJsonAsync(alice, e => IsReply(e, 7));
        Assert.Equal("error", notMember.GetProperty("op").GetString());

        await EchoTests.SendAsync(alice, [0xFF], WebSocketMessageType.Binary);
        Assert.Equal("error", (await ReceiveJsonAsync(alice, e => e.GetProperty("op").GetString() == "error")).GetProperty("op").GetString());

        await EchoTests.SendTextAsync(alice, """{"op":"leave","room":"lobby","ref":8}""");
        Assert.Equal("ok", (await ReceiveJsonAsync(alice, e => IsReply(e, 8))).GetProperty("status").GetString());
        var left = await ReceiveJsonAsync(bob, e => e.GetProperty("op").GetString() == "presence" && e.GetProperty("event").GetString() == "leave");
        Assert.Equal(aliceId, left.GetProperty("member").GetString());

        await EchoTests.SendTextAsync(alice, """{"op":"ping","ref":9}""");
        Assert.Equal("ok", (await ReceiveJsonAsync(alice, e => IsReply(e, 9))).GetProperty("status").GetString());
        Assert.Equal(WebSocketState.Open, alice.State);
    }

    [Fact]
    public async Task AMemberThatClosesWith1000_LeavesAtOnce()
    {
        await using var server = await TestServer.StartAsync();
        using var stay = await server.ConnectAsync("/ws");
        await EchoTests.SendTextAsync(stay, """{"op":"join","room":"r","ref":1}""");
        await ReceiveJsonAsync(stay, e => IsReply(e, 1));
        var leaver = await server.ConnectAsync("/ws");
        await EchoTests.SendTextAsync(leaver, """{"op":"join","room":"r","ref":1}""");
        string leaverId = (await ReceiveJsonAsync(leaver, e => IsReply(e, 1))).GetProperty("members")[1].GetString()!;
        await leaver.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", new CancellationTokenSource(TestServer.Wait).Token);
        var left = await ReceiveJsonAsync(stay, e => e.GetProperty("op").GetString() == "presence" && e.GetProperty("event").GetString() == "leave");
        Assert.Equal(leaverId, left.GetProperty("member").GetString());
    }

    [Fact]
    public async Task ADroppedMember_StaysForTheReconnectionWindow_ThenIsAnnouncedAsLeaving()
    {
        await using var server = await TestServer.StartAsync(fakeTime: true);
        using var stay = await server.ConnectAsync("/ws");
        await EchoTests.SendTextAsync(stay, """{"op":"join","room":"r","ref":1}""");
        await ReceiveJsonAsync(stay, e => IsReply(e, 1));
        var leaver = await server.ConnectAsync("/ws");
        await EchoTests.SendTextAsync(leaver, """{"op":"join","room":"r","ref":1}""");
        string leaverId = (await ReceiveJsonAsync(leaver, e => IsReply(e, 1))).GetProperty("members")[1].GetString()!;
        leaver.Abort();
        leaver.Dispose();
        await server.AdvanceAsync(TimeSpan.FromSeconds(19));
        // Still a member: a message sent now reaches only "stay", and no leave came before it.
        await EchoTests.SendTextAsync(stay, """{"op":"send","room":"r","data":"still there?"}""");
        var next = await ReceiveJsonAsync(stay, e => e.GetProperty("op").GetString() == "message"
            || (e.GetProperty("op").GetString() == "presence" && e.GetProperty("event").GetString() == "leave"));
        Assert.Equal("message", next.GetProperty("op").GetString());
        await server.AdvanceAsync(TimeSpan.FromSeconds(2));
        var left = await ReceiveJsonAsync(stay, e => e.GetProperty("op").GetString() == "presence" && e.GetProperty("event").GetString() == "leave");
        Assert.Equal(leaverId, left.GetProperty("member").GetString());
    }

    /// <summary>
    /// A room that answers one message with several deliveries in the same turn (batched per connection for
    /// non-resumable members): broadcasts, a broadcast that skips the sender, a direct send, many broadcasts, and
    /// a failure after broadcasting.
    /// </summary>
    private sealed class BurstRoom : Room
    {
        protected internal override void OnMessage(RoomMember member, WebSocketMessage message)
        {
            string text = message.GetText();
            if (text == "many")
            {
                for (int i = 0; i < 100; i++) Broadcast(Encoding.UTF8.GetBytes($"m{i}"), WebSocketMessageType.Text);
                return;
            }
            Broadcast("b1"u8, WebSocketMessageType.Text);
            Broadcast("b2"u8, WebSocketMessageType.Text);
            Broadcast("not-to-sender"u8, WebSocketMessageType.Text, except: member);
            Send(member, "to-sender"u8, WebSocketMessageType.Text);
            Broadcast("b3"u8, WebSocketMessageType.Text);
            if (text == "fail") throw new InvalidOperationException("failed after broadcasting");
        }
    }

    [Fact]
    public async Task SeveralDeliveriesInOneRoomTurn_ArriveInOrder_WithExceptAndDirectSends_AlsoWhenTheRoomThenFails()
    {
        await using var server = await TestServer.StartAsync(
            o => { o.Rooms.RestartBackoffMin = TimeSpan.Zero; o.Rooms.RestartBackoffMax = TimeSpan.Zero; },
            s =>
            {
                s.DefineRoom<BurstRoom>("burst");
                s.MapRoute<ActorWs.Server.BuiltIn.RelayRoomHandler>("/burst/{name}").RoomType = "burst";
            });
        // One at a time, so that each is known to be in (a member's messages wait for its join).
        using var sender = await server.ConnectAsync("/burst/x");
        await EchoTests.SendTextAsync(sender, "go");
        Assert.Equal(["b1", "b2", "to-sender", "b3"], await EchoTests.ReceiveTextsAsync(sender, 4));
        using var other = await server.ConnectAsync("/burst/x");
        await EchoTests.SendTextAsync(other, "go");
        Assert.Equal(["b1", "b2", "to-sender", "b3"], await EchoTests.ReceiveTextsAsync(other, 4));
        Assert.Equal(["b1", "b2", "not-to-sender", "b3"], await EchoTests.ReceiveTextsAsync(sender, 4));

        await EchoTests.SendTextAsync(sender, "go");
        Assert.Equal(["b1", "b2", "to-sender", "b3"], await EchoTests.ReceiveTextsAsync(sender, 4));
        Assert.Equal(["b1", "b2", "not-to-sender", "b3"], await EchoTests.ReceiveTextsAsync(other, 4));

        await EchoTests.SendTextAsync(sender, "many");
        var expected = Enumerable.Range(0, 100).Select(i => $"m{i}").ToList();
        Assert.Equal(expected, await EchoTests.ReceiveTextsAsync(sender, 100));
        Assert.Equal(expected, await EchoTests.ReceiveTextsAsync(other, 100));

        // What the room broadcast before failing is still delivered, then the room is restarted.
        await EchoTests.SendTextAsync(sender, "fail");
        Assert.Equal(["b1", "b2", "to-sender", "b3"], await EchoTests.ReceiveTextsAsync(sender, 4));
        Assert.Equal(["b1", "b2", "not-to-sender", "b3"], await EchoTests.ReceiveTextsAsync(other, 4));
        await EchoTests.SendTextAsync(other, "again");
        Assert.Equal(["b1", "b2", "not-to-sender", "b3"], await EchoTests.ReceiveTextsAsync(sender, 4));
        Assert.Equal(["b1", "b2", "to-sender", "b3"], await EchoTests.ReceiveTextsAsync(other, 4));
    }

    /// <summary>A room type whose logic throws on "boom" and relays everything else (the raw JSON data) to all members.</summary>
    private sealed class FragileRoom : Room
    {
        protected internal override void OnMessage(RoomMember member, WebSocketMessage message)
        {
            if (message.GetText().Contains("boom")) throw new InvalidOperationException("room logic failed");
            Broadcast(message.Span, message.Type);
        }
    }

    [Fact]
    public async Task ARoomThatThrows_IsRestarted_ItsMembersAreToldAndRejoined_AndNoConnectionDrops()
    {
        await using var server = await TestServer.StartAsync(
            o => { o.Rooms.RestartBackoffMin = TimeSpan.FromMilliseconds(10); o.Rooms.RestartBackoffMax = TimeSpan.FromMilliseconds(50); },
            s =>
            {
                s.DefineRoom<FragileRoom>("fragile");
                s.MapRoute<ActorWs.Server.BuiltIn.JsonRoomsHandler>("/fragile").RoomType = "fragile";
            });
        using var alice = await server.ConnectAsync("/fragile");
        using var bob = await server.ConnectAsync("/fragile");
        foreach (var client in new[] { alice, bob })
        {
            await EchoTests.SendTextAsync(client, """{"op":"join","room":"f","ref":1}""");
            await ReceiveJsonAsync(client, e => IsReply(e, 1));
        }
        await EchoTests.SendTextAsync(alice, """{"op":"send","room":"f","data":"boom"}""");
        foreach (var client in new[] { alice, bob })
        {
            var notice = await ReceiveJsonAsync(client, e => e.GetProperty("op").GetString() == "notice");
            Assert.Equal("restarted", notice.GetProperty("event").GetString());
            Assert.Equal("room logic failed", notice.GetProperty("reason").GetString());
        }
        await EchoTests.SendTextAsync(bob, """{"op":"send","room":"f","data":"after"}""");
        foreach (var client in new[] { alice, bob })
            Assert.Equal("after", (await ReceiveJsonAsync(client, e => e.ValueKind == JsonValueKind.String)).GetString());
        Assert.Equal(WebSocketState.Open, alice.State);
        Assert.Equal(WebSocketState.Open, bob.State);
    }

    [Fact]
    public async Task ARoomThatKeepsFailing_IsStopped_AndItsMembersAreTold()
    {
        await using var server = await TestServer.StartAsync(
            o => { o.Rooms.MaxRestarts = 2; o.Rooms.RestartBackoffMin = TimeSpan.Zero; o.Rooms.RestartBackoffMax = TimeSpan.Zero; },
            s =>
            {
                s.DefineRoom<FragileRoom>("fragile");
                s.MapRoute<ActorWs.Server.BuiltIn.JsonRoomsHandler>("/fragile").RoomType = "fragile";
            });
        using var alice = await server.ConnectAsync("/fragile");
        await EchoTests.SendTextAsync(alice, """{"op":"join","room":"f","ref":1}""");
        await ReceiveJsonAsync(alice, e => IsReply(e, 1));
        JsonElement notice;
        int restarts = 0;
        while (true)
        {
            await EchoTests.SendTextAsync(alice, """{"op":"send","room":"f","data":"boom"}""");
            notice = await ReceiveJsonAsync(alice, e => e.GetProperty("op").GetString() == "notice");
            if (notice.GetProperty("event").GetString() == "closed") break;
            Assert.True(++restarts <= 2, "the room was restarted more often than allowed");
        }
        Assert.Equal(2, restarts);
        // The connection survives; a fresh join creates a fresh room.
        await EchoTests.SendTextAsync(alice, """{"op":"join","room":"f","ref":2}""");
        Assert.Equal("ok", (await ReceiveJsonAsync(alice, e => IsReply(e, 2))).GetProperty("status").GetString());
    }
}
