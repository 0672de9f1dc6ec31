using System.Text.Json;
using ActorWs.Browser.Tests.Infrastructure;

namespace ActorWs.Browser.Tests.Client;

/// <summary>actorws.js when the connection breaks: reconnecting, heartbeats, resume, reloads.</summary>
public sealed class ReconnectionTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    private static readonly object FastRetries = new { backoffBase = 50, backoffCap = 400 };

    [Fact]
    public async Task A_cut_socket_shows_reconnecting_then_resumes_and_gets_the_messages_sent_meanwhile()
    {
        string room = NewRoom();
        var ann = await OpenHarnessAsync(throughCutter: true);
        var bob = await OpenHarnessAsync();
        string annId = await ConnectAsync(ann, FastRetries);
        await ConnectAsync(bob);
        await CallOkAsync(ann, "join", room);
        await CallOkAsync(bob, "join", room);

        var cutter = Fixture.Server.Cutter;
        cutter.RefuseNew = true;
        try
        {
            cutter.CutAll();
            await WaitForAsync(ann, "harness.state === 'reconnecting'");
            Assert.Equal("reconnecting…", await ann.TextContentAsync("#state"));
            await ann.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "ReconnectionTests.reconnecting.png") });
            for (int i = 1; i <= 3; i++) await CallOkAsync(bob, "send", room, $"while you were away {i}", new { confirm = true });
        }
        finally
        {
            cutter.RefuseNew = false;
        }

        await WaitForAsync(ann, "harness.state === 'open' && harness.of('welcome').some(w => w.resumed)");
        await WaitForAsync(ann, "harness.of('message').length === 3");
        var messages = await EventsAsync(ann, "message");
        Assert.Equal(["while you were away 1", "while you were away 2", "while you were away 3"], messages.EnumerateArray().Select(m => m.GetProperty("data").GetString()));
        Assert.Equal(annId, await ann.EvaluateAsync<string>("() => harness.client.sessionId"));
        Assert.Equal(0, await ann.EvaluateAsync<int>("() => harness.of('resumeFailed').length"));

        // Same session, same room: traffic goes on both ways.
        await CallOkAsync(ann, "send", room, "back", new { confirm = true });
        await WaitForAsync(bob, "harness.of('message').some(m => m.data === 'back')");
    }

    [Fact]
    public async Task A_half_open_connection_is_caught_by_the_heartbeat()
    {
        var page = await OpenHarnessAsync(throughCutter: true);
        string session = await ConnectAsync(page, new { backoffBase = 50, backoffCap = 400, heartbeatInterval = 200, heartbeatTimeout = 600 });
        // Bytes stop in both directions; neither side is told.
        Fixture.Server.Cutter.FreezeAll();
        await WaitForAsync(page, "harness.of('state').some(s => s.state === 'reconnecting' && s.reason.includes('heartbeat'))");
        await WaitForAsync(page, "harness.state === 'open' && harness.of('welcome').some(w => w.resumed)");
        Assert.Equal(session, await page.EvaluateAsync<string>("() => harness.client.sessionId"));
    }

    [Fact]
    public async Task Reloading_the_page_resumes_the_same_session_within_the_window()
    {
        string room = NewRoom();
        var ann = await OpenHarnessAsync();
        var bob = await OpenHarnessAsync();
        var persist = new { persistKey = "actorws-test" };
        string annId = await ConnectAsync(ann, persist);
        await ConnectAsync(bob);
        await CallOkAsync(ann, "join", room);
        await CallOkAsync(bob, "join", room);

        await ann.ReloadAsync();
        await ann.WaitForFunctionAsync("() => window.harness !== undefined");
        Assert.Equal(annId, await ConnectAsync(ann, persist));
        var welcome = (await EventsAsync(ann, "welcome"))[0];
        Assert.True(welcome.GetProperty("resumed").GetBoolean());

        // Still in the room on the server: bob's message reaches the reloaded page, and bob saw no leave.
        await CallOkAsync(bob, "send", room, "still there?", new { confirm = true });
        await WaitForAsync(ann, "harness.of('message').some(m => m.data === 'still there?')");
        Assert.Equal(0, await bob.EvaluateAsync<int>("() => harness.of('presence').filter(p => p.event === 'leave').length"));
    }

    [Fact]
    public async Task Each_resume_hands_out_a_new_token_which_is_stored_and_used_for_the_next_reload()
    {
        string room = NewRoom();
        var ann = await OpenHarnessAsync();
        var persist = new { persistKey = "actorws-rotation-test" };
        string annId = await ConnectAsync(ann, persist);
        await CallOkAsync(ann, "join", room);
        var tokens = new List<string> { await ann.EvaluateAsync<string>("() => harness.client.resumeToken") };

        for (int reload = 1; reload <= 2; reload++)
        {
            await ann.ReloadAsync();
            await ann.WaitForFunctionAsync("() => window.harness !== undefined");
            Assert.Equal(annId, await ConnectAsync(ann, persist));
            var welcome = (await EventsAsync(ann, "welcome"))[0];
            Assert.True(welcome.GetProperty("resumed").GetBoolean());
            string token = await ann.EvaluateAsync<string>("() => harness.client.resumeToken");
            Assert.Equal(welcome.GetProperty("token").GetString(), token);
            // What a further reload will read: the new token, not the spent one.
            string stored = await ann.EvaluateAsync<string>("() => JSON.parse(sessionStorage.getItem('actorws-rotation-test')).token");
            Assert.Equal(token, stored);
            tokens.Add(token);
        }
        Assert.Equal(3, tokens.Distinct().Count());
        await CallOkAsync(ann, "send", room, "still me", new { confirm = true });
        await WaitForAsync(ann, "harness.of('message').some(m => m.data === 'still me')");
    }

    [Fact]
    public async Task A_lost_session_is_reported_and_chat_rooms_are_joined_again()
    {
        string room = NewRoom();
        // An unknown token stands for a session the server no longer has (expired, or a restarted server).
        var page = await OpenHarnessAsync(throughCutter: true);
        var other = await OpenHarnessAsync();
        await ConnectAsync(page, FastRetries);
        string otherId = await ConnectAsync(other);
        await CallOkAsync(page, "join", room);
        await CallOkAsync(other, "join", room);
        await page.EvaluateAsync("() => { harness.client._token = 'AAAAAAAAAAAAAAAAAAAAAA'; }");
        Fixture.Server.Cutter.CutAll();

        await WaitForAsync(page, "harness.of('resumeFailed').length === 1 && harness.of('rejoined').length === 1 && harness.state === 'open'");
        var failed = (await EventsAsync(page, "resumeFailed"))[0];
        Assert.Equal([room], failed.GetProperty("chatRooms").EnumerateArray().Select(r => r.GetString()));
        Assert.False(string.IsNullOrEmpty(failed.GetProperty("reason").GetString()));
        string newId = await page.EvaluateAsync<string>("() => harness.client.sessionId");
        var rejoined = (await EventsAsync(page, "rejoined"))[0];
        Assert.Contains(newId, rejoined.GetProperty("members").EnumerateArray().Select(m => m.GetString()));
        Assert.Contains(otherId, rejoined.GetProperty("members").EnumerateArray().Select(m => m.GetString()));
        await WaitForAsync(other, $"harness.of('presence').some(p => p.event === 'join' && p.member === '{newId}')");
    }

    [Fact]
    public async Task A_close_by_the_server_for_a_restart_shows_reconnecting_and_the_page_comes_back()
    {
        var page = await OpenHarnessAsync();
        await ConnectAsync(page, new { url = "/scripted", backoffBase = 50, backoffCap = 400 });
        var first = await Fixture.Server.Scripted.NextConnectionAsync();
        first.Close(1012, "service restart");
        await WaitForAsync(page, "harness.of('state').some(s => s.state === 'reconnecting' && s.reason.includes('1012'))");
        await Fixture.Server.Scripted.NextConnectionAsync();
        await WaitForAsync(page, "harness.of('state').filter(s => s.state === 'open').length === 2");
        Assert.Equal(2, await page.EvaluateAsync<int>("() => harness.client.connectionCount"));
        Assert.Equal("open", await page.TextContentAsync("#state"));
    }

    [Fact]
    public async Task A_policy_close_by_the_server_is_final()
    {
        var page = await OpenHarnessAsync();
        await ConnectAsync(page, new { url = "/scripted" });
        (await Fixture.Server.Scripted.NextConnectionAsync()).Close(1008, "rate limit");
        await WaitForAsync(page, "harness.state === 'closed'");
        Assert.Equal(0, await page.EvaluateAsync<int>("() => harness.of('state').filter(s => s.state === 'reconnecting').length"));
    }

    [Fact]
    public async Task Junk_from_the_server_is_ignored()
    {
        var page = await OpenHarnessAsync();
        await ConnectAsync(page, new { url = "/scripted" });
        var server = await Fixture.Server.Scripted.NextConnectionAsync();
        foreach (var junk in new[] { "not json", "[1]", "null", "{\"op\":\"teleport\"}", "{\"op\":\"message\"}", "{\"op\":\"reply\",\"ref\":12345}" })
            server.Send(junk);
        server.SendBytes([1, 2], System.Net.WebSockets.WebSocketMessageType.Binary);
        server.SendBytes([0, 0, 0, 9, 42], System.Net.WebSockets.WebSocketMessageType.Binary);
        server.Send("{\"op\":\"message\",\"room\":\"r\",\"data\":\"fine\",\"seq\":10}");
        await WaitForAsync(page, "harness.of('message').length === 1");
        Assert.Equal(7, await page.EvaluateAsync<int>("() => harness.client.ignoredMessages"));
        var binary = (await EventsAsync(page, "binary"))[0];
        Assert.Equal((9, "[42]"), (binary.GetProperty("seq").GetInt32(), binary.GetProperty("data").GetRawText()));
        Assert.Equal("open", await page.EvaluateAsync<string>("() => harness.state"));
    }
}
