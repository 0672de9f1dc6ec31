using System.Net;
using System.Net.Sockets;
using ActorWs.Client.Connection;
using ActorWs.Client.Events;
using ActorWs.Client.Options;
using ActorWs.Client.Requests;
using ActorWs.Client.Tests.Infrastructure;

namespace ActorWs.Client.Tests.Connection;

/// <summary><see cref="ActorWsClientOptions.FailoverUris"/>: other URLs tried in turn when a connection cannot be made.</summary>
public class FailoverTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>A loopback URL where nothing listens (a port bound, then released).</summary>
    private static Uri Nowhere()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"ws://127.0.0.1:{port}/ws");
    }

    private static ActorWsClientOptions Options(params Uri[] failover) => new()
    {
        Reconnect = new ReconnectPolicy { BaseDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(200) },
        FailoverUris = failover,
    };

    [Fact]
    public async Task ConnectAsync_tries_the_failover_urls_in_order_when_the_first_cannot_be_reached()
    {
        var dead = Nowhere();
        await using var client = new ActorWsClient(Nowhere(), Options(dead, _server.Direct("/ws")));
        var events = new EventRecorder(client);
        await client.ConnectAsync().WaitAsync(TestServer.Wait);

        Assert.Equal(ConnectionState.Open, client.State);
        Assert.Equal(_server.Direct("/ws"), client.CurrentUri);
        Assert.NotNull(client.SessionId);
        await client.JoinAsync("lobby").WaitAsync(TestServer.Wait);
        await client.SendConfirmedAsync("lobby", "hello").WaitAsync(TestServer.Wait);
        await events.WaitAsync<RoomMessage>(m => m.Data.GetString() == "hello");
    }

    [Fact]
    public async Task ConnectAsync_names_every_url_it_tried_when_none_answers()
    {
        var first = Nowhere();
        var second = Nowhere();
        await using var client = new ActorWsClient(first, Options(second));
        var ex = await Assert.ThrowsAsync<ActorWsConnectException>(() => client.ConnectAsync().WaitAsync(TestServer.Wait));
        Assert.Contains(first.ToString(), ex.Message, StringComparison.Ordinal);
        Assert.Contains(second.ToString(), ex.Message, StringComparison.Ordinal);
        Assert.Equal(ConnectionState.Closed, client.State);
    }

    [Fact]
    public async Task A_client_whose_server_went_away_resumes_its_session_through_the_next_url_and_misses_nothing()
    {
        // Its own URL goes through the cutter (the server "going away"); the failover URL reaches the server directly.
        await using var ann = new ActorWsClient(_server.ThroughCutter("/ws"), Options(_server.Direct("/ws")));
        var annEvents = new EventRecorder(ann);
        await using var bob = new ActorWsClient(_server.Direct("/ws"), Options());
        await ann.ConnectAsync().WaitAsync(TestServer.Wait);
        await bob.ConnectAsync().WaitAsync(TestServer.Wait);
        Assert.Equal(_server.ThroughCutter("/ws"), ann.CurrentUri);
        await ann.JoinAsync("lobby").WaitAsync(TestServer.Wait);
        await bob.JoinAsync("lobby").WaitAsync(TestServer.Wait);
        string session = ann.SessionId!;

        _server.Cutter.RefuseNew = true;
        _server.Cutter.CutAll();
        for (int i = 0; i < 3; i++) await bob.SendConfirmedAsync("lobby", $"meanwhile {i}").WaitAsync(TestServer.Wait);

        var resumed = await annEvents.WaitAsync<Welcomed>(w => w.Resumed);
        Assert.Equal(session, resumed.Session);
        Assert.Equal(_server.Direct("/ws"), ann.CurrentUri);
        var meanwhile = await annEvents.WaitCountAsync<RoomMessage>(3, m => m.Data.GetString()!.StartsWith("meanwhile", StringComparison.Ordinal));
        Assert.Equal(["meanwhile 0", "meanwhile 1", "meanwhile 2"], meanwhile.Select(m => m.Data.GetString()));
        Assert.Equal(0, ann.DuplicateMessages);
        Assert.Empty(annEvents.All<ResumeFailed>());
    }
}
