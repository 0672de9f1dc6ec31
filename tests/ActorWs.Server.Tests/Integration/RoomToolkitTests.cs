using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ActorWs.Server.Messaging;
using ActorWs.Server.Rooms;
using ActorWs.Server.Tests.Infrastructure;
using Xunit;

namespace ActorWs.Server.Tests.Integration;

/// <summary>Issue 7: room types, matchmaking, seats, ticks, resume and protection, with real clients over loopback.</summary>
public sealed class RoomToolkitTests
{
    /// <summary>Records every lifecycle call; echoes messages to the sender; options: max, password, hz.</summary>
    private sealed class LifecycleRoom(ConcurrentQueue<string> log) : Room
    {
        protected internal override void OnCreate(JsonElement options)
        {
            log.Enqueue("create");
            if (options.TryGetProperty("max", out var max)) MaxClients = max.GetInt32();
            if (options.TryGetProperty("mode", out var mode)) SetMetadata("mode", mode.GetString());
        }

        protected internal override RoomAuthResult OnAuth(RoomMember client, JsonElement options)
        {
            log.Enqueue("auth");
            return options.TryGetProperty("password", out var p) && p.GetString() != "secret" ? RoomAuthResult.Reject("wrong password") : RoomAuthResult.Accept();
        }

        protected internal override void OnJoin(RoomMember member) => log.Enqueue("join " + member.Id);

        protected internal override void OnMessage(RoomMember member, WebSocketMessage message)
        {
            string text = message.GetText();
            log.Enqueue("message " + text);
            if (text == "\"lock\"") Lock();
            if (text == "\"invalid\"") throw new RoomMessageRejectedException("that move is not allowed");
            if (message.Type == WebSocketMessageType.Binary) Send(member, message.Span, WebSocketMessageType.Binary);
            else Send(member, message.Span, WebSocketMessageType.Text);
        }

        protected internal override void OnLeave(RoomMember member, bool consented) => log.Enqueue($"leave {member.Id} {consented}");

        protected internal override void OnDispose() => log.Enqueue("dispose");
    }

    /// <summary>Broadcasts {"n":i} on demand ("burst k") or on every tick; counts ticks and their deltas.</summary>
    private sealed class StreamRoom(StreamProbe probe) : Room
    {
        private int _n;

        protected internal override void OnCreate(JsonElement options)
        {
            if (options.TryGetProperty("hz", out var hz)) SetTickRate(hz.GetDouble());
        }

        protected internal override void OnTick(TimeSpan delta)
        {
            probe.Deltas.Enqueue(delta);
            if (probe.SlowTickAt == probe.Deltas.Count) probe.Time!.Advance(probe.SlowBy);
            if (probe.ThrowOnTick == probe.Deltas.Count) throw new InvalidOperationException("tick failed");
            Next();
        }

        protected internal override void OnMessage(RoomMember member, WebSocketMessage message)
        {
            var text = message.GetText();
            if (text.StartsWith("\"burst ", StringComparison.Ordinal))
                for (int i = int.Parse(text[7..^1]); i > 0; i--) Next();
        }

        private void Next() => Broadcast(++_n, static (w, n) =>
        {
            using var json = new Utf8JsonWriter(w);
            json.WriteStartObject();
            json.WriteNumber("n", n);
            json.WriteEndObject();
        }, WebSocketMessageType.Text);
    }

    private sealed class StreamProbe
    {
        public readonly ConcurrentQueue<TimeSpan> Deltas = new();
        public Akka.TestKit.TestScheduler? Time;
        public int SlowTickAt = -1;
        public TimeSpan SlowBy;
        public int ThrowOnTick = -1;
    }

    private static Task<TestServer> Start(ConcurrentQueue<string>? log = null, StreamProbe? probe = null, bool fakeTime = false,
        Action<Options.ServerOptions>? options = null, Action<RoomTypeOptions>? limits = null) =>
        TestServer.StartAsync(o => { o.Rooms.Linger = TimeSpan.Zero; options?.Invoke(o); }, s =>
        {
            s.DefineRoom("life", () => new LifecycleRoom(log ?? new()), limits);
            s.DefineRoom("stream", () => new StreamRoom(probe ?? new()));
        }, fakeTime);

    private static string Data(Received r) => r.Json!.Value.GetProperty("data").GetRawText();

    [Fact]
    public async Task Lifecycle_HooksRunInOrder_AndAuthCanRefuse()
    {
        var log = new ConcurrentQueue<string>();
        await using var server = await Start(log);
        await using var alice = await JsonClient.ConnectAsync(server);
        var joined = await alice.OkAsync("joinOrCreate", "\"type\":\"life\",\"options\":{\"password\":\"secret\"}");
        string room = joined.GetProperty("room").GetString()!;
        Assert.Equal("life-1", room);
        Assert.Equal("life", joined.GetProperty("type").GetString());

        await using var mallory = await JsonClient.ConnectAsync(server);
        var refused = await mallory.RequestAsync("joinById", $"\"room\":\"{room}\",\"options\":{{\"password\":\"guess\"}}");
        Assert.Equal("error", refused.GetProperty("op").GetString());
        Assert.Equal("wrong password", refused.GetProperty("reason").GetString());

        await alice.SendAsync($"{{\"op\":\"send\",\"room\":\"{room}\",\"data\":\"hello\"}}");
        var echoed = await alice.NextAsync(r => r.Op == "message");
        Assert.Equal("\"hello\"", Data(echoed));
        Assert.Equal(room, echoed.Json!.Value.GetProperty("room").GetString());

        await alice.OkAsync("leave", $"\"room\":\"{room}\"");
        await Poll.UntilAsync(() => log.Contains("dispose"));
        Assert.Equal(["create", "auth", $"join {alice.SessionId}", "auth", "message \"hello\"", $"leave {alice.SessionId} True", "dispose"], log.ToArray());
    }

    [Fact]
    public async Task FiftyClientsRaceForTenSeats_ExactlyTenGetIn()
    {
        var log = new ConcurrentQueue<string>();
        await using var server = await Start(log);
        await using var owner = await JsonClient.ConnectAsync(server);
        string room = (await owner.OkAsync("create", "\"type\":\"life\",\"options\":{\"max\":11}")).GetProperty("room").GetString()!;
        var racers = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => JsonClient.ConnectAsync(server)));
        try
        {
            var replies = await Task.WhenAll(racers.Select(r => r.RequestAsync("joinById", $"\"room\":\"{room}\"")));
            Assert.Equal(10, replies.Count(r => r.GetProperty("op").GetString() == "reply"));
            Assert.All(replies.Where(r => r.GetProperty("op").GetString() == "error"), r => Assert.Equal("room is full", r.GetProperty("reason").GetString()));
            Assert.Equal(11, log.Count(l => l.StartsWith("join ", StringComparison.Ordinal)));
        }
        finally
        {
            foreach (var r in racers) await r.DisposeAsync();
        }
    }

    [Fact]
    public async Task JoinOrCreate_SkipsFullAndLockedRooms_AndListRoomsFilters()
    {
        await using var server = await Start();
        var clients = new List<JsonClient>();
        try
        {
            for (int i = 0; i < 5; i++)
            {
                var c = await JsonClient.ConnectAsync(server);
                clients.Add(c);
                var reply = await c.OkAsync("joinOrCreate", "\"type\":\"life\",\"options\":{\"max\":2,\"mode\":\"ffa\"}");
                Assert.Equal($"life-{i / 2 + 1}", reply.GetProperty("room").GetString());
            }
            // life-3 has one seat left; its member locks it: the next client gets a new room, and joinById is refused.
            await clients[4].SendAsync("{\"op\":\"send\",\"room\":\"life-3\",\"data\":\"lock\"}");
            await clients[4].NextAsync(r => r.Op == "message");
            var late = await JsonClient.ConnectAsync(server);
            clients.Add(late);
            Assert.Equal("room is locked", (await late.RequestAsync("joinById", "\"room\":\"life-3\"")).GetProperty("reason").GetString());
            Assert.Equal("life-4", (await late.OkAsync("joinOrCreate", "\"type\":\"life\",\"options\":{\"mode\":\"teams\"}")).GetProperty("room").GetString());

            var ffa = await late.OkAsync("listRooms", "\"type\":\"life\",\"filter\":{\"mode\":\"ffa\"}");
            var listed = ffa.GetProperty("rooms").EnumerateArray().ToDictionary(r => r.GetProperty("room").GetString()!);
            Assert.Equal(["life-1", "life-2", "life-3"], listed.Keys.Order());
            Assert.Equal(2, listed["life-1"].GetProperty("clients").GetInt32());
            Assert.Equal(2, listed["life-1"].GetProperty("maxClients").GetInt32());
            Assert.True(listed["life-3"].GetProperty("locked").GetBoolean());
            Assert.Equal("ffa", listed["life-2"].GetProperty("metadata").GetProperty("mode").GetString());
            Assert.Equal("no such room", (await late.RequestAsync("joinById", "\"room\":\"life-99\"")).GetProperty("reason").GetString());
        }
        finally
        {
            foreach (var c in clients) await c.DisposeAsync();
        }
    }

    [Fact]
    public async Task TickRate_OnFakeTime_IsExact_OverFiveSeconds()
    {
        var probe = new StreamProbe();
        await using var server = await Start(probe: probe, fakeTime: true);
        await using var client = await JsonClient.ConnectAsync(server);
        var created = await client.OkAsync("create", "\"type\":\"stream\",\"options\":{\"hz\":30}");
        var room = (await server.Server.Rooms.FindAsync("stream", created.GetProperty("room").GetString()!))!;
        var interval = TimeSpan.FromSeconds(1.0 / 30);
        for (int i = 1; i <= 150; i++)
        {
            server.Time!.Advance(interval);
            await Poll.UntilAsync(() => probe.Deltas.Count >= i);
            // The room has finished the tick (and armed the next) once it answers a message sent after it.
            await Akka.Actor.Futures.Ask<Akka.Actor.ActorIdentity>(room, new Akka.Actor.Identify(null), TestServer.Wait);
        }
        Assert.Equal(150, probe.Deltas.Count);
        Assert.All(probe.Deltas, d => Assert.InRange(d.TotalMilliseconds, 33.3, 33.4));
        // Every tick broadcast one numbered message, in order.
        var last = await client.NextAsync(r => r.Op == "message" && Data(r) == "{\"n\":150}");
        Assert.Equal(150, last.Json!.Value.GetProperty("seq").GetInt64());
    }

    [Fact]
    public async Task TickRate_OnRealTime_IsAccurate_OverFiveSeconds()
    {
        var probe = new StreamProbe();
        await using var server = await Start(probe: probe);
        await using var client = await JsonClient.ConnectAsync(server);
        await client.OkAsync("create", "\"type\":\"stream\",\"options\":{\"hz\":20}");
        await Task.Delay(TimeSpan.FromSeconds(5));
        int ticks = probe.Deltas.Count;
        // 100 ticks in 5 s; a loaded machine may skip a few slots (never stacking them), so allow 10 % below.
        Assert.InRange(ticks, 90, 101);
        double mean = probe.Deltas.Average(d => d.TotalMilliseconds);
        Assert.InRange(mean, 48, 56);
    }

    [Fact]
    public async Task ASlowTick_IsLogged_AndTheMissedSlotsAreSkipped_NotStacked()
    {
        var probe = new StreamProbe { SlowTickAt = 3, SlowBy = TimeSpan.FromMilliseconds(250) };
        await using var server = await Start(probe: probe, fakeTime: true);
        probe.Time = server.Time;
        await using var client = await JsonClient.ConnectAsync(server);
        await client.OkAsync("create", "\"type\":\"stream\",\"options\":{\"hz\":10}");
        for (int i = 1; i <= 10; i++)
        {
            server.Time!.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(20);
        }
        var warning = server.Logs.WaitFor(e => e.Message.Contains("tick took"), TestServer.Wait);
        Assert.NotNull(warning);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, warning.Level);
        Assert.Matches(@"^Room stream-1 tick took 250\.0 ms, longer than its 100\.0 ms slot \(2 slot\(s\) skipped\)$", warning.Message);
        // 1.25 s of fake time passed in all at 10 Hz; the slow tick's overrun skipped slots instead of catching up.
        Assert.All(probe.Deltas, d => Assert.True(d >= TimeSpan.FromMilliseconds(100), $"a tick came {d.TotalMilliseconds} ms after the previous one"));
        Assert.InRange(probe.Deltas.Count, 8, 10);
    }

    [Fact]
    public async Task ATimerThatFiresLate_SkipsSlotsQuietly_WithoutCallingAShortTickSlow()
    {
        var probe = new StreamProbe();
        await using var server = await Start(probe: probe, fakeTime: true);
        await using var client = await JsonClient.ConnectAsync(server);
        await client.OkAsync("create", "\"type\":\"stream\",\"options\":{\"hz\":10}");
        // The room arms its tick timer as it starts, which may come just after the create reply (time advanced before
        // that would not fire it): until the first tick, advance a slot at a time, giving the tick a moment after each.
        while (probe.Deltas.Count < 1)
        {
            server.Time!.Advance(TimeSpan.FromMilliseconds(100));
            var until = DateTime.UtcNow.AddSeconds(1);
            while (probe.Deltas.Count < 1 && DateTime.UtcNow < until) await Task.Delay(10);
        }
        int first = probe.Deltas.Count;
        // A tick's broadcast reaches the client after the room's turn, in which it armed its next tick: the clock moves
        // on only after it has arrived, never before the timer is set (an advance then would not fire it).
        async Task TickArrivedAsync(int n)
        {
            while ((await client.NextAsync(r => r.Op == "message")).Json!.Value.GetProperty("data").GetProperty("n").GetInt32() < n)
            {
            }
        }
        await TickArrivedAsync(first);
        for (int i = 1; i <= 2; i++)
        {
            server.Time!.Advance(TimeSpan.FromMilliseconds(100));
            await Poll.UntilAsync(() => probe.Deltas.Count >= first + i);
            await TickArrivedAsync(first + i);
        }
        // The machine stalls: the next timer fires 250 ms after its slot; the tick itself takes no time at all.
        server.Time!.Advance(TimeSpan.FromMilliseconds(350));
        await Poll.UntilAsync(() => probe.Deltas.Count >= first + 3);
        await TickArrivedAsync(first + 3);
        var late = server.Logs.WaitFor(e => e.Message.Contains("late"), TestServer.Wait);
        Assert.NotNull(late);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Debug, late.Level);
        Assert.Matches(@"^Room stream-1 tick started 250\.0 ms late \(its timer fired late; the tick took 0\.000 ms\): 2 slot\(s\) of 100\.0 ms skipped$", late.Message);
        // Nothing louder than debug about ticks: the room was not slow.
        Assert.DoesNotContain(server.Logs.GetSnapshot(), e => e.Message.Contains("tick", StringComparison.Ordinal) && e.Level >= Microsoft.Extensions.Logging.LogLevel.Warning);
        // And the loop goes on from the next whole slot.
        server.Time.Advance(TimeSpan.FromMilliseconds(100));
        await Poll.UntilAsync(() => probe.Deltas.Count >= first + 4);
    }

    [Fact]
    public async Task ARoomThatThrowsInOnTick_IsRestarted_ItsClientsAreTold_AndItTicksAgain()
    {
        var probe = new StreamProbe { ThrowOnTick = 5 };
        await using var server = await Start(probe: probe, options: o => { o.Rooms.RestartBackoffMin = TimeSpan.Zero; o.Rooms.RestartBackoffMax = TimeSpan.Zero; });
        await using var client = await JsonClient.ConnectAsync(server);
        string room = (await client.OkAsync("create", "\"type\":\"stream\",\"options\":{\"hz\":50}")).GetProperty("room").GetString()!;
        var notice = await client.NextAsync(r => r.Op == "notice");
        Assert.Equal("restarted", notice.Json!.Value.GetProperty("event").GetString());
        Assert.Equal("tick failed", notice.Json!.Value.GetProperty("reason").GetString());
        // The fresh room was created with the same options: it ticks (and broadcasts) again, numbering from 1.
        await client.NextAsync(r => r.Op == "message" && Data(r) == "{\"n\":3}" && r.Json!.Value.GetProperty("seq").GetInt64() > 5);
        Assert.Equal(WebSocketState.Open, client.Socket.State);
        Assert.Contains(room, notice.Json!.Value.GetProperty("room").GetString());
    }

    [Fact]
    public async Task Resume_AfterTheSocketIsKilledMidBroadcast_DeliversEveryMissedMessageOnce_InOrder()
    {
        var probe = new StreamProbe();
        await using var server = await Start(probe: probe);
        var first = await JsonClient.ConnectAsync(server);
        string token = first.Token, session = first.SessionId;
        await first.OkAsync("create", "\"type\":\"stream\",\"options\":{\"hz\":100}");
        var seen = new List<(long Seq, int N)>();
        while (seen.Count < 30)
        {
            var m = await first.NextAsync(r => r.Op == "message");
            seen.Add((m.Json!.Value.GetProperty("seq").GetInt64(), JsonDocument.Parse(Data(m)).RootElement.GetProperty("n").GetInt32()));
        }
        await first.DisposeAsync(); // the socket dies without a close frame, while the room keeps broadcasting
        long lastSeq = seen[^1].Seq;
        await Task.Delay(300);

        await using var again = await JsonClient.ConnectAsync(server, $"/ws?resume={token}&lastSeq={lastSeq}");
        Assert.True(again.Welcome.GetProperty("resumed").GetBoolean());
        Assert.Equal(session, again.SessionId);
        Assert.Equal(lastSeq, again.Welcome.GetProperty("lastSeq").GetInt64());
        while (seen.Count < 120)
        {
            var m = await again.NextAsync(r => r.Op == "message");
            seen.Add((m.Json!.Value.GetProperty("seq").GetInt64(), JsonDocument.Parse(Data(m)).RootElement.GetProperty("n").GetInt32()));
        }
        // Nothing missed, nothing twice: seqs and the room's own numbers both run on without a gap.
        for (int i = 1; i < seen.Count; i++)
        {
            Assert.Equal(seen[i - 1].Seq + 1, seen[i].Seq);
            Assert.Equal(seen[i - 1].N + 1, seen[i].N);
        }
    }

    [Fact]
    public async Task TheWindowExpiring_CallsOnLeave_NotConsented()
    {
        var log = new ConcurrentQueue<string>();
        await using var server = await Start(log, fakeTime: true);
        var client = await JsonClient.ConnectAsync(server);
        string id = client.SessionId;
        await client.OkAsync("joinOrCreate", "\"type\":\"life\"");
        await client.DisposeAsync();
        await server.AdvanceAsync(TimeSpan.FromSeconds(15));
        Assert.DoesNotContain(log, l => l.StartsWith("leave", StringComparison.Ordinal));
        await server.AdvanceAsync(TimeSpan.FromSeconds(6));
        await Poll.UntilAsync(() => log.Contains($"leave {id} False"));
    }

    [Fact]
    public async Task Resume_IsRefused_ForAnUnknownToken_ForMessagesNoLongerKept_AndForAnotherIdentity()
    {
        await using var server = await Start(options: o => o.Rooms.ResumeBufferMessages = 5, probe: new StreamProbe());
        await using (var unknown = await JsonClient.ConnectAsync(server, "/ws?resume=AAAAAAAAAAAAAAAAAAAAAA&lastSeq=3"))
        {
            Assert.False(unknown.Welcome.GetProperty("resumed").GetBoolean());
            Assert.Equal("unknown or expired token", unknown.Welcome.GetProperty("resumeError").GetString());
        }

        var client = await JsonClient.ConnectAsync(server);
        string token = client.Token;
        string room = (await client.OkAsync("create", "\"type\":\"stream\"")).GetProperty("room").GetString()!;
        await client.SendAsync($"{{\"op\":\"send\",\"room\":\"{room}\",\"data\":\"burst 20\"}}");
        await client.NextAsync(r => r.Op == "message" && Data(r) == "{\"n\":20}");
        await client.DisposeAsync();

        await using (var tooOld = await JsonClient.ConnectAsync(server, $"/ws?resume={token}&lastSeq=2"))
        {
            Assert.False(tooOld.Welcome.GetProperty("resumed").GetBoolean());
            Assert.Equal("the messages missed are no longer kept", tooOld.Welcome.GetProperty("resumeError").GetString());
            Assert.NotEqual(token, tooOld.Token);
        }
        // The session is still there for a resume it can serve.
        await using var recent = await JsonClient.ConnectAsync(server, $"/ws?resume={token}&lastSeq=18");
        Assert.True(recent.Welcome.GetProperty("resumed").GetBoolean());
        Assert.Equal("{\"n\":19}", Data(await recent.NextAsync(r => r.Op == "message")));
        Assert.Equal("{\"n\":20}", Data(await recent.NextAsync(r => r.Op == "message")));
    }

    [Fact]
    public async Task ATokenIsBoundToTheIdentityOfItsSession()
    {
        await using var server = await TestServer.StartAsync(configure: s =>
        {
            var route = s.MapRoute<ActorWs.Server.BuiltIn.JsonRoomsHandler>("/auth");
            route.Resumable = true;
            route.RoomType = ChatRoom.TypeName;
            route.Accept = r => ValueTask.FromResult(Routing.AcceptDecision.Accept(identity: r.GetQueryValue("user")));
        });
        var alice = await JsonClient.ConnectAsync(server, "/auth?user=alice");
        string token = alice.Token;
        await alice.OkAsync("ping"); // a session the client never used is not kept for a resume
        await alice.DisposeAsync();
        await using var mallory = await JsonClient.ConnectAsync(server, $"/auth?user=mallory&resume={token}&lastSeq=0");
        // The refusal a token naming nothing gets: it does not tell mallory the token is live.
        Assert.Equal("unknown or expired token", mallory.Welcome.GetProperty("resumeError").GetString());
        await using var back = await JsonClient.ConnectAsync(server, $"/auth?user=alice&resume={token}&lastSeq=0");
        Assert.True(back.Welcome.GetProperty("resumed").GetBoolean());
    }

    [Fact]
    public async Task RateLimits_DropWithAnError_ThenClose1008OnRepeatedAbuse()
    {
        await using var server = await Start(fakeTime: true, limits: o => { o.MessagesPerSecond = 5; o.AbuseThreshold = 10; });
        await using var client = await JsonClient.ConnectAsync(server);
        string room = (await client.OkAsync("create", "\"type\":\"life\"")).GetProperty("room").GetString()!;
        for (int i = 0; i < 20; i++) await client.SendAsync($"{{\"op\":\"send\",\"room\":\"{room}\",\"data\":{i}}}");
        var everything = await client.DrainAsync(TimeSpan.FromMilliseconds(500));
        Assert.Equal(5, everything.Count(r => r.Op == "message"));
        Assert.Equal(10, everything.Count(r => r.Op == "error" && r.Json!.Value.GetProperty("reason").GetString() == "rate limit exceeded"));
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, client.Socket.CloseStatus);
    }

    [Fact]
    public async Task OversizedAndInvalidMessages_GetErrorReplies_AndTheRoomCarriesOn()
    {
        await using var server = await Start(limits: o => o.MaxMessageSize = 100);
        await using var client = await JsonClient.ConnectAsync(server);
        string room = (await client.OkAsync("create", "\"type\":\"life\"")).GetProperty("room").GetString()!;
        await client.SendAsync($"{{\"op\":\"send\",\"room\":\"{room}\",\"data\":\"{new string('x', 200)}\"}}");
        Assert.Equal("message larger than 100 bytes", (await client.NextAsync(r => r.Op == "error")).Json!.Value.GetProperty("reason").GetString());
        await client.SendAsync($"{{\"op\":\"send\",\"room\":\"{room}\",\"data\":\"invalid\"}}");
        Assert.Equal("that move is not allowed", (await client.NextAsync(r => r.Op == "error")).Json!.Value.GetProperty("reason").GetString());
        await client.SendAsync($"{{\"op\":\"send\",\"room\":\"{room}\",\"data\":\"fine\"}}");
        Assert.Equal("\"fine\"", Data(await client.NextAsync(r => r.Op == "message")));
    }

    [Fact]
    public async Task BinaryMessages_GoToTheCurrentRoom_AndComeBackNumbered()
    {
        await using var server = await Start();
        await using var client = await JsonClient.ConnectAsync(server);
        await client.OkAsync("create", "\"type\":\"life\"");
        await client.SendBinaryAsync([1, 2, 3]);
        var binary = await client.NextAsync(r => r.Json is null);
        Assert.Equal(new byte[] { 1, 2, 3 }, binary.Binary);
        Assert.Equal(1, binary.BinarySeq);
    }

    [Fact]
    public async Task Embedders_CreateAndListRoomsFromCSharp_AndClientsFindThem()
    {
        await using var server = await Start();
        string id = await server.Server.Rooms.CreateAsync("life", "{\"max\":3,\"mode\":\"duel\"}");
        Assert.Equal("life-1", id);
        await using var client = await JsonClient.ConnectAsync(server);
        Assert.Equal(id, (await client.OkAsync("joinOrCreate", "\"type\":\"life\"")).GetProperty("room").GetString());
        await Poll.UntilAsync(() => server.Server.Rooms.ListAsync("life").Result is [{ Clients: 1 }]);
        var listed = await server.Server.Rooms.ListAsync("life", "{\"mode\":\"duel\"}");
        Assert.Equal(3, Assert.Single(listed).MaxClients);
        Assert.Empty(await server.Server.Rooms.ListAsync("life", "{\"mode\":\"other\"}"));
        await Assert.ThrowsAsync<ArgumentException>(() => server.Server.Rooms.CreateAsync("nope"));
    }

    [Fact]
    public async Task AMatchmadeRoom_NeverTakesTheIdOfARoomMadeByName()
    {
        await using var server = await Start();
        // A room may be given any name, including what a matchmade id looks like; a client is in it.
        var namedRoom = await server.Server.Rooms.GetOrCreateAsync("life", "life-1");
        await using var named = await JsonClient.ConnectAsync(server);
        await named.OkAsync("joinById", "\"room\":\"life-1\"");

        // Matchmaking skips the ids in use: the named room keeps its name, its actor and its member.
        Assert.Equal("life-2", await server.Server.Rooms.CreateAsync("life"));
        await using var matched = await JsonClient.ConnectAsync(server);
        Assert.Equal("life-3", (await matched.OkAsync("create", "\"type\":\"life\"")).GetProperty("room").GetString());
        Assert.Equal(namedRoom, await server.Server.Rooms.FindAsync("life", "life-1"));
        Assert.Equal(["life-1", "life-2", "life-3"], (await server.Server.Rooms.ListAsync("life")).Select(r => r.Room));
        await Poll.UntilAsync(() => server.Server.Rooms.ListAsync("life").Result.Single(r => r.Room == "life-1").Clients == 1);
    }

    [Fact]
    public async Task ChatRoomsOnWs_AreNumberedToo_AndAckAndEndWork()
    {
        await using var server = await Start();
        await using var a = await JsonClient.ConnectAsync(server);
        await using var b = await JsonClient.ConnectAsync(server);
        await a.OkAsync("join", "\"room\":\"lobby\"");
        await b.OkAsync("join", "\"room\":\"lobby\"");
        var presence = await a.NextAsync(r => r.Op == "presence");
        Assert.Equal(1, presence.Json!.Value.GetProperty("seq").GetInt64());
        await b.SendAsync("{\"op\":\"send\",\"room\":\"lobby\",\"data\":{\"t\":\"hi\"}}");
        var message = await a.NextAsync(r => r.Op == "message");
        Assert.Equal(2, message.Json!.Value.GetProperty("seq").GetInt64());
        Assert.Equal(b.SessionId, message.Json!.Value.GetProperty("from").GetString());
        await a.SendAsync("{\"op\":\"ack\",\"seq\":2}");
        await b.SendAsync("{\"op\":\"end\"}");
        var left = await a.NextAsync(r => r.Op == "presence" && r.Json!.Value.GetProperty("event").GetString() == "leave");
        Assert.Equal(b.SessionId, left.Json!.Value.GetProperty("member").GetString());
    }
}
