using ActorWs.Client.Connection;
using ActorWs.Client.Events;
using ActorWs.Client.Options;
using ActorWs.Client.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace ActorWs.Client.Tests.Connection;

/// <summary>Heartbeats and acks on a fake clock: the client's timers move only when the test says so.</summary>
public class HeartbeatTests : IAsyncLifetime
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly FakeTimeProvider _time = new();
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private ActorWsClientOptions Options => new()
    {
        TimeProvider = _time,
        HeartbeatInterval = Interval,
        HeartbeatTimeout = Timeout,
        AckInterval = TimeSpan.FromSeconds(5),
        Random = () => 0, // no backoff: the reconnection follows the drop at once
    };

    [Fact]
    public async Task A_silent_connection_is_dropped_after_the_timeout_and_the_session_resumed()
    {
        await using var client = new ActorWsClient(_server.ThroughCutter("/ws"), Options);
        var events = new EventRecorder(client);
        await client.ConnectAsync().WaitAsync(TestServer.Wait);
        await events.WaitAsync<Welcomed>();
        string session = client.SessionId!;

        // Half-open: bytes stop in both directions and nobody is told.
        _server.Cutter.FreezeAll();
        _time.Advance(Interval); // a ping goes out and is lost
        Assert.Equal(ConnectionState.Open, client.State);
        _time.Advance(Interval); // 20 s without a byte: dead

        var reconnecting = await events.WaitAsync<ConnectionStateChanged>(s => s.State == ConnectionState.Reconnecting);
        Assert.Contains("heartbeat", reconnecting.Reason);
        var welcome = await events.WaitAsync<Welcomed>(w => w.Resumed);
        Assert.Equal(session, welcome.Session);
        await events.WaitCountAsync<ConnectionStateChanged>(2, s => s.State == ConnectionState.Open);
    }

    [Fact]
    public async Task Heartbeats_keep_a_live_but_quiet_connection_open()
    {
        await using var client = new ActorWsClient(_server.Direct("/scripted"), Options);
        var events = new EventRecorder(client);
        await client.ConnectAsync().WaitAsync(TestServer.Wait);
        var server = await _server.Scripted.NextConnectionAsync();
        for (int beat = 0; beat < 5; beat++)
        {
            _time.Advance(Interval);
            await server.NextRequestAsync("ping");
            // A round trip of our own: once it is back, the heartbeat's reply (sent before it) has been read too.
            await client.PingAsync().WaitAsync(TestServer.Wait);
        }
        Assert.Equal(ConnectionState.Open, client.State);
        Assert.Equal(1, client.ConnectionCount);
        Assert.Empty(events.All<ConnectionStateChanged>(s => s.State == ConnectionState.Reconnecting));
    }

    [Fact]
    public async Task Acks_report_the_last_processed_seq_and_only_when_it_moved()
    {
        _server.Scripted.Welcome = c => ScriptedPeer.WelcomeJson(c.Session, "tok", resumed: false);
        await using var client = new ActorWsClient(_server.Direct("/scripted"), Options);
        var events = new EventRecorder(client);
        await client.ConnectAsync().WaitAsync(TestServer.Wait);
        var server = await _server.Scripted.NextConnectionAsync();
        await events.WaitAsync<Welcomed>();
        for (int seq = 1; seq <= 3; seq++) server.SendMessage("lobby", seq, $"{seq}");
        await events.WaitCountAsync<RoomMessage>(3);

        _time.Advance(TimeSpan.FromSeconds(5));
        var ack = await server.NextRequestAsync("ack");
        Assert.Equal(3, ack.GetProperty("seq").GetInt64());

        // Nothing new: the next tick sends no ack (the next thing the server reads is our own ping).
        _time.Advance(TimeSpan.FromSeconds(5));
        await client.PingAsync().WaitAsync(TestServer.Wait);
        var next = System.Text.Json.JsonDocument.Parse(await server.Received.Reader.ReadAsync().AsTask().WaitAsync(TestServer.Wait)).RootElement;
        Assert.Equal("ping", next.GetProperty("op").GetString());
    }

    [Fact]
    public async Task A_server_without_welcome_gets_no_acks()
    {
        await using var client = new ActorWsClient(_server.Direct("/scripted"), Options);
        var events = new EventRecorder(client);
        await client.ConnectAsync().WaitAsync(TestServer.Wait);
        var server = await _server.Scripted.NextConnectionAsync();
        server.SendMessage("lobby", 1, "1");
        await events.WaitAsync<RoomMessage>();
        _time.Advance(TimeSpan.FromSeconds(5));
        await client.PingAsync().WaitAsync(TestServer.Wait);
        var first = System.Text.Json.JsonDocument.Parse(await server.Received.Reader.ReadAsync().AsTask().WaitAsync(TestServer.Wait)).RootElement;
        Assert.Equal("ping", first.GetProperty("op").GetString());
    }

    [Fact]
    public async Task A_request_without_reply_times_out_on_the_clients_clock()
    {
        _server.Scripted.Silent.Add("slow");
        await using var client = new ActorWsClient(_server.Direct("/scripted"), Options with { HeartbeatInterval = TimeSpan.Zero });
        await client.ConnectAsync().WaitAsync(TestServer.Wait);
        var server = await _server.Scripted.NextConnectionAsync();
        var request = client.RequestAsync("slow");
        await server.NextRequestAsync("slow");
        Assert.False(request.IsCompleted);
        _time.Advance(ActorWsClientOptions.DefaultRequestTimeout);
        var ex = await Assert.ThrowsAsync<ActorWs.Client.Requests.ActorWsRequestException>(() => request.WaitAsync(TestServer.Wait));
        Assert.Equal(ActorWs.Client.Requests.RequestFailure.TimedOut, ex.Failure);
        Assert.Equal(ConnectionState.Open, client.State);
    }
}
