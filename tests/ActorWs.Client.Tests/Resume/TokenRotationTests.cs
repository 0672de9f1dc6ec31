using System.Net.WebSockets;
using ActorWs.Client.Connection;
using ActorWs.Client.Events;
using ActorWs.Client.Options;
using ActorWs.Client.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace ActorWs.Client.Tests.Resume;

/// <summary>
/// The server spends a resume token on use and sends a new one in the resumed welcome; it limits resume attempts per
/// address with 429. Against the real server: the client must keep the newest token, and ride out a 429 with its token.
/// </summary>
public class TokenRotationTests
{
    private static readonly ActorWsClientOptions FastRetries = new()
    {
        Reconnect = new ReconnectPolicy { BaseDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(200) },
    };

    [Fact]
    public async Task Every_resume_hands_the_client_a_new_token_which_it_uses_for_the_next_one()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = new ActorWsClient(server.ThroughCutter("/ws"), FastRetries);
        var events = new EventRecorder(client);
        await client.ConnectAsync().WaitAsync(TestServer.Wait);
        await client.JoinAsync("lobby").WaitAsync(TestServer.Wait);
        string session = client.SessionId!;
        var tokens = new List<string> { client.ResumeToken! };

        for (int cut = 1; cut <= 2; cut++)
        {
            server.Cutter.CutAll();
            var resumed = await events.WaitCountAsync<Welcomed>(cut, w => w.Resumed);
            Assert.Equal(session, resumed[^1].Session);
            await events.WaitAsync<ConnectionStateChanged>(s => s.State == ConnectionState.Open && events.All<Welcomed>(w => w.Resumed).Count == cut);
            Assert.Equal(resumed[^1].Token, client.ResumeToken);
            tokens.Add(client.ResumeToken!);
        }
        // Three tokens, all different: had the client kept the first, the second resume would have failed.
        Assert.Equal(3, tokens.Distinct().Count());
        Assert.Empty(events.All<ResumeFailed>());
        await client.SendConfirmedAsync("lobby", "still here").WaitAsync(TestServer.Wait);
        await events.WaitAsync<RoomMessage>(m => m.Data.GetString() == "still here");
    }

    [Fact]
    public async Task A_resume_refused_with_429_is_retried_with_the_same_token_and_resumes_once_the_server_allows_it()
    {
        await using var server = await TestServer.StartAsync(o => { o.WebSocket.ResumeAttemptsPerSecond = 1; o.WebSocket.ResumeAttemptsBurst = 1; }, fakeTime: true);
        await using var client = new ActorWsClient(server.ThroughCutter("/ws"), FastRetries);
        var events = new EventRecorder(client);
        await client.ConnectAsync().WaitAsync(TestServer.Wait);
        await client.JoinAsync("lobby").WaitAsync(TestServer.Wait);
        string session = client.SessionId!, token = client.ResumeToken!;

        // Someone on the same address spends the one attempt the server allows (its clock does not move by itself).
        using (var other = new ClientWebSocket())
        {
            await other.ConnectAsync(server.Direct("/ws?resume=AAAAAAAAAAAAAAAAAAAAAA&lastSeq=0"), new CancellationTokenSource(TestServer.Wait).Token);
            other.Abort();
        }

        server.Cutter.CutAll();
        // The client's attempts get 429: the server says so once, and the client keeps trying with its token.
        await Eventually(() => server.Logs.GetSnapshot().Any(e => e.Level == LogLevel.Warning && e.Message.Contains("over the limit", StringComparison.Ordinal)));
        Assert.Equal(ConnectionState.Reconnecting, client.State);
        Assert.Equal(token, client.ResumeToken);

        server.Time!.Advance(TimeSpan.FromSeconds(1));
        var resumed = await events.WaitAsync<Welcomed>(w => w.Resumed);
        Assert.Equal(session, resumed.Session);
        Assert.Empty(events.All<ResumeFailed>());
        await client.SendConfirmedAsync("lobby", "back").WaitAsync(TestServer.Wait);
    }

    private static async Task Eventually(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TestServer.Wait;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition never held");
            await Task.Delay(10);
        }
    }
}
