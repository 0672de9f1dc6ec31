using ActorWs.Client.Connection;
using ActorWs.Client.Events;
using ActorWs.Client.Requests;
using ActorWs.Client.Tests.Infrastructure;

namespace ActorWs.Client.Tests.Rooms;

/// <summary>Chat rooms against the real server's <c>/ws</c>: what works there today.</summary>
public class ChatRoomTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<(ActorWsClient Client, EventRecorder Events)> ConnectAsync()
    {
        var client = new ActorWsClient(_server.Direct("/ws"));
        var events = new EventRecorder(client);
        await client.ConnectAsync().WaitAsync(TestServer.Wait);
        return (client, events);
    }

    [Fact]
    public async Task Connect_goes_through_connecting_to_open()
    {
        var (client, events) = await ConnectAsync();
        await using var _ = client;
        Assert.Equal(ConnectionState.Open, client.State);
        var states = await events.WaitCountAsync<ConnectionStateChanged>(2);
        Assert.Equal([ConnectionState.Connecting, ConnectionState.Open], states.Select(s => s.State));
        Assert.Equal(1, client.ConnectionCount);
    }

    [Fact]
    public async Task Two_members_see_each_others_presence_and_messages()
    {
        var (ann, annEvents) = await ConnectAsync();
        var (bob, bobEvents) = await ConnectAsync();
        await using var _ = ann;
        await using var __ = bob;

        var annJoined = await ann.JoinAsync("lobby").WaitAsync(TestServer.Wait);
        Assert.Equal("lobby", annJoined.Room);
        Assert.Single(annJoined.Members);
        var bobJoined = await bob.JoinAsync("lobby").WaitAsync(TestServer.Wait);
        Assert.Equal(2, bobJoined.Members.Count);
        Assert.Equal(annJoined.Members[0], bobJoined.Members[0]);
        string bobId = bobJoined.Members[1];

        var presence = await annEvents.WaitAsync<PresenceChanged>();
        Assert.Equal(("lobby", bobId, true), (presence.Room, presence.Member, presence.Joined));

        await bob.SendAsync("lobby", new { text = "hello", n = 3 });
        foreach (var recorder in new[] { annEvents, bobEvents })
        {
            var message = await recorder.WaitAsync<RoomMessage>();
            Assert.Equal(("lobby", bobId), (message.Room, message.From));
            Assert.Equal("hello", message.Data.GetProperty("text").GetString());
            Assert.Equal(3, message.Data.GetProperty("n").GetInt32());
            Assert.True(message.Seq > 0);
        }

        await bob.LeaveAsync("lobby").WaitAsync(TestServer.Wait);
        Assert.Empty(bob.ChatRooms);
        var left = await annEvents.WaitAsync<PresenceChanged>(p => !p.Joined);
        Assert.Equal(bobId, left.Member);
    }

    [Fact]
    public async Task Replies_are_matched_to_their_requests_by_ref_when_many_are_in_flight()
    {
        var (client, _) = await ConnectAsync();
        await using var __ = client;
        var rooms = Enumerable.Range(0, 40).Select(i => $"room-{i}").ToArray();
        var joins = rooms.Select(room => client.JoinAsync(room)).ToArray();
        var pings = Enumerable.Range(0, 20).Select(_ => client.PingAsync()).ToArray();
        var joined = await Task.WhenAll(joins).WaitAsync(TestServer.Wait);
        await Task.WhenAll(pings).WaitAsync(TestServer.Wait);
        Assert.Equal(rooms, joined.Select(j => j.Room));
        Assert.Equal(rooms.Order(), client.ChatRooms.Order());
    }

    [Fact]
    public async Task A_confirmed_send_is_confirmed_and_raw_json_goes_through_verbatim()
    {
        var (client, events) = await ConnectAsync();
        await using var _ = client;
        await client.JoinAsync("raw").WaitAsync(TestServer.Wait);
        await client.SendConfirmedAsync("raw", 42).WaitAsync(TestServer.Wait);
        await client.SendRawAsync("raw", """{"pre":"serialized","list":[true,null]}"""u8.ToArray());
        var messages = await events.WaitCountAsync<RoomMessage>(2);
        Assert.Equal(42, messages[0].Data.GetInt32());
        Assert.Equal("""{"pre":"serialized","list":[true,null]}""", messages[1].Data.GetRawText());
    }

    [Fact]
    public async Task Server_errors_reject_the_request_with_the_servers_reason()
    {
        var (client, _) = await ConnectAsync();
        await using var __ = client;
        var notMember = await Assert.ThrowsAsync<ActorWsRequestException>(() => client.SendConfirmedAsync("elsewhere", "x"));
        Assert.Equal(RequestFailure.Rejected, notMember.Failure);
        Assert.Equal("not a member of room \"elsewhere\"", notMember.Reason);
        Assert.Equal("send", notMember.Op);

        var unknown = await Assert.ThrowsAsync<ActorWsRequestException>(() => client.RequestAsync("teleport", new { where = "moon" }));
        Assert.Equal("unknown op \"teleport\"", unknown.Reason);
    }

    [Fact]
    public async Task An_error_without_a_ref_arrives_as_an_event()
    {
        var (client, events) = await ConnectAsync();
        await using var _ = client;
        await client.SendAsync("not-joined", "x");
        var error = await events.WaitAsync<ServerError>();
        Assert.Equal("not a member of room \"not-joined\"", error.Reason);
    }

    [Fact]
    public async Task Bad_arguments_are_refused_before_anything_is_sent()
    {
        var (client, _) = await ConnectAsync();
        await using var __ = client;
        await Assert.ThrowsAsync<ArgumentException>(() => client.JoinAsync(""));
        await Assert.ThrowsAsync<ArgumentException>(() => client.JoinAsync(new string('é', 65)));
        await Assert.ThrowsAsync<ArgumentException>(() => client.SendRawAsync("r", "{not json"u8.ToArray()).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => client.SendRawAsync("r", "1 2"u8.ToArray()).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => client.JoinOrCreateAsync("arena", options: 5));
        await Assert.ThrowsAsync<ArgumentException>(() => client.RequestAsync("x", new[] { 1 }));
        Assert.Equal(ConnectionState.Open, client.State);
        await client.PingAsync().WaitAsync(TestServer.Wait);
    }

    [Fact]
    public async Task Close_ends_the_session_the_others_see_it_leave_and_waiting_requests_fail()
    {
        var (ann, annEvents) = await ConnectAsync();
        var (bob, bobEvents) = await ConnectAsync();
        await using var _ = ann;
        await ann.JoinAsync("bye").WaitAsync(TestServer.Wait);
        var bobJoined = await bob.JoinAsync("bye").WaitAsync(TestServer.Wait);

        await bob.CloseAsync().WaitAsync(TestServer.Wait);
        Assert.Equal(ConnectionState.Closed, bob.State);
        var left = await annEvents.WaitAsync<PresenceChanged>(p => !p.Joined);
        Assert.Equal(bobJoined.Members[1], left.Member);

        var closed = await Assert.ThrowsAsync<ActorWsRequestException>(() => bob.PingAsync());
        Assert.Equal(RequestFailure.ClientClosed, closed.Failure);
        await bobEvents.Completion.WaitAsync(TestServer.Wait); // the event stream ends after Closed
        Assert.Equal(ConnectionState.Closed, bobEvents.All<ConnectionStateChanged>()[^1].State);
        await bob.DisposeAsync();
    }
}
