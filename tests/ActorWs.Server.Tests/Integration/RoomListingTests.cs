using System.Text.Json;
using ActorWs.Server.Rooms;
using ActorWs.Server.Tests.Infrastructure;
using Xunit;

namespace ActorWs.Server.Tests.Integration;

/// <summary><c>listRooms</c> answers one page at a time: a limit, an opaque cursor, the next page's cursor (null at the end).</summary>
public sealed class RoomListingTests
{
    /// <summary>A room whose <c>mode</c> option becomes its metadata.</summary>
    private sealed class ModeRoom : Room
    {
        protected internal override void OnCreate(JsonElement options)
        {
            if (options.TryGetProperty("mode", out var mode)) SetMetadata("mode", mode.GetString());
        }
    }

    private static async Task<JsonClient> HealthyAsync(TestServer server)
    {
        var healthy = await JsonClient.ConnectAsync(server);
        await healthy.OkAsync("join", "\"room\":\"lobby\"");
        return healthy;
    }

    private static async Task AssertHealthyAsync(JsonClient healthy)
    {
        await healthy.OkAsync("send", "\"room\":\"lobby\",\"data\":\"still here\"");
        await healthy.NextAsync(r => r.Op == "message" && r.Json!.Value.GetProperty("data").GetString() == "still here");
    }

    /// <summary>Sends joins for <paramref name="names"/> in a burst and waits for every reply.</summary>
    private static async Task JoinAllAsync(JsonClient client, IEnumerable<string> names)
    {
        var refs = new List<int>();
        int next = 10_000;
        foreach (var name in names)
        {
            refs.Add(++next);
            await client.SendAsync($"{{\"op\":\"join\",\"room\":\"{name}\",\"ref\":{next}}}");
        }
        foreach (int @ref in refs)
        {
            var reply = await client.NextAsync(r => r.Json is { } j && j.TryGetProperty("ref", out var x) && x.ValueKind == JsonValueKind.Number && x.GetInt32() == @ref);
            Assert.Equal("reply", reply.Op);
        }
    }

    private static string[] Names(JsonElement reply) =>
        reply.GetProperty("rooms").EnumerateArray().Select(r => r.GetProperty("room").GetString()!).ToArray();

    private static string? Next(JsonElement reply) =>
        reply.GetProperty("next").ValueKind == JsonValueKind.Null ? null : reply.GetProperty("next").GetString();

    [Fact]
    public async Task Pages_CoverEveryRoomOnce_InNameOrder_WithTheDefaultLimitOf50_AndNextNullAtTheEnd()
    {
        await using var server = await TestServer.StartAsync();
        await using var healthy = await HealthyAsync(server);
        await using var client = await JsonClient.ConnectAsync(server);
        var names = Enumerable.Range(1, 54).Select(i => $"room-{i:D3}").ToList();
        await JoinAllAsync(client, names);
        var expected = names.Append("lobby").Order(StringComparer.Ordinal).ToArray();

        var first = await client.OkAsync("listRooms", "\"type\":\"chat\"");
        Assert.Equal(expected.Take(50), Names(first));
        Assert.NotNull(Next(first));

        var listed = new List<string>();
        string? cursor = null;
        int pages = 0;
        do
        {
            var page = await client.OkAsync("listRooms", $"\"type\":\"chat\",\"limit\":7,\"cursor\":{JsonSerializer.Serialize(cursor)}");
            Assert.True(Names(page).Length <= 7);
            listed.AddRange(Names(page));
            cursor = Next(page);
            pages++;
        }
        while (cursor is not null && pages < 20);
        Assert.Equal(expected, listed);
        Assert.Equal(8, pages); // 55 rooms in pages of 7
        await AssertHealthyAsync(healthy);
    }

    [Fact]
    public async Task AFilter_KeepsWorkingAcrossPages()
    {
        await using var server = await TestServer.StartAsync(configure: s => s.DefineRoom<ModeRoom>("match"));
        await using var healthy = await HealthyAsync(server);
        await using var client = await JsonClient.ConnectAsync(server);
        var ffa = new List<string>();
        for (int i = 0; i < 10; i++)
        {
            string mode = i % 2 == 0 ? "ffa" : "duel";
            var created = await client.OkAsync("create", $"\"type\":\"match\",\"options\":{{\"mode\":\"{mode}\"}}");
            if (mode == "ffa") ffa.Add(created.GetProperty("room").GetString()!);
        }

        var listed = new List<string>();
        string? cursor = null;
        int pages = 0;
        do
        {
            var page = await client.OkAsync("listRooms", $"\"type\":\"match\",\"filter\":{{\"mode\":\"ffa\"}},\"limit\":2,\"cursor\":{JsonSerializer.Serialize(cursor)}");
            Assert.All(page.GetProperty("rooms").EnumerateArray(), r => Assert.Equal("ffa", r.GetProperty("metadata").GetProperty("mode").GetString()));
            listed.AddRange(Names(page));
            cursor = Next(page);
        }
        while (cursor is not null && ++pages < 20);
        Assert.Equal(ffa.Order(StringComparer.Ordinal), listed);
        await AssertHealthyAsync(healthy);
    }

    [Fact]
    public async Task ARequestLooksAtABoundedNumberOfRooms_AFilterMatchingNone_GetsAnEmptyPageWithANextCursor()
    {
        await using var server = await TestServer.StartAsync(o => o.Rooms.MaxPerConnection = 2000);
        await using var healthy = await HealthyAsync(server);
        await using var client = await JsonClient.ConnectAsync(server);
        await JoinAllAsync(client, Enumerable.Range(1, RoomListCursor.ScanBudget + 200).Select(i => $"many-{i:D5}"));

        var first = await client.OkAsync("listRooms", "\"type\":\"chat\",\"filter\":{\"mode\":\"none\"}");
        Assert.Empty(Names(first));
        string? cursor = Next(first);
        Assert.NotNull(cursor);
        var second = await client.OkAsync("listRooms", $"\"type\":\"chat\",\"filter\":{{\"mode\":\"none\"}},\"cursor\":\"{cursor}\"");
        Assert.Empty(Names(second));
        Assert.Null(Next(second));
        await AssertHealthyAsync(healthy);
    }

    [Theory]
    [InlineData("\"limit\":0", "\"limit\" must be an integer from 1 to 200")]
    [InlineData("\"limit\":201", "\"limit\" must be an integer from 1 to 200")]
    [InlineData("\"limit\":\"10\"", "\"limit\" must be an integer from 1 to 200")]
    [InlineData("\"limit\":2.5", "\"limit\" must be an integer from 1 to 200")]
    [InlineData("\"limit\":{\"n\":5}", "\"limit\" must be an integer from 1 to 200")]
    [InlineData("\"cursor\":\"!!not-a-cursor!!\"", "\"cursor\" is not a cursor from a listing")]
    [InlineData("\"cursor\":\"bm9jb2xvbg\"", "\"cursor\" is not a cursor from a listing")]
    [InlineData("\"cursor\":5", "\"cursor\" is not a cursor from a listing")]
    public async Task ABadLimitOrCursor_GetsAnErrorWithItsRef_AndTheConnectionStays(string fields, string reason)
    {
        await using var server = await TestServer.StartAsync();
        await using var healthy = await HealthyAsync(server);
        await using var client = await JsonClient.ConnectAsync(server);
        var reply = await client.RequestAsync("listRooms", fields);
        Assert.Equal("error", reply.GetProperty("op").GetString());
        Assert.Equal(reason, reply.GetProperty("reason").GetString());
        // A null cursor is the first page.
        var first = await client.OkAsync("listRooms", "\"type\":\"chat\",\"cursor\":null");
        Assert.Equal(["lobby"], Names(first));
        Assert.Null(Next(first));
        await AssertHealthyAsync(healthy);
    }

    [Fact]
    public async Task OtherOps_IgnoreLimitAndCursor_LikeAnyFieldNotTheirs()
    {
        await using var server = await TestServer.StartAsync();
        await using var healthy = await HealthyAsync(server);
        await using var client = await JsonClient.ConnectAsync(server);
        await client.OkAsync("join", "\"room\":\"own\",\"limit\":0,\"cursor\":7");
        await client.OkAsync("ping", "\"limit\":\"x\"");
        await AssertHealthyAsync(healthy);
    }

    [Fact]
    public async Task TheRoomDirectory_ListsEveryRoom_PageByPage()
    {
        await using var server = await TestServer.StartAsync(o => o.Rooms.MaxPerConnection = 300);
        await using var healthy = await HealthyAsync(server);
        await using var client = await JsonClient.ConnectAsync(server);
        await JoinAllAsync(client, Enumerable.Range(1, RoomListCursor.MaxLimit + 5).Select(i => $"d-{i:D4}"));

        var all = await server.Server.Rooms.ListAsync("chat");
        Assert.Equal(RoomListCursor.MaxLimit + 6, all.Count);
        var page = await server.Server.Rooms.ListPageAsync("chat", null, limit: 3);
        Assert.Equal(["d-0001", "d-0002", "d-0003"], page.Rooms.Select(r => r.Room));
        var next = await server.Server.Rooms.ListPageAsync("chat", null, limit: 3, cursor: page.Next);
        Assert.Equal(["d-0004", "d-0005", "d-0006"], next.Rooms.Select(r => r.Room));
        await Assert.ThrowsAsync<ArgumentException>(() => server.Server.Rooms.ListPageAsync("chat", null, cursor: "%%"));
        await AssertHealthyAsync(healthy);
    }
}
