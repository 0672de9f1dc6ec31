using System.Net.WebSockets;
using ActorWs.Server.BuiltIn;
using ActorWs.Server.Rooms;
using ActorWs.Server.Routing;
using ActorWs.Server.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Xunit;

namespace ActorWs.Server.Tests.Integration;

/// <summary>
/// Resume tokens: each works once (the resumed session gets a new one), is bound to the identity of its session,
/// is tried at a bounded rate per address, and a refused or abandoned attempt leaves no session behind.
/// </summary>
public sealed class ResumeTokenTests
{
    private const string Unknown = "unknown or expired token";

    /// <summary>A token that names no session (22 base64url characters, like a real one).</summary>
    private const string Forged = "AAAAAAAAAAAAAAAAAAAAAA";

    [Fact]
    public async Task AResume_RotatesTheToken_TheSpentOneIsRefusedAsUnknown_AndTheNewOneWorksNextTime()
    {
        await using var server = await TestServer.StartAsync(fakeTime: true);
        var first = await JsonClient.ConnectAsync(server);
        string session = first.SessionId, spent = first.Token;
        await first.OkAsync("join", "\"room\":\"lobby\"");
        await first.DisposeAsync();

        var second = await JsonClient.ConnectAsync(server, $"/ws?resume={spent}&lastSeq=0");
        Assert.True(second.Welcome.GetProperty("resumed").GetBoolean());
        Assert.Equal(session, second.SessionId);
        string current = second.Token;
        Assert.NotEqual(spent, current);
        Assert.Equal(22, current.Length);
        await second.OkAsync("ping");
        await second.DisposeAsync();

        // The spent token is as unknown as a forged one: a fresh session, the same words.
        await using (var replay = await JsonClient.ConnectAsync(server, $"/ws?resume={spent}&lastSeq=0"))
        {
            Assert.False(replay.Welcome.GetProperty("resumed").GetBoolean());
            Assert.Equal(Unknown, replay.Welcome.GetProperty("resumeError").GetString());
            Assert.NotEqual(session, replay.SessionId);
        }

        // The replay took nothing: the new token still resumes the session, in its room.
        await using var third = await JsonClient.ConnectAsync(server, $"/ws?resume={current}&lastSeq=0");
        Assert.True(third.Welcome.GetProperty("resumed").GetBoolean());
        Assert.Equal(session, third.SessionId);
        Assert.NotEqual(current, third.Token);
        var joined = await third.OkAsync("join", "\"room\":\"lobby\"");
        Assert.Equal([session], joined.GetProperty("members").EnumerateArray().Select(m => m.GetString()!).ToArray());
    }

    [Fact]
    public async Task ASpentToken_CannotTakeOverTheLiveSession_ThatResumedWithIt()
    {
        await using var server = await TestServer.StartAsync(fakeTime: true);
        var first = await JsonClient.ConnectAsync(server);
        string spent = first.Token;
        await first.OkAsync("join", "\"room\":\"lobby\"");
        await first.DisposeAsync();
        await using var owner = await JsonClient.ConnectAsync(server, $"/ws?resume={spent}&lastSeq=0");
        Assert.True(owner.Welcome.GetProperty("resumed").GetBoolean());

        // Someone who copied the first token uses it while the owner is connected.
        await using (var thief = await JsonClient.ConnectAsync(server, $"/ws?resume={spent}&lastSeq=0"))
        {
            Assert.False(thief.Welcome.GetProperty("resumed").GetBoolean());
            Assert.Equal(Unknown, thief.Welcome.GetProperty("resumeError").GetString());
            Assert.NotEqual(owner.SessionId, thief.SessionId);
        }

        // The owner was not closed (no 4001) and its session still works.
        await owner.SendAsync("{\"op\":\"send\",\"room\":\"lobby\",\"data\":\"still mine\",\"ref\":1}");
        var echoed = await owner.NextAsync(r => r.Op == "message");
        Assert.Equal("still mine", echoed.Json!.Value.GetProperty("data").GetString());
        Assert.Equal(WebSocketState.Open, owner.Socket.State);
    }

    [Fact]
    public async Task AnotherIdentity_GetsTheUnknownTokenRefusal_LoggedOnceAsAWarningWithoutTheToken_AndTheOwnerResumes()
    {
        await using var server = await TestServer.StartAsync(fakeTime: true, configure: s =>
        {
            var route = s.MapRoute<JsonRoomsHandler>("/auth");
            route.Resumable = true;
            route.RoomType = ChatRoom.TypeName;
            route.Accept = r => ValueTask.FromResult(AcceptDecision.Accept(identity: r.GetQueryValue("user")));
        });
        var alice = await JsonClient.ConnectAsync(server, "/auth?user=alice");
        string token = alice.Token, session = alice.SessionId;
        await alice.OkAsync("join", "\"room\":\"lobby\"");
        await alice.DisposeAsync();

        string forgedError;
        await using (var forged = await JsonClient.ConnectAsync(server, $"/auth?user=mallory&resume={Forged}&lastSeq=0"))
            forgedError = forged.Welcome.GetProperty("resumeError").GetString()!;
        for (int i = 0; i < 3; i++)
        {
            await using var mallory = await JsonClient.ConnectAsync(server, $"/auth?user=mallory&resume={token}&lastSeq=0");
            Assert.False(mallory.Welcome.GetProperty("resumed").GetBoolean());
            Assert.Equal(forgedError, mallory.Welcome.GetProperty("resumeError").GetString());
            Assert.NotEqual(session, mallory.SessionId);
        }

        await using var back = await JsonClient.ConnectAsync(server, $"/auth?user=alice&resume={token}&lastSeq=0");
        Assert.True(back.Welcome.GetProperty("resumed").GetBoolean());
        Assert.Equal(session, back.SessionId);

        var warnings = server.Logs.GetSnapshot().Where(e => e.Message.Contains("identity", StringComparison.Ordinal) && e.Level >= LogLevel.Information).ToList();
        var warning = Assert.Single(warnings);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains(session, warning.Message);
        Assert.Contains("127.0.0.1", warning.Message);
        Assert.DoesNotContain(server.Logs.GetSnapshot(), e => e.Message.Contains(token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ResumeAttemptsPastTheRate_Get429WithRetryAfter_LoggedOncePerEpisode_AndAreAllowedAgainAsTimePasses()
    {
        await using var server = await TestServer.StartAsync(o => { o.WebSocket.ResumeAttemptsPerSecond = 2; o.WebSocket.ResumeAttemptsBurst = 3; }, fakeTime: true);
        await using var healthy = await JsonClient.ConnectAsync(server);
        await healthy.OkAsync("join", "\"room\":\"lobby\"");

        // The burst: three attempts are served (a fresh session each, with the usual refusal of a forged token).
        for (int i = 0; i < 3; i++)
        {
            using var attempt = RawClient.Connect(server.EndPoint);
            attempt.Upgrade($"/ws?resume={Forged}&lastSeq=0");
            Assert.Contains(Unknown, attempt.ReadFrame()!.Text);
        }
        // Past it: 429 before any upgrade, with when to come back, and the connection closes.
        for (int i = 0; i < 5; i++)
        {
            using var refused = RawClient.Connect(server.EndPoint);
            refused.Send(RawClient.UpgradeRequest($"/ws?resume={Forged}&lastSeq=0"));
            var response = refused.ReadHttpResponse();
            Assert.Equal(429, response.Status);
            Assert.Equal("1", response.Headers["Retry-After"]);
            Assert.Contains("too many resume attempts", response.Body);
            Assert.True(refused.WaitForEndOfStream());
        }
        // Only resume attempts count: a fresh connection from the same address is welcome.
        await using (var fresh = await JsonClient.ConnectAsync(server))
            Assert.False(fresh.Welcome.GetProperty("resumed").GetBoolean());

        var overLimit = server.Logs.GetSnapshot().Where(e => e.Message.Contains("over the limit", StringComparison.Ordinal)).ToList();
        Assert.Equal(LogLevel.Warning, Assert.Single(overLimit).Level);
        Assert.Equal("Resume attempts from 127.0.0.1 are over the limit (2/s, burst 3): refused with 429 until they slow down", overLimit[0].Message);

        // Half a second refills one attempt (2/s): allowed again, and the episode's end is logged with its count.
        await server.AdvanceAsync(TimeSpan.FromMilliseconds(500));
        using (var again = RawClient.Connect(server.EndPoint))
        {
            again.Upgrade($"/ws?resume={Forged}&lastSeq=0");
            Assert.Contains(Unknown, again.ReadFrame()!.Text);
        }
        var ended = Assert.Single(server.Logs.GetSnapshot(), e => e.Message.Contains("within the limit again", StringComparison.Ordinal));
        Assert.Equal("Resume attempts from 127.0.0.1 are within the limit again; 5 were refused", ended.Message);
        Assert.Single(server.Logs.GetSnapshot(), e => e.Message.Contains("over the limit", StringComparison.Ordinal));

        // The healthy client never noticed.
        await healthy.SendAsync("{\"op\":\"send\",\"room\":\"lobby\",\"data\":\"fine\"}");
        Assert.Equal("fine", (await healthy.NextAsync(r => r.Op == "message")).Json!.Value.GetProperty("data").GetString());
    }

    [Fact]
    public async Task WithTheLimitOff_ResumeAttemptsAreNeverRefusedWith429()
    {
        await using var server = await TestServer.StartAsync(o => { o.WebSocket.ResumeAttemptsPerSecond = 0; o.WebSocket.ResumeAttemptsBurst = 1; }, fakeTime: true);
        for (int i = 0; i < 30; i++)
        {
            using var attempt = RawClient.Connect(server.EndPoint);
            attempt.Upgrade($"/ws?resume={Forged}&lastSeq=0");
        }
        Assert.DoesNotContain(server.Logs.GetSnapshot(), e => e.Message.Contains("over the limit", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RefusedAttemptsThatVanish_LeaveNoSession_WhileAUsedSessionWaitsItsWindow()
    {
        await using var server = await TestServer.StartAsync(o => o.WebSocket.ResumeAttemptsPerSecond = 0, fakeTime: true);
        var metrics = server.Server.Metrics;
        await using var healthy = await JsonClient.ConnectAsync(server);
        await healthy.OkAsync("join", "\"room\":\"lobby\"");
        var dropped = await JsonClient.ConnectAsync(server);
        string token = dropped.Token;
        await dropped.OkAsync("join", "\"room\":\"lobby\"");
        await dropped.DisposeAsync();
        await Poll.UntilAsync(() => metrics.DetachedSessions == 1);

        // Forged, replayed and wrong-lastSeq attempts: each gets its refusal and a fresh session, then drops abruptly.
        for (int i = 0; i < 20; i++)
        {
            await using var attempt = await JsonClient.ConnectAsync(server, $"/ws?resume={(i % 2 == 0 ? Forged : token)}&lastSeq={(i % 2 == 0 ? 0 : 99)}");
            Assert.False(attempt.Welcome.GetProperty("resumed").GetBoolean());
        }
        // A fresh session that vanishes before its client said anything goes too.
        var silent = await JsonClient.ConnectAsync(server);
        await silent.DisposeAsync();

        // No virtual time passes, so no window can have expired: only the healthy and the dropped sessions remain.
        await Poll.UntilAsync(() => metrics.ActiveSessions == 2);
        Assert.Equal(1, metrics.DetachedSessions);

        // The dropped session was kept for its window: it resumes.
        await using var back = await JsonClient.ConnectAsync(server, $"/ws?resume={token}&lastSeq=0");
        Assert.True(back.Welcome.GetProperty("resumed").GetBoolean());
        await Poll.UntilAsync(() => metrics.DetachedSessions == 0);
        Assert.Equal(2, metrics.ActiveSessions);

        // And /metrics reports both gauges.
        using var http = new HttpClient();
        string text = await http.GetStringAsync(server.HttpUri("/metrics")).WaitAsync(TestServer.Wait);
        Assert.Contains("actorws_sessions_active 2", text);
        Assert.Contains("actorws_sessions_detached 0", text);
        await healthy.OkAsync("ping");
    }
}
