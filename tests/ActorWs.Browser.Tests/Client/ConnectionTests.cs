using ActorWs.Browser.Tests.Infrastructure;

namespace ActorWs.Browser.Tests.Client;

/// <summary>actorws.js in Chromium: connecting, chat rooms, requests with refs, errors.</summary>
public sealed class ConnectionTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public async Task The_server_serves_the_client_as_a_javascript_module()
    {
        using var http = new HttpClient();
        var response = await http.GetAsync(Fixture.Server.Http("/actorws.js"));
        Assert.True(response.IsSuccessStatusCode);
        Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("export class ActorWsClient", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_page_connects_is_welcomed_and_shows_open()
    {
        var page = await OpenHarnessAsync();
        string session = await ConnectAsync(page);
        Assert.StartsWith("s-", session);
        Assert.Equal("open", await page.TextContentAsync("#state"));
        var states = await EventsAsync(page, "state");
        Assert.Equal(["connecting", "open"], states.EnumerateArray().Select(s => s.GetProperty("state").GetString()));
        var welcome = (await EventsAsync(page, "welcome"))[0];
        Assert.False(welcome.GetProperty("resumed").GetBoolean());
        Assert.Equal(22, welcome.GetProperty("token").GetString()!.Length);
    }

    [Fact]
    public async Task Two_pages_in_one_chat_room_see_each_others_presence_and_messages()
    {
        string room = NewRoom();
        var ann = await OpenHarnessAsync();
        var bob = await OpenHarnessAsync();
        string annId = await ConnectAsync(ann);
        string bobId = await ConnectAsync(bob);
        await CallOkAsync(ann, "join", room);
        var joined = await CallOkAsync(bob, "join", room);
        Assert.Equal([annId, bobId], joined.GetProperty("members").EnumerateArray().Select(m => m.GetString()));

        await WaitForAsync(ann, $"harness.of('presence').some(p => p.event === 'join' && p.member === '{bobId}')");
        await CallOkAsync(ann, "send", room, new { text = "hello from ann" });
        await CallOkAsync(bob, "send", room, new { text = "hi ann" }, new { confirm = true });
        foreach (var page in new[] { ann, bob })
        {
            await WaitForAsync(page, "harness.of('message').length === 2");
            var messages = await EventsAsync(page, "message");
            Assert.Equal([annId, bobId], messages.EnumerateArray().Select(m => m.GetProperty("from").GetString()));
            Assert.Equal("hello from ann", messages[0].GetProperty("data").GetProperty("text").GetString());
            Assert.True(messages[1].GetProperty("seq").GetInt64() > messages[0].GetProperty("seq").GetInt64());
        }
        Assert.Contains("hi ann", await ann.TextContentAsync("#messages"));

        await CallOkAsync(bob, "leave", room);
        await WaitForAsync(ann, $"harness.of('presence').some(p => p.event === 'leave' && p.member === '{bobId}')");
    }

    [Fact]
    public async Task Requests_resolve_with_their_own_reply_and_errors_reject_with_the_reason()
    {
        var page = await OpenHarnessAsync();
        await ConnectAsync(page);
        // Many requests in flight at once: each promise gets the reply with its own ref.
        var rooms = await page.EvaluateAsync<string[]>(
            "async () => (await Promise.all(Array.from({length: 30}, (_, i) => harness.client.join('r' + i)))).map(j => j.room)");
        Assert.Equal(Enumerable.Range(0, 30).Select(i => $"r{i}"), rooms);
        var rtt = await CallOkAsync(page, "ping");
        Assert.True(rtt.GetDouble() >= 0);

        var unknown = (await CallAsync(page, "request", "teleport", new { where = "moon" })).GetProperty("error");
        Assert.Equal(("ActorWsError", "rejected", "unknown op \"teleport\""),
            (unknown.GetProperty("name").GetString(), unknown.GetProperty("failure").GetString(), unknown.GetProperty("reason").GetString()));
        var notMember = (await CallAsync(page, "send", "nowhere", 1, new { confirm = true })).GetProperty("error");
        Assert.Equal("not a member of room \"nowhere\"", notMember.GetProperty("reason").GetString());

        // Without a ref, the refusal arrives as an "error" event.
        await CallOkAsync(page, "send", "nowhere", 2);
        await WaitForAsync(page, "harness.of('error').length === 1");
        var bad = (await CallAsync(page, "join", "")).GetProperty("error");
        Assert.Equal("TypeError", bad.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Close_ends_the_session_and_the_others_see_it_leave()
    {
        string room = NewRoom();
        var ann = await OpenHarnessAsync();
        var bob = await OpenHarnessAsync();
        await ConnectAsync(ann);
        string bobId = await ConnectAsync(bob);
        await CallOkAsync(ann, "join", room);
        await CallOkAsync(bob, "join", room);
        await CallOkAsync(bob, "close");
        Assert.Equal("closed", await bob.TextContentAsync("#state"));
        await WaitForAsync(ann, $"harness.of('presence').some(p => p.event === 'leave' && p.member === '{bobId}')");
        var after = (await CallAsync(bob, "ping")).GetProperty("error");
        Assert.Equal("closed", after.GetProperty("failure").GetString());
    }

    [Fact]
    public async Task Backoff_with_full_jitter_stays_within_the_capped_ceiling()
    {
        var page = await OpenHarnessAsync();
        var delays = await page.EvaluateAsync<int[]>(
            "() => [0, 1, 2, 10, 100].flatMap(a => [0, 0.5, 0.999999].map(r => harness.backoffDelay(a, 100, 5000, () => r)))");
        Assert.Equal([0, 50, 99, 0, 100, 199, 0, 200, 399, 0, 2500, 4999, 0, 2500, 4999], delays);
    }
}
