using System.Net.WebSockets;
using System.Text.Json;
using ActorWs.Server.Rooms;
using ActorWs.Server.Tests.Infrastructure;
using Xunit;

namespace ActorWs.Server.Tests.Integration;

/// <summary>
/// Bounds on rooms: per session, per room type, on names (every route), and junk rooms going away after their linger.
/// Each test keeps a healthy client in a room that must keep working.
/// </summary>
public sealed class RoomLimitTests
{
    private sealed class PlainRoom : Room;

    private static string Reason(JsonElement reply)
    {
        Assert.Equal("error", reply.GetProperty("op").GetString());
        return reply.GetProperty("reason").GetString()!;
    }

    /// <summary>A healthy client in "lobby": its own message comes back to it.</summary>
    private static async Task<JsonClient> HealthyAsync(TestServer server)
    {
        var healthy = await JsonClient.ConnectAsync(server);
        await healthy.OkAsync("join", "\"room\":\"lobby\"");
        await AssertHealthyAsync(healthy, "before");
        return healthy;
    }

    private static async Task AssertHealthyAsync(JsonClient healthy, string text)
    {
        await healthy.OkAsync("send", $"\"room\":\"lobby\",\"data\":\"{text}\"");
        var message = await healthy.NextAsync(r => r.Op == "message" && r.Json!.Value.GetProperty("data").GetString() == text);
        Assert.Equal("lobby", message.Json!.Value.GetProperty("room").GetString());
    }

    [Fact]
    public async Task OneSession_JoinsAtMostMaxPerConnectionRooms_ThenGetsAnErrorWithItsRef_AndStaysOpen()
    {
        await using var server = await TestServer.StartAsync(o => o.Rooms.MaxPerConnection = 3);
        await using var healthy = await HealthyAsync(server);
        await using var client = await JsonClient.ConnectAsync(server);
        for (int i = 1; i <= 3; i++) await client.OkAsync("join", $"\"room\":\"r{i}\"");

        var refused = await client.RequestAsync("join", "\"room\":\"r4\"");
        Assert.Equal("too many rooms for this connection (at most 3)", Reason(refused));
        // Rejoining a room it is in adds none; leaving one makes room for another.
        await client.OkAsync("join", "\"room\":\"r1\"");
        Assert.Equal("too many rooms for this connection (at most 3)", Reason(await client.RequestAsync("create", "\"type\":\"chat\"")));
        await client.OkAsync("leave", "\"room\":\"r1\"");
        await client.OkAsync("join", "\"room\":\"r4\"");
        await client.OkAsync("ping");
        Assert.Equal(WebSocketState.Open, client.Socket.State);
        await AssertHealthyAsync(healthy, "after");
    }

    [Fact]
    public async Task JoinsSentInABurst_CountBeforeTheyAreAnswered_SoNoMoreThanTheCapGetIn()
    {
        await using var server = await TestServer.StartAsync(o => o.Rooms.MaxPerConnection = 3);
        await using var healthy = await HealthyAsync(server);
        await using var client = await JsonClient.ConnectAsync(server);
        for (int i = 1; i <= 6; i++) await client.SendAsync($"{{\"op\":\"join\",\"room\":\"b{i}\",\"ref\":{100 + i}}}");

        var answers = new List<JsonElement>();
        for (int i = 1; i <= 6; i++)
            answers.Add((await client.NextAsync(r => r.Json is { } j && j.TryGetProperty("ref", out var x) && x.ValueKind == JsonValueKind.Number && x.GetInt32() == 100 + i)).Json!.Value);
        Assert.Equal(3, answers.Count(a => a.GetProperty("op").GetString() == "reply"));
        Assert.All(answers.Where(a => a.GetProperty("op").GetString() == "error"), a => Assert.Equal("too many rooms for this connection (at most 3)", Reason(a)));
        await AssertHealthyAsync(healthy, "after");
    }

    [Fact]
    public async Task RoomsOfOneType_AreCappedInTotal_JoiningAnExistingRoomStillWorks()
    {
        await using var server = await TestServer.StartAsync(o => o.Rooms.MaxRooms = 3);
        await using var healthy = await HealthyAsync(server);   // "lobby" is room 1
        await using var client = await JsonClient.ConnectAsync(server);
        await client.OkAsync("join", "\"room\":\"c1\"");
        await client.OkAsync("join", "\"room\":\"c2\"");

        Assert.Equal("too many rooms of type \"chat\" (at most 3); try again later", Reason(await client.RequestAsync("join", "\"room\":\"c3\"")));
        await client.OkAsync("join", "\"room\":\"lobby\"");
        await client.OkAsync("ping");
        await AssertHealthyAsync(healthy, "after");
    }

    [Fact]
    public async Task ARoomTypesOwnCap_RefusesCreateAndJoinOrCreate_PastIt()
    {
        await using var server = await TestServer.StartAsync(configure: s => s.DefineRoom<PlainRoom>("duel", o => o.MaxRooms = 2));
        await using var healthy = await HealthyAsync(server);
        await using var client = await JsonClient.ConnectAsync(server);
        await client.OkAsync("create", "\"type\":\"duel\"");
        await client.OkAsync("create", "\"type\":\"duel\"");

        string expected = "too many rooms of type \"duel\" (at most 2); try again later";
        Assert.Equal(expected, Reason(await client.RequestAsync("create", "\"type\":\"duel\"")));
        // Both rooms have free seats, so joinOrCreate joins one of them rather than making a third.
        var joined = await client.OkAsync("joinOrCreate", "\"type\":\"duel\"");
        Assert.StartsWith("duel-", joined.GetProperty("room").GetString());
        await AssertHealthyAsync(healthy, "after");
    }

    [Fact]
    public async Task ARoomNameOverTheBound_IsRefusedOnEveryRoute_AndNoLogCarriesIt()
    {
        await using var server = await TestServer.StartAsync();
        await using var healthy = await HealthyAsync(server);
        using var relayHealthy = await server.ConnectAsync("/rooms/fine");
        string tooLong = new('n', 7000);

        using (var raw = RawClient.Connect(server.EndPoint))
        {
            raw.Send(RawClient.UpgradeRequest("/rooms/" + tooLong));
            var response = raw.ReadHttpResponse();
            Assert.Equal(400, response.Status);
            Assert.Contains("room name longer than 128 bytes", response.Body);
        }
        // The bound is in UTF-8 bytes of the decoded name: 64 "é" are 128 bytes, 65 are 130.
        using (var raw = RawClient.Connect(server.EndPoint))
        {
            raw.Send(RawClient.UpgradeRequest("/rooms/" + string.Concat(Enumerable.Repeat("%C3%A9", 65))));
            Assert.Equal(400, raw.ReadHttpResponse().Status);
        }
        using (var raw = RawClient.Connect(server.EndPoint))
            Assert.Equal(101, raw.Upgrade("/rooms/" + string.Concat(Enumerable.Repeat("%C3%A9", 64))).Status);

        // The same bound on the JSON protocol, with its ref.
        Assert.Equal("room name longer than 128 bytes", Reason(await healthy.RequestAsync("join", $"\"room\":\"{new string('n', 129)}\"")));
        await healthy.OkAsync("join", $"\"room\":\"{new string('n', 128)}\"");

        await EchoTests.SendTextAsync(relayHealthy, "still relaying");
        Assert.Equal("still relaying", await EchoTests.ReceiveTextAsync(relayHealthy));
        await AssertHealthyAsync(healthy, "after");
        Assert.DoesNotContain(server.Logs.GetSnapshot(), r => r.Message.Contains(new string('n', 129), StringComparison.Ordinal));
    }

    [Fact]
    public async Task RelayRooms_AtTheTypesCap_ANewRoomGets503_AnExistingOneStillOpens()
    {
        await using var server = await TestServer.StartAsync(o => o.Rooms.MaxRooms = 2);
        using var a = await server.ConnectAsync("/rooms/a");
        using var b = await server.ConnectAsync("/rooms/b");
        // A member's own message comes back once its join is done: both rooms exist now.
        foreach (var (member, text) in new[] { (a, "in a"), (b, "in b") })
        {
            await EchoTests.SendTextAsync(member, text);
            Assert.Equal(text, await EchoTests.ReceiveTextAsync(member));
        }

        using (var raw = RawClient.Connect(server.EndPoint))
        {
            raw.Send(RawClient.UpgradeRequest("/rooms/c"));
            var response = raw.ReadHttpResponse();
            Assert.Equal(503, response.Status);
            Assert.Contains("too many rooms of type \"relay\" (at most 2); try again later", response.Body);
        }
        using var second = await server.ConnectAsync("/rooms/a");
        await EchoTests.SendTextAsync(second, "joined a");
        Assert.Equal("joined a", await EchoTests.ReceiveTextAsync(second));
        Assert.Equal("joined a", await EchoTests.ReceiveTextAsync(a));
        await EchoTests.SendTextAsync(b, "b works");
        Assert.Equal("b works", await EchoTests.ReceiveTextAsync(b));
    }

    [Fact]
    public async Task ARelayConnectionWhoseRoomCannotBeMade_AfterIts101_IsClosedWith1013()
    {
        // A relay route without the default accept hook: the cap is met only at the join, as when a client loses the race
        // for the last room after its 101.
        await using var server = await TestServer.StartAsync(o => o.Rooms.MaxRooms = 1,
            configure: s => s.MapRoute<BuiltIn.RelayRoomHandler>("/plain/{name}").RoomType = "relay");
        using var a = await server.ConnectAsync("/rooms/a");
        await EchoTests.SendTextAsync(a, "in a");
        Assert.Equal("in a", await EchoTests.ReceiveTextAsync(a));

        using var late = RawClient.Connect(server.EndPoint);
        late.Upgrade("/plain/b");
        var close = late.ReadUntilClose();
        Assert.NotNull(close);
        Assert.Equal(1013, close.CloseCode);
        Assert.Equal("cannot join room: too many rooms of type \"relay\" (at most 1); try again later", close.CloseReason);
        await EchoTests.SendTextAsync(a, "a works");
        Assert.Equal("a works", await EchoTests.ReceiveTextAsync(a));
    }

    [Fact]
    public async Task RoomsMadeByJoinsThatLeft_GoAwayAfterTheirLinger_AndFreeTheirPlaceUnderTheCap()
    {
        await using var server = await TestServer.StartAsync(o => { o.Rooms.Linger = TimeSpan.FromSeconds(30); o.Rooms.MaxRooms = 3; }, fakeTime: true);
        await using var healthy = await HealthyAsync(server);
        await using var client = await JsonClient.ConnectAsync(server);
        foreach (var name in new[] { "junk-1", "junk-2" })
        {
            await client.OkAsync("join", $"\"room\":\"{name}\"");
            await client.OkAsync("leave", $"\"room\":\"{name}\"");
        }
        Assert.Equal(["junk-1", "junk-2", "lobby"], await ChatRoomsAsync(healthy));
        Assert.StartsWith("too many rooms", Reason(await client.RequestAsync("join", "\"room\":\"new\"")));

        await server.AdvanceAsync(TimeSpan.FromSeconds(29));
        Assert.Equal(["junk-1", "junk-2", "lobby"], await ChatRoomsAsync(healthy));
        await server.AdvanceAsync(TimeSpan.FromSeconds(2));
        // The rooms stop once the manager has their idle reports: bounded by the number of listings asked.
        string[] rooms = [];
        for (int attempt = 0; attempt < 200 && (rooms = await ChatRoomsAsync(healthy)).Length > 1; attempt++) await Task.Yield();
        Assert.Equal(["lobby"], rooms);
        await client.OkAsync("join", "\"room\":\"new\"");
        await AssertHealthyAsync(healthy, "after");
    }

    /// <summary>The names of the chat rooms listed now, sorted.</summary>
    private static async Task<string[]> ChatRoomsAsync(JsonClient client)
    {
        var reply = await client.OkAsync("listRooms", "\"type\":\"chat\"");
        return reply.GetProperty("rooms").EnumerateArray().Select(r => r.GetProperty("room").GetString()!).Order(StringComparer.Ordinal).ToArray();
    }
}
