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
