using ActorWs.Client.Events;
using ActorWs.Client.Requests;
using ActorWs.Client.Tests.Infrastructure;

namespace ActorWs.Client.Tests.Rooms;

/// <summary>Game rooms against the real server, with <see cref="TestArenaRoom"/> defined as <c>arena</c>.</summary>
public class MatchmakingTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private readonly List<ActorWsClient> _clients = [];

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var client in _clients) await client.DisposeAsync();
        await _server.DisposeAsync();
    }

    private async Task<(ActorWsClient, EventRecorder)> ConnectAsync()
    {
        var client = new ActorWsClient(_server.Direct("/ws"));
        _clients.Add(client);
        var events = new EventRecorder(client);
        await client.ConnectAsync().WaitAsync(TestServer.Wait);
        return (client, events);
    }

    [Fact]
    public async Task Join_or_create_fills_a_room_before_making_the_next()
    {
        var (a, _) = await ConnectAsync();
        var (b, _) = await ConnectAsync();
        var (c, _) = await ConnectAsync();
        var first = await a.JoinOrCreateAsync("arena", new { seats = 2 }).WaitAsync(TestServer.Wait);
        var second = await b.JoinOrCreateAsync("arena").WaitAsync(TestServer.Wait);
        var third = await c.JoinOrCreateAsync("arena").WaitAsync(TestServer.Wait);
        Assert.Equal("arena", first.Type);
        Assert.Equal(first.Room, second.Room);
        Assert.Equal(2, second.Members.Count);
        Assert.NotEqual(first.Room, third.Room);
        Assert.Equal([new GameRoomMembership(first.Room, "arena")], a.GameRooms);
    }

    [Fact]
    public async Task Create_always_makes_a_room_and_list_rooms_filters_by_metadata()
    {
        var (a, _) = await ConnectAsync();
        var (b, _) = await ConnectAsync();
        var ffa = await a.CreateAsync("arena", new { mode = "ffa", seats = 4 }).WaitAsync(TestServer.Wait);
        var teams = await b.CreateAsync("arena", new { mode = "teams" }).WaitAsync(TestServer.Wait);
        Assert.NotEqual(ffa.Room, teams.Room);

        var all = await a.ListRoomsAsync("arena").WaitAsync(TestServer.Wait);
        Assert.Equal(2, all.Count);
        var onlyTeams = await a.ListRoomsAsync("arena", new { mode = "teams" }).WaitAsync(TestServer.Wait);
        var listing = Assert.Single(onlyTeams);
        Assert.Equal((teams.Room, "arena", 1, (int?)2, false), (listing.Room, listing.Type, listing.Clients, listing.MaxClients, listing.Locked));
        Assert.Equal("teams", listing.Metadata.GetProperty("mode").GetString());
    }

    [Fact]
    public async Task List_rooms_pages_through_a_filtered_listing_with_the_next_cursor()
    {
        var (a, _) = await ConnectAsync();
        var (healthy, _) = await ConnectAsync();
        var ffa = new List<string>();
        for (int i = 0; i < 6; i++)
        {
            var room = await a.CreateAsync("arena", new { mode = i % 2 == 0 ? "ffa" : "teams" }).WaitAsync(TestServer.Wait);
            if (i % 2 == 0) ffa.Add(room.Room);
        }

        var first = await a.ListRoomsPageAsync("arena", new { mode = "ffa" }, limit: 2).WaitAsync(TestServer.Wait);
        Assert.Equal(2, first.Rooms.Count);
        Assert.NotNull(first.Next);
        var listed = first.Rooms.Select(r => r.Room).ToList();
        for (var cursor = first.Next; cursor is not null;)
        {
            var page = await a.ListRoomsPageAsync("arena", new { mode = "ffa" }, limit: 2, cursor: cursor).WaitAsync(TestServer.Wait);
            listed.AddRange(page.Rooms.Select(r => r.Room));
            cursor = page.Next;
        }
        Assert.Equal(ffa.Order(StringComparer.Ordinal), listed);
        // Without a cursor, the first page, as before paging.
        Assert.Equal(listed, (await a.ListRoomsAsync("arena", new { mode = "ffa" }).WaitAsync(TestServer.Wait)).Select(r => r.Room));

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => a.ListRoomsPageAsync("arena", limit: 201));
        var refused = await Assert.ThrowsAsync<ActorWsRequestException>(() => a.ListRoomsPageAsync("arena", cursor: "not a cursor").WaitAsync(TestServer.Wait));
        Assert.Equal((RequestFailure.Rejected, "\"cursor\" is not a cursor from a listing"), (refused.Failure, refused.Reason));
        await healthy.PingAsync().WaitAsync(TestServer.Wait);
        await a.PingAsync().WaitAsync(TestServer.Wait);
    }

    [Fact]
    public async Task Join_by_id_is_refused_precisely_for_full_and_unknown_rooms()
    {
        var (a, _) = await ConnectAsync();
        var (b, _) = await ConnectAsync();
        var (c, _) = await ConnectAsync();
        var room = await a.CreateAsync("arena", new { seats = 2 }).WaitAsync(TestServer.Wait);
        var joined = await b.JoinByIdAsync(room.Room).WaitAsync(TestServer.Wait);
        Assert.Equal(room.Room, joined.Room);

        var full = await Assert.ThrowsAsync<ActorWsRequestException>(() => c.JoinByIdAsync(room.Room));
        Assert.Equal((RequestFailure.Rejected, "room is full"), (full.Failure, full.Reason));
        var missing = await Assert.ThrowsAsync<ActorWsRequestException>(() => c.JoinByIdAsync("arena-999"));
        Assert.Equal("no such room", missing.Reason);
        Assert.Empty(c.GameRooms);
    }

    [Fact]
    public async Task Binary_to_the_game_room_comes_back_numbered_and_stripped()
    {
        var (a, aEvents) = await ConnectAsync();
        var (b, bEvents) = await ConnectAsync();
        var room = await a.JoinOrCreateAsync("arena").WaitAsync(TestServer.Wait);
        await b.JoinByIdAsync(room.Room).WaitAsync(TestServer.Wait);
        await a.SendBinaryAsync(new byte[] { 1, 2, 3, 4, 5 });
        foreach (var events in new[] { aEvents, bEvents })
        {
            var binary = await events.WaitAsync<BinaryReceived>();
            Assert.Equal([1, 2, 3, 4, 5], binary.Payload.ToArray());
            Assert.True(binary.Seq > 0);
        }
        await b.SendAsync(room.Room, new { move = "left" });
        var json = await aEvents.WaitAsync<RoomMessage>(m => m.Room == room.Room);
        Assert.Equal("left", json.Data.GetProperty("move").GetString());
    }

    [Fact]
    public async Task Binary_without_a_game_room_is_an_error_event()
    {
        var (a, events) = await ConnectAsync();
        await a.SendBinaryAsync(new byte[] { 1 });
        var error = await events.WaitAsync<ServerError>();
        Assert.Contains("game room", error.Reason);
    }

    [Fact]
    public async Task A_confirmed_send_completes_once_the_room_took_it_and_fails_with_the_rooms_reason_when_it_refused()
    {
        var (a, events) = await ConnectAsync();
        var room = await a.JoinOrCreateAsync("arena").WaitAsync(TestServer.Wait);

        var refused = await Assert.ThrowsAsync<ActorWsRequestException>(() => a.SendConfirmedAsync(room.Room, TestArenaRoom.Forbidden).WaitAsync(TestServer.Wait));
        Assert.Equal((RequestFailure.Rejected, TestArenaRoom.ForbiddenReason, "send"), (refused.Failure, refused.Reason, refused.Op));

        await a.SendConfirmedAsync(room.Room, new { move = "left" }).WaitAsync(TestServer.Wait);
        var echo = await events.WaitAsync<RoomMessage>(m => m.Room == room.Room);
        Assert.Equal("left", echo.Data.GetProperty("move").GetString());
        await a.PingAsync().WaitAsync(TestServer.Wait);
        Assert.Empty(events.All<ServerError>()); // the refusal answered its request, not as an error without a ref
    }
}
