using System.Text.Json;
using ActorWs.Browser.Tests.Infrastructure;

namespace ActorWs.Browser.Tests.Client;

/// <summary>actorws.js with game rooms: matchmaking and binary messages.</summary>
public sealed class MatchmakingTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public async Task List_rooms_pages_with_a_limit_and_the_next_cursor()
    {
        var ann = await OpenHarnessAsync();
        var bob = await OpenHarnessAsync();
        await ConnectAsync(ann);
        await ConnectAsync(bob);
        var mode = Guid.NewGuid().ToString("N");
        var created = new List<string>();
        for (int i = 0; i < 3; i++) created.Add((await CallOkAsync(ann, "create", "arena", new { mode })).GetProperty("room").GetString()!);

        var first = await CallOkAsync(bob, "listRoomsPage", "arena", new { mode }, new { limit = 2 });
        Assert.Equal(2, first.GetProperty("rooms").GetArrayLength());
        string cursor = first.GetProperty("next").GetString()!;
        var listed = first.GetProperty("rooms").EnumerateArray().Select(r => r.GetProperty("room").GetString()!).ToList();
        var last = await CallOkAsync(bob, "listRoomsPage", "arena", new { mode }, new { limit = 2, cursor });
        listed.AddRange(last.GetProperty("rooms").EnumerateArray().Select(r => r.GetProperty("room").GetString()!));
        Assert.Equal(JsonValueKind.Null, last.GetProperty("next").ValueKind);
        Assert.Equal(created.Order(StringComparer.Ordinal), listed);
        // listRooms keeps answering with an array: the first page.
        Assert.Equal(3, (await CallOkAsync(bob, "listRooms", "arena", new { mode })).GetArrayLength());

        var refused = await CallAsync(bob, "listRoomsPage", "arena", null, new { cursor = "not a cursor" });
        Assert.Equal("\"cursor\" is not a cursor from a listing", refused.GetProperty("error").GetProperty("reason").GetString());
        var badLimit = await CallAsync(bob, "listRoomsPage", "arena", null, new { limit = 500 });
        Assert.Equal("RangeError", badLimit.GetProperty("error").GetProperty("name").GetString());
        await CallOkAsync(ann, "ping");
        await CallOkAsync(bob, "ping");
    }

    [Fact]
    public async Task Two_pages_are_matched_into_one_arena_and_exchange_binary_messages()
    {
        var ann = await OpenHarnessAsync();
        var bob = await OpenHarnessAsync();
        await ConnectAsync(ann);
        await ConnectAsync(bob);
        var mode = Guid.NewGuid().ToString("N");
        var annRoom = await CallOkAsync(ann, "create", "arena", new { mode, seats = 2 });
        var listed = await CallOkAsync(bob, "listRooms", "arena", new { mode });
        string room = listed[0].GetProperty("room").GetString()!;
        Assert.Equal(annRoom.GetProperty("room").GetString(), room);
        var bobRoom = await CallOkAsync(bob, "joinById", room);
        Assert.Equal(2, bobRoom.GetProperty("members").GetArrayLength());

        await ann.EvaluateAsync("() => harness.client.sendBinary(new Uint8Array([7, 8, 9]))");
        foreach (var page in new[] { ann, bob })
        {
            await WaitForAsync(page, "harness.of('binary').length === 1");
            var binary = (await EventsAsync(page, "binary"))[0];
            Assert.Equal("[7,8,9]", binary.GetProperty("data").GetRawText());
            Assert.True(binary.GetProperty("seq").GetInt64() > 0);
        }
    }

    [Fact]
    public async Task A_full_room_is_refused_by_id_with_the_servers_reason()
    {
        var pages = new[] { await OpenHarnessAsync(), await OpenHarnessAsync(), await OpenHarnessAsync() };
        foreach (var page in pages) await ConnectAsync(page);
        var created = await CallOkAsync(pages[0], "create", "arena", new { seats = 2 });
        string room = created.GetProperty("room").GetString()!;
        await CallOkAsync(pages[1], "joinById", room);
        var full = (await CallAsync(pages[2], "joinById", room)).GetProperty("error");
        Assert.Equal(("rejected", "room is full"), (full.GetProperty("failure").GetString(), full.GetProperty("reason").GetString()));
        Assert.Equal(0, await pages[2].EvaluateAsync<int>("() => harness.client.gameRooms.length"));
    }

    [Fact]
    public async Task A_confirmed_send_resolves_once_the_room_took_it_and_rejects_with_the_rooms_reason_when_it_refused()
    {
        var page = await OpenHarnessAsync();
        await ConnectAsync(page);
        string room = (await CallOkAsync(page, "create", "arena", new { seats = 2 })).GetProperty("room").GetString()!;

        var refused = (await CallAsync(page, "send", room, "forbidden", new { confirm = true })).GetProperty("error");
        Assert.Equal(("ActorWsError", "rejected", "that move is not allowed"),
            (refused.GetProperty("name").GetString(), refused.GetProperty("failure").GetString(), refused.GetProperty("reason").GetString()));

        await CallOkAsync(page, "send", room, new { move = "left" }, new { confirm = true });
        // The room's message came before the confirmation, and the refusal was no stray "error" event.
        var messages = await EventsAsync(page, "message");
        Assert.Equal("left", Assert.Single(messages.EnumerateArray()).GetProperty("data").GetProperty("move").GetString());
        Assert.Equal(0, (await EventsAsync(page, "error")).GetArrayLength());
    }
}
