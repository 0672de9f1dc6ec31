using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using ActorWs.Protocol.Frames;
using ActorWs.Server.Messaging;
using ActorWs.Server.Rooms;
using ActorWs.Server.Sessions;
using ActorWs.Server.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Xunit;
using static ActorWs.Server.Tests.Integration.MemoryBudgetTests;

namespace ActorWs.Server.Tests.Integration;

/// <summary>
/// Resume buffers (the room messages a session keeps until its client acknowledges them, or resumes) are charged to the
/// memory budget while they hold them, shown in /metrics, refunded on every way out (acknowledgement, window expiry, a
/// handler failure, server stop); under pressure the greediest gives up its messages: a detached session ends and its
/// resume gets "the messages missed are no longer kept", an attached client carries on without noticing.
/// </summary>
public sealed class ResumeBufferBudgetTests
{
    private const string MissedMessagesGone = "the messages missed are no longer kept";

    /// <summary>Data of every published message: 7,000 characters, so that a few of them pass the free 16 KiB.</summary>
    private const int DataLength = 7000;

    /// <summary>What a resume buffer of <paramref name="bytes"/> is charged: rounded up to 16 KiB, less its free 16 KiB.</summary>
    private static long Charge(long bytes) => Math.Max(0, (bytes + 16383) / 16384 * 16384 - 16384);

    private static Task<TestServer> StartAsync(long budget, Action<ActorWsServer>? configure = null) =>
        TestServer.StartAsync(o => o.Limits.MemoryBudget = budget, configure: s =>
        {
            // A blocking full collection after a peak would stall the tests running alongside (see MemoryBudgetTests).
            s.GiveBackMemory = _ => { };
            configure?.Invoke(s);
        }, fakeTime: true);

    /// <summary>One message as the publisher received it: its raw JSON (which begins <c>{"seq":N,</c>) and that N.</summary>
    private sealed record Published(string Raw, long Seq)
    {
        /// <summary>The same message as a session that numbers it <paramref name="seq"/> keeps it: its length in bytes (ASCII).</summary>
        public int LengthAs(long seq) => Raw.Length - Seq.ToString().Length + seq.ToString().Length;
    }

    /// <summary>
    /// Sends message number <paramref name="n"/> (7,000 characters of data) to <paramref name="room"/>, waits until the room
    /// took it and the publisher got its own copy, and acknowledges it: the publisher keeps at most one message, within its
    /// free allowance, so only the sessions under test are charged.
    /// </summary>
    private static async Task<Published> PublishAsync(JsonClient publisher, string room, int n)
    {
        string data = n.ToString("D4") + new string('x', DataLength - 4);
        await publisher.OkAsync("send", $"\"room\":\"{room}\",\"data\":\"{data}\"");
        var own = await publisher.NextAsync(r => r.Op == "message" && r.Json!.Value.GetProperty("data").GetString() == data);
        long seq = own.Json!.Value.GetProperty("seq").GetInt64();
        await publisher.SendAsync($"{{\"op\":\"ack\",\"seq\":{seq}}}");
        string raw = own.Json!.Value.GetRawText();
        Assert.StartsWith($"{{\"seq\":{seq},", raw);
        return new Published(raw, seq);
    }

    /// <summary>Acknowledges <paramref name="seq"/> and waits until the session has handled it (a ping behind it is answered).</summary>
    private static async Task AcknowledgeAsync(JsonClient client, long seq)
    {
        await client.SendAsync($"{{\"op\":\"ack\",\"seq\":{seq}}}");
        await client.OkAsync("ping");
    }

    /// <summary>
    /// A client in a room drops without a close: its session waits detached. With <paramref name="acknowledge"/>, it first
    /// acknowledges what it got, so that its session keeps nothing from before.
    /// </summary>
    private static async Task<(string Token, long LastSeq)> DetachAsync(TestServer server, JsonClient client, bool acknowledge = true)
    {
        string token = client.Token;
        long lastSeq = client.LastSeq;
        if (acknowledge) await AcknowledgeAsync(client, lastSeq);
        long detached = server.Server.Metrics.DetachedSessions;
        await client.DisposeAsync();
        await Poll.UntilAsync(() => server.Server.Metrics.DetachedSessions == detached + 1, () => "the session to be detached never came");
        return (token, lastSeq);
    }

    private static string DataOf(Received r) => r.Json!.Value.GetProperty("data").GetString()!;

    [Fact]
    public async Task ADetachedSessionsGrowingBuffer_IsChargedAndShownInMetrics_AndReleasedAsItResumesAndAcknowledges()
    {
        await using var server = await StartAsync(64L * 1024 * 1024);
        var budget = BudgetOf(server);
        await using var publisher = await JsonClient.ConnectAsync(server);
        await publisher.OkAsync("join", "\"room\":\"r\"");
        var away = await JsonClient.ConnectAsync(server);
        await away.OkAsync("join", "\"room\":\"r\"");
        var (token, lastSeq) = await DetachAsync(server, away);
        Assert.Equal(0, budget.Used);

        // Eight messages of about 7 KB: the detached session keeps them (numbered after lastSeq), about 56 KB, charged
        // beyond its free 16 KiB in steps of 16 KiB.
        var published = new List<Published>();
        for (int i = 1; i <= 8; i++) published.Add(await PublishAsync(publisher, "r", i));
        long kept = published.Select((p, i) => (long)p.LengthAs(lastSeq + 1 + i)).Sum();
        long charge = Charge(kept);
        Assert.True(charge > 0);
        await WaitForUseAsync(server, charge);
        Assert.Equal(charge, budget.ResumeBufferUsed);
        var metrics = await MetricsAsync(server);
        Assert.True(HasMetric(metrics, "actorws_memory_budget_used_bytes", charge), metrics);
        Assert.True(HasMetric(metrics, "actorws_memory_budget_resume_buffer_bytes", charge), metrics);

        // The client comes back and gets exactly what it kept; until it acknowledges them they stay kept, and charged.
        await using var back = await JsonClient.ConnectAsync(server, $"/ws?resume={token}&lastSeq={lastSeq}");
        Assert.True(back.Welcome.GetProperty("resumed").GetBoolean());
        var missed = new List<Received>();
        for (int i = 0; i < 8; i++) missed.Add(await back.NextAsync(r => r.Op == "message"));
        Assert.Equal(published.Select(p => JsonDocument.Parse(p.Raw).RootElement.GetProperty("data").GetString()), missed.Select(DataOf));
        Assert.Equal(kept, missed.Sum(m => (long)m.Json!.Value.GetRawText().Length));
        await back.OkAsync("ping");
        Assert.Equal(charge, budget.Used);

        // Half acknowledged: what is left is charged; all acknowledged: nothing.
        long firstHalf = missed[3].Json!.Value.GetProperty("seq").GetInt64();
        await AcknowledgeAsync(back, firstHalf);
        Assert.Equal(Charge(missed.Skip(4).Sum(m => (long)m.Json!.Value.GetRawText().Length)), budget.Used);
        await AcknowledgeAsync(back, back.LastSeq);
        Assert.Equal(0, budget.Used);
        Assert.Equal(0, budget.ResumeBufferUsed);
        Assert.Equal(0, budget.ResumeBuffersDropped);
    }

    /// <summary>A resumable route's handler that joins the chat room named in its path as it opens, and fails on "boom".</summary>
    private sealed class FragileMemberHandler : WebSocketHandler
    {
        public override void OnOpen(IWebSocketSession session) => session.JoinRoom(session.RouteValues["room"]);

        public override void OnRoomEvent(IWebSocketSession session, RoomEvent roomEvent)
        {
            if (roomEvent is RoomJoined) session.SendText("joined");
        }

        public override void OnMessage(IWebSocketSession session, WebSocketMessage message)
        {
            if (message.GetText() == "boom") throw new InvalidOperationException("handler bug");
        }
    }

    [Fact]
    public async Task ResumeBuffers_AreRefunded_WhenTheWindowExpires_WhenTheHandlerFails_AndWhenTheServerStops()
    {
        await using var server = await StartAsync(64L * 1024 * 1024, s =>
        {
            var route = s.MapRoute<FragileMemberHandler>("/fragile/{room}");
            route.Resumable = true;
            route.RoomType = ChatRoom.TypeName;
        });
        var budget = BudgetOf(server);
        await using var publisher = await JsonClient.ConnectAsync(server);
        foreach (var room in new[] { "a", "b", "c" }) await publisher.OkAsync("join", $"\"room\":\"{room}\"");

        // Three members, each alone with the publisher in its room, none acknowledging: one detached (a), one whose
        // handler will fail (b), one still connected (c).
        var expiring = await JsonClient.ConnectAsync(server);
        await expiring.OkAsync("join", "\"room\":\"a\"");
        using var fragile = await server.ConnectAsync("/fragile/b");
        Assert.Equal("joined", await EchoTests.ReceiveTextAsync(fragile));
        var stopping = await JsonClient.ConnectAsync(server);
        await stopping.OkAsync("join", "\"room\":\"c\"");
        await DetachAsync(server, expiring);

        // Each keeps the same eight messages, numbered 1 to 8 (the rooms' names are one letter each).
        long kept = 0;
        for (int i = 1; i <= 8; i++)
        {
            var sent = await PublishAsync(publisher, "a", i);
            await PublishAsync(publisher, "b", i);
            await PublishAsync(publisher, "c", i);
            kept += sent.LengthAs(i);
        }
        long each = Charge(kept);
        Assert.True(each > 0);
        await WaitForUseAsync(server, 3 * each);

        // The handler fails: its session stops (1011 to its client) and gives its buffer back.
        await EchoTests.SendTextAsync(fragile, "boom");
        int before = 0;
        while ((await EchoTests.ReceiveWholeAsync(fragile)).Type != WebSocketMessageType.Close) before++;
        Assert.Equal(8, before); // the room's messages, then the close
        Assert.Equal((WebSocketCloseStatus)WebSocketCloseCode.InternalServerError, fragile.CloseStatus);
        await WaitForUseAsync(server, 2 * each);

        // The detached session's window (20 s) expires.
        await server.AdvanceAsync(TimeSpan.FromSeconds(21));
        await WaitForUseAsync(server, each);
        Assert.Equal(0, server.Server.Metrics.DetachedSessions);

        // The last one drops too, and waits detached; the server stops with it waiting (the publisher gone as well, so
        // that the drain has no connection to wait for on the test's frozen clock).
        await DetachAsync(server, stopping, acknowledge: false);
        await publisher.DisposeAsync();
        Assert.Equal(each, budget.Used);
        await server.Server.StopAsync().WaitAsync(TestServer.Wait);
        Assert.Equal(0, budget.Used);
        Assert.Equal(0, budget.ResumeBufferUsed);
        Assert.Equal(0, budget.ResumeBuffersDropped);
    }

    [Fact]
    public async Task ADetachedSessionWhoseBufferPassesTheBudget_Ends_ItsResumeGetsTheMissedMessagesRefusal_AndTheCanaryGoesOn()
    {
        const long Budget = 128 * 1024;
        await using var server = await StartAsync(Budget);
        var budget = BudgetOf(server);
        await using var canary = await JsonClient.ConnectAsync(server);
        await canary.OkAsync("join", "\"room\":\"r\"");
        var greedy = await JsonClient.ConnectAsync(server);
        await greedy.OkAsync("join", "\"room\":\"r\"");
        string greedySession = greedy.SessionId;
        var (token, lastSeq) = await DetachAsync(server, greedy);

        // 30 messages of about 7 KB (210 KB) to a room with a detached member: past the 128 KiB budget on the way, where
        // the buffer, the only holder, is refused: the session ends. The canary publishes, and gets, every one of them.
        for (int i = 1; i <= 30; i++)
        {
            var sent = await PublishAsync(canary, "r", i);
            Assert.Equal(i.ToString("D4"), JsonDocument.Parse(sent.Raw).RootElement.GetProperty("data").GetString()![..4]);
        }
        await Poll.UntilAsync(() => budget.ResumeBuffersDropped == 1 && server.Server.Metrics.DetachedSessions == 0, () => "the greedy session to end never came");
        await WaitForUseAsync(server, 0);
        Assert.Equal(0, budget.ResumeBufferUsed);
        Assert.Equal(0, budget.Refusals);
        Assert.Equal(0, budget.Evictions);
        Assert.False(budget.IsExhausted);
        var metrics = await MetricsAsync(server);
        Assert.True(HasMetric(metrics, "actorws_memory_budget_resume_buffers_dropped_total", 1), metrics);

        // One episode: its warning, and its end, which counts the dropped buffer apart from refused connections.
        Assert.Equal(LogLevel.Warning, Assert.Single(server.Logs.GetSnapshot(), r => r.Id.Id == 40).Level);
        var ended = Assert.Single(server.Logs.GetSnapshot(), r => r.Id.Id == 41);
        Assert.Contains("0 connections were refused with 1013 and 1 resume buffers dropped", ended.Message, StringComparison.Ordinal);

        // The client comes back: the precise refusal, a fresh session (the rooms are to be joined again), and the token
        // is spent: presented again, it is as unknown as any.
        await using (var back = await JsonClient.ConnectAsync(server, $"/ws?resume={token}&lastSeq={lastSeq}"))
        {
            Assert.False(back.Welcome.GetProperty("resumed").GetBoolean());
            Assert.Equal(MissedMessagesGone, back.Welcome.GetProperty("resumeError").GetString());
            Assert.NotEqual(greedySession, back.SessionId);
            var joined = await back.OkAsync("join", "\"room\":\"r\"");
            Assert.Equal([canary.SessionId, back.SessionId], joined.GetProperty("members").EnumerateArray().Select(m => m.GetString()!).ToArray());
        }
        await using (var replay = await JsonClient.ConnectAsync(server, $"/ws?resume={token}&lastSeq={lastSeq}"))
            Assert.Equal("unknown or expired token", replay.Welcome.GetProperty("resumeError").GetString());

        // The canary never noticed.
        await canary.OkAsync("ping");
        await PublishAsync(canary, "r", 31);
        Assert.Equal(WebSocketState.Open, canary.Socket.State);
        Assert.Equal(0, budget.Used);
    }

    [Fact]
    public async Task AnotherClientsIdentity_DoesNotLearnWhyTheSessionEnded()
    {
        await using var server = await StartAsync(128 * 1024, s =>
        {
            var route = s.MapRoute<BuiltIn.JsonRoomsHandler>("/auth");
            route.Resumable = true;
            route.RoomType = ChatRoom.TypeName;
            route.Accept = r => ValueTask.FromResult(Routing.AcceptDecision.Accept(identity: r.GetQueryValue("user")));
        });
        await using var canary = await JsonClient.ConnectAsync(server, "/auth?user=carol");
        await canary.OkAsync("join", "\"room\":\"r\"");
        var alice = await JsonClient.ConnectAsync(server, "/auth?user=alice");
        await alice.OkAsync("join", "\"room\":\"r\"");
        var (token, lastSeq) = await DetachAsync(server, alice);
        for (int i = 1; i <= 30; i++) await PublishAsync(canary, "r", i);
        await Poll.UntilAsync(() => BudgetOf(server).ResumeBuffersDropped == 1 && server.Server.Metrics.DetachedSessions == 0, () => "alice's session to end never came");

        // Mallory, holding alice's token, is told what a token naming nothing is told, and does not use up alice's answer.
        await using (var mallory = await JsonClient.ConnectAsync(server, $"/auth?user=mallory&resume={token}&lastSeq={lastSeq}"))
            Assert.Equal("unknown or expired token", mallory.Welcome.GetProperty("resumeError").GetString());
        await using var back = await JsonClient.ConnectAsync(server, $"/auth?user=alice&resume={token}&lastSeq={lastSeq}");
        Assert.Equal(MissedMessagesGone, back.Welcome.GetProperty("resumeError").GetString());
    }

    [Fact]
    public async Task ADetachedSessionHoldingTheMost_IsEndedToMakeRoomForAPartialMessage_WhichCompletesAndIsEchoed()
    {
        // 224 KiB: the detached session's buffer is charged 192 KiB; a 128 KiB partial message (charged 64 KiB) does not
        // fit beside it, and the buffer holds more than that message would: the buffer pays.
        await using var server = await StartAsync(224 * 1024);
        var budget = BudgetOf(server);
        using var healthy = await server.ConnectAsync("/echo");
        await using var canary = await JsonClient.ConnectAsync(server);
        await canary.OkAsync("join", "\"room\":\"r\"");
        var greedy = await JsonClient.ConnectAsync(server);
        await greedy.OkAsync("join", "\"room\":\"r\"");
        var (token, lastSeq) = await DetachAsync(server, greedy);

        // Publish until the kept bytes pass 192 KiB (each message is under 16 KiB: they stay under 208 KiB).
        long kept = 0;
        for (int i = 1; kept <= 192 * 1024; i++) kept += (await PublishAsync(canary, "r", i)).LengthAs(lastSeq + i);
        Assert.Equal(192 * 1024, Charge(kept));
        await WaitForUseAsync(server, 192 * 1024);

        var payload = new byte[128 * 1024];
        new Random(11).NextBytes(payload);
        using var large = RawClient.Connect(server.EndPoint);
        large.Upgrade("/echo");
        var frame = RawClient.Frame(WebSocketOpcode.Binary, payload);
        large.Send(frame.AsSpan(0, 100 * 1024));
        await Poll.UntilAsync(() => budget.ResumeBuffersDropped == 1 && server.Server.Metrics.DetachedSessions == 0, () => "the greedy session to end never came");
        await WaitForUseAsync(server, 128 * 1024 - 64 * 1024);

        // The partial message completes and comes back whole; then nothing is held.
        large.Send(frame.AsSpan(100 * 1024));
        var echoed = large.ReadFrame();
        Assert.Equal(payload, echoed!.Payload);
        await WaitForUseAsync(server, 0);
        Assert.Equal(0, budget.Evictions);
        Assert.Equal(0, budget.Refusals);
        await AssertEchoesAsync(healthy, "unaffected");

        await using var back = await JsonClient.ConnectAsync(server, $"/ws?resume={token}&lastSeq={lastSeq}");
        Assert.False(back.Welcome.GetProperty("resumed").GetBoolean());
        Assert.Equal(MissedMessagesGone, back.Welcome.GetProperty("resumeError").GetString());
        await canary.OkAsync("ping");
    }

    [Fact]
    public async Task AnAttachedClientThatNeverAcknowledges_LosesOnlyItsKeptCopies_AndStaysConnected()
    {
        const long Budget = 128 * 1024;
        await using var server = await StartAsync(Budget);
        var budget = BudgetOf(server);
        var lazy = await JsonClient.ConnectAsync(server);
        string session = lazy.SessionId, token = lazy.Token;
        await lazy.OkAsync("join", "\"room\":\"r\"");
        await using var publisher = await JsonClient.ConnectAsync(server);
        await publisher.OkAsync("join", "\"room\":\"r\"");

        // The lazy client reads everything (the publisher's arrival, then 30 messages) and acknowledges nothing.
        for (int i = 1; i <= 30; i++) await PublishAsync(publisher, "r", i);
        var received = new List<Received> { await lazy.NextAsync(r => r.Op == "presence") };
        for (int i = 1; i <= 30; i++) received.Add(await lazy.NextAsync(r => r.Op == "message"));
        Assert.Equal(Enumerable.Range(1, 31).Select(i => (long)i), received.Select(r => r.Json!.Value.GetProperty("seq").GetInt64()));
        Assert.Equal(Enumerable.Range(1, 30).Select(i => i.ToString("D4")), received.Skip(1).Select(r => DataOf(r)[..4]));

        // Its buffer kept them until keeping message d would have passed the budget: then it dropped them all, d
        // included, and kept those after d.
        var lengths = received.Select(r => (long)r.Json!.Value.GetRawText().Length).ToList();
        int d = 1;
        while (Charge(lengths.Take(d).Sum()) <= Budget) d++;
        Assert.InRange(d, 2, 30);
        await Poll.UntilAsync(() => budget.ResumeBuffersDropped == 1, () => "the buffer to be dropped never came");
        await WaitForUseAsync(server, Charge(lengths.Skip(d).Sum()));
        await lazy.OkAsync("ping");
        Assert.Equal(WebSocketState.Open, lazy.Socket.State);

        // Dropped from its connection: a resume from before d is refused (the session stays), one from where it got to works.
        long last = lazy.LastSeq;
        await lazy.DisposeAsync();
        await Poll.UntilAsync(() => server.Server.Metrics.DetachedSessions == 1, () => "the session to be detached never came");
        await using (var tooFarBack = await JsonClient.ConnectAsync(server, $"/ws?resume={token}&lastSeq={d - 1}"))
        {
            Assert.False(tooFarBack.Welcome.GetProperty("resumed").GetBoolean());
            Assert.Equal(MissedMessagesGone, tooFarBack.Welcome.GetProperty("resumeError").GetString());
        }
        await using var back = await JsonClient.ConnectAsync(server, $"/ws?resume={token}&lastSeq={last}");
        Assert.True(back.Welcome.GetProperty("resumed").GetBoolean());
        Assert.Equal(session, back.SessionId);
        await AcknowledgeAsync(back, last);
        Assert.Equal(0, budget.Used);
    }
}
