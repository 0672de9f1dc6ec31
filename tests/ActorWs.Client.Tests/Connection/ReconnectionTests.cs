using ActorWs.Client.Connection;
using ActorWs.Client.Events;
using ActorWs.Client.Options;
using ActorWs.Client.Requests;
using ActorWs.Client.Tests.Infrastructure;

namespace ActorWs.Client.Tests.Connection;

/// <summary>Connections cut under the client (by the <see cref="TcpCutter"/>), against the real server.</summary>
public class ReconnectionTests : IAsyncLifetime
{
    private static readonly ActorWsClientOptions FastRetries = new()
    {
        Reconnect = new ReconnectPolicy { BaseDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(200) },
    };

    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static async Task<(ActorWsClient, EventRecorder)> ConnectAsync(Uri uri, ActorWsClientOptions? options = null)
    {
        var client = new ActorWsClient(uri, options ?? FastRetries);
        var events = new EventRecorder(client);
        await client.ConnectAsync().WaitAsync(TestServer.Wait);
        return (client, events);
    }

    [Fact]
    public async Task A_cut_connection_resumes_its_session_and_gets_what_was_sent_meanwhile_once()
    {
        var (ann, annEvents) = await ConnectAsync(_server.ThroughCutter("/ws"));
        var (bob, _) = await ConnectAsync(_server.Direct("/ws"));
        await using var _a = ann;
        await using var _b = bob;
        await ann.JoinAsync("lobby").WaitAsync(TestServer.Wait);
        await bob.JoinAsync("lobby").WaitAsync(TestServer.Wait);
        await bob.SendConfirmedAsync("lobby", "before").WaitAsync(TestServer.Wait);
        await annEvents.WaitAsync<RoomMessage>(m => m.Data.GetString() == "before");
        string annSession = ann.SessionId!;

        _server.Cutter.RefuseNew = true;
        _server.Cutter.CutAll();
        await annEvents.WaitAsync<ConnectionStateChanged>(s => s.State == ConnectionState.Reconnecting);
        for (int i = 0; i < 3; i++) await bob.SendConfirmedAsync("lobby", $"meanwhile {i}").WaitAsync(TestServer.Wait);
        _server.Cutter.RefuseNew = false;

        var resumed = await annEvents.WaitAsync<Welcomed>(w => w.Resumed);
        Assert.Equal(annSession, resumed.Session);
        await annEvents.WaitAsync<ConnectionStateChanged>(s => s.State == ConnectionState.Open && annEvents.All<Welcomed>(w => w.Resumed).Count > 0);
        var meanwhile = await annEvents.WaitCountAsync<RoomMessage>(3, m => m.Data.GetString()!.StartsWith("meanwhile", StringComparison.Ordinal));
        Assert.Equal(["meanwhile 0", "meanwhile 1", "meanwhile 2"], meanwhile.Select(m => m.Data.GetString()));

        // Still in the room, same session: live traffic flows both ways, and nothing came twice.
        await ann.SendConfirmedAsync("lobby", "after").WaitAsync(TestServer.Wait);
        await annEvents.WaitAsync<RoomMessage>(m => m.Data.GetString() == "after");
        var seqs = annEvents.All<RoomMessage>().Select(m => m.Seq!.Value).ToArray();
        Assert.Equal(seqs.Distinct().Order(), seqs);
        Assert.Empty(annEvents.All<ResumeFailed>());
        Assert.Equal(["lobby"], ann.ChatRooms);
    }

    [Fact]
    public async Task When_the_session_is_gone_the_client_rejoins_its_chat_rooms_as_a_new_member()
    {
        await using var server = await TestServer.StartAsync(o => o.Rooms.ReconnectionWindow = TimeSpan.Zero);
        var (ann, annEvents) = await ConnectAsync(server.ThroughCutter("/ws"));
        var (bob, bobEvents) = await ConnectAsync(server.Direct("/ws"));
        await using var _a = ann;
        await using var _b = bob;
        string oldAnn = (await ann.JoinAsync("lobby").WaitAsync(TestServer.Wait)).Members[0];
        await bob.JoinAsync("lobby").WaitAsync(TestServer.Wait);

        server.Cutter.RefuseNew = true;
        server.Cutter.CutAll();
        // No reconnection window: the server ends the session at once, and the room sees ann leave.
        await bobEvents.WaitAsync<PresenceChanged>(p => !p.Joined && p.Member == oldAnn);
        server.Cutter.RefuseNew = false;

        var failed = await annEvents.WaitAsync<ResumeFailed>();
        Assert.Equal(["lobby"], failed.ChatRooms);
        Assert.False(string.IsNullOrEmpty(failed.Reason));
        var rejoined = await annEvents.WaitAsync<RoomRejoined>();
        Assert.Equal("lobby", rejoined.Room);
        string newAnn = ann.SessionId!;
        Assert.NotEqual(oldAnn, newAnn);
        Assert.Contains(newAnn, rejoined.Members);
        await bobEvents.WaitAsync<PresenceChanged>(p => p.Joined && p.Member == newAnn);

        // The rejoin is done before the client counts as open again.
        var events = annEvents.Snapshot();
        int rejoinedAt = events.ToList().IndexOf(rejoined);
        int openAt = events.Select((e, i) => (e, i)).Last(x => x.e is ConnectionStateChanged { State: ConnectionState.Open }).i;
        Assert.True(rejoinedAt < openAt);
        await bob.SendConfirmedAsync("lobby", "welcome back").WaitAsync(TestServer.Wait);
        await annEvents.WaitAsync<RoomMessage>(m => m.Data.GetString() == "welcome back");
    }

    [Fact]
    public async Task Requests_made_while_reconnecting_go_out_once_the_connection_is_back()
    {
        var (client, events) = await ConnectAsync(_server.ThroughCutter("/ws"));
        await using var _ = client;
        _server.Cutter.RefuseNew = true;
        _server.Cutter.CutAll();
        await events.WaitAsync<ConnectionStateChanged>(s => s.State == ConnectionState.Reconnecting);
        var join = client.JoinAsync("later");
        Assert.False(join.IsCompleted);
        _server.Cutter.RefuseNew = false;
        var joined = await join.WaitAsync(TestServer.Wait);
        Assert.Equal("later", joined.Room);
    }

    [Fact]
    public async Task A_request_in_flight_when_the_connection_drops_fails_as_connection_lost()
    {
        _server.Scripted.Silent.Add("slow");
        var (client, _) = await ConnectAsync(_server.ThroughCutter("/scripted"));
        await using var __ = client;
        var slow = client.RequestAsync("slow");
        await (await _server.Scripted.NextConnectionAsync()).NextRequestAsync("slow");
        _server.Cutter.CutAll();
        var ex = await Assert.ThrowsAsync<ActorWsRequestException>(() => slow.WaitAsync(TestServer.Wait));
        Assert.Equal(RequestFailure.ConnectionLost, ex.Failure);
    }

    [Fact]
    public async Task After_the_last_attempt_the_client_gives_up_and_closes()
    {
        var options = FastRetries with { Reconnect = new ReconnectPolicy { BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5), MaxAttempts = 3 } };
        var (client, events) = await ConnectAsync(_server.ThroughCutter("/ws"), options);
        await using var _ = client;
        int acceptedBefore = _server.Cutter.Accepted;
        _server.Cutter.RefuseNew = true;
        _server.Cutter.CutAll();
        var closed = await events.WaitAsync<ConnectionStateChanged>(s => s.State == ConnectionState.Closed);
        Assert.StartsWith("gave up after 3 reconnection attempts", closed.Reason);
        Assert.Equal(3, _server.Cutter.Accepted - acceptedBefore);
        Assert.Equal([1, 2, 3], events.All<ConnectionStateChanged>(s => s.State == ConnectionState.Reconnecting).Select(s => s.Attempt));
        var ex = await Assert.ThrowsAsync<ActorWsRequestException>(() => client.PingAsync());
        Assert.Equal(RequestFailure.ClientClosed, ex.Failure);
    }

    [Theory]
    [InlineData(1008, ConnectionState.Closed)]
    [InlineData(1000, ConnectionState.Closed)]
    [InlineData(1012, ConnectionState.Open)]
    [InlineData(1001, ConnectionState.Open)]
    public async Task A_close_from_the_server_is_final_only_for_final_codes(ushort code, ConnectionState outcome)
    {
        var (client, events) = await ConnectAsync(_server.Direct("/scripted"));
        await using var _ = client;
        (await _server.Scripted.NextConnectionAsync()).Close(code, "bye");
        if (outcome == ConnectionState.Closed)
        {
            var closed = await events.WaitAsync<ConnectionStateChanged>(s => s.State == ConnectionState.Closed);
            Assert.Contains(code.ToString(), closed.Reason);
            Assert.Empty(events.All<ConnectionStateChanged>(s => s.State == ConnectionState.Reconnecting));
        }
        else
        {
            await events.WaitAsync<ConnectionStateChanged>(s => s.State == ConnectionState.Reconnecting);
            await _server.Scripted.NextConnectionAsync();
            await events.WaitCountAsync<ConnectionStateChanged>(2, s => s.State == ConnectionState.Open);
            Assert.Equal(2, client.ConnectionCount);
        }
    }

    [Fact]
    public async Task Without_auto_reconnect_a_drop_closes_the_client()
    {
        var (client, events) = await ConnectAsync(_server.ThroughCutter("/ws"), new ActorWsClientOptions { AutoReconnect = false });
        await using var _ = client;
        _server.Cutter.CutAll();
        await events.WaitAsync<ConnectionStateChanged>(s => s.State == ConnectionState.Closed);
        Assert.Equal(1, client.ConnectionCount);
    }
}
