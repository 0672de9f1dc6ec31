using System.Net.WebSockets;
using System.Text.Json;
using ActorWs.Browser.Tests.Infrastructure;
using ActorWs.Client.Tests.Infrastructure;

namespace ActorWs.Browser.Tests.Client;

/// <summary>
/// actorws.js when the server refuses its reconnection with 429 (a per-address limit): it keeps reconnecting, with
/// backoff, shows it, and gets back in once the limit allows, with nothing lost either way.
/// </summary>
public sealed class RateLimitTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    /// <summary>A resume token that names no session (22 base64url characters, like a real one).</summary>
    private const string Forged = "AAAAAAAAAAAAAAAAAAAAAA";

    /// <summary>
    /// A server of this test's own, on virtual time (its token buckets refill only when the test advances its clock),
    /// with one of the two limits that answer an upgrade with 429 made tiny.
    /// </summary>
    private static Task<TestServer> StartLimitedAsync(string limit) =>
        TestServer.StartAsync(o =>
        {
            if (limit == "upgrades")
            {
                // Two upgrades at once (the two pages' first connections), then one per second of the server's clock.
                o.Limits.UpgradesPerSecond = 1;
                o.Limits.UpgradeBurst = 2;
            }
            else
            {
                // One resume attempt at once, then one per second of the server's clock.
                o.WebSocket.ResumeAttemptsPerSecond = 1;
                o.WebSocket.ResumeAttemptsBurst = 1;
            }
        }, configure: s => s.MapStaticFiles("/test/", Path.Combine(AppContext.BaseDirectory, "pages")), fakeTime: true);

    private async Task<Microsoft.Playwright.IPage> OpenHarnessAsync(string url, string test)
    {
        var page = await OpenAsync(url, test);
        await page.WaitForFunctionAsync("() => window.harness !== undefined");
        return page;
    }

    [Theory]
    [InlineData("upgrades")]
    [InlineData("resume-attempts")]
    public async Task Reconnections_refused_with_429_show_reconnecting_back_off_and_get_in_once_the_limit_allows_with_nothing_lost(string limit)
    {
        string test = $"{nameof(Reconnections_refused_with_429_show_reconnecting_back_off_and_get_in_once_the_limit_allows_with_nothing_lost)}-{limit}";
        await using var server = await StartLimitedAsync(limit);
        var clock = server.Time!;
        string room = NewRoom();
        var ann = await OpenHarnessAsync(server.HttpThroughCutter("/test/"), test);
        var bob = await OpenHarnessAsync(server.Http("/test/"), test);
        // Jitter fixed at one half, so that the waits are known: half of 50 ms doubling per attempt, up to 400 ms.
        string annId = await ann.EvaluateAsync<string>("() => harness.connect({ backoffBase: 50, backoffCap: 400, requestTimeout: 14000, random: () => 0.5 })");
        await ConnectAsync(bob);
        await CallOkAsync(ann, "join", room);
        await CallOkAsync(bob, "join", room);
        if (limit == "resume-attempts")
        {
            // Someone at the same address spends the one resume attempt it has (a forged token: a fresh session).
            using var spender = new ClientWebSocket();
            using var cts = new CancellationTokenSource(TestServer.Wait);
            await spender.ConnectAsync(server.Direct($"/ws?resume={Forged}&lastSeq=0"), cts.Token);
            spender.Abort();
        }

        // Ann's connection breaks. Each attempt to come back is answered 429 while the server's clock stands still; the
        // page says so and keeps trying.
        server.Cutter.CutAll();
        await WaitForAsync(ann, "harness.of('state').filter(s => s.state === 'reconnecting' && (s.reason ?? '').includes('connection failed')).length >= 3");
        Assert.Equal("reconnecting…", await ann.TextContentAsync("#state"));
        await ann.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, $"RateLimitTests.refused-{limit}.png") });

        // Meanwhile ann sends two messages (they wait for the connection) and bob three.
        await ann.EvaluateAsync("room => { window.queued = [1, 2].map(i => harness.call('send', [room, `queued ${i}`, { confirm: true }])); }", room);
        for (int i = 1; i <= 3; i++) await CallOkAsync(bob, "send", room, $"while refused {i}", new { confirm = true });
        Assert.Equal("reconnecting", await ann.EvaluateAsync<string>("() => harness.state"));

        // One second of the server's clock refills the bucket: the next attempt gets in and resumes the session.
        clock.Advance(TimeSpan.FromSeconds(1));
        await WaitForAsync(ann, "harness.state === 'open' && harness.of('welcome').some(w => w.resumed)");
        Assert.Equal(annId, await ann.EvaluateAsync<string>("() => harness.client.sessionId"));
        var queued = await ann.EvaluateAsync<JsonElement>("() => Promise.all(window.queued)");
        Assert.All(queued.EnumerateArray(), q => Assert.True(q.TryGetProperty("ok", out _), $"a queued send failed: {q}"));

        // Nothing lost, nothing twice, in order: bob's three (replayed on resume), then ann's own two; bob gets ann's two.
        await WaitForAsync(ann, "harness.of('message').length === 5");
        var messages = await EventsAsync(ann, "message");
        Assert.Equal(["while refused 1", "while refused 2", "while refused 3", "queued 1", "queued 2"],
            messages.EnumerateArray().Select(m => m.GetProperty("data").GetString()));
        await WaitForAsync(bob, "harness.of('message').filter(m => String(m.data).startsWith('queued')).length === 2");
        Assert.Equal(["queued 1", "queued 2"], (await EventsAsync(bob, "message")).EnumerateArray()
            .Select(m => m.GetProperty("data").GetString()).Where(d => d!.StartsWith("queued", StringComparison.Ordinal)));
        Assert.Equal(0, await ann.EvaluateAsync<int>("() => harness.client.duplicateMessages"));
        Assert.Equal(0, await ann.EvaluateAsync<int>("() => harness.of('resumeFailed').length"));

        // It backed off: one attempt after another, numbered on, each waiting twice as long as the one before up to the
        // cap (25, 50, 100, 200, 200 … ms with the jitter at one half), never giving up. And every failure the page saw
        // was a 429 from the server, for this limit.
        var reconnecting = (await EventsAsync(ann, "state")).EnumerateArray().Where(s => s.GetProperty("state").GetString() == "reconnecting").ToList();
        Assert.Equal(Enumerable.Range(1, reconnecting.Count), reconnecting.Select(s => s.GetProperty("attempt").GetInt32()));
        Assert.Equal(Enumerable.Range(1, reconnecting.Count).Select(attempt => (int)Math.Min(400L, 50L << Math.Min(attempt - 1, 20)) / 2),
            reconnecting.Select(s => s.GetProperty("retryIn").GetInt32()));
        Assert.DoesNotContain((await EventsAsync(ann, "state")).EnumerateArray(), s => s.GetProperty("state").GetString() == "closed");
        int failures = reconnecting.Count(s => s.GetProperty("reason").GetString()!.Contains("connection failed", StringComparison.Ordinal));
        string refusal = limit == "upgrades" ? "too many WebSocket upgrades from your address" : "too many resume attempts";
        int refused = server.Logs.GetSnapshot().Count(r => r.Message.Contains("refused with 429: " + refusal, StringComparison.Ordinal));
        Assert.Equal(failures, refused);
        await ann.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, $"RateLimitTests.back-{limit}.png") });

        // Both pages end their sessions, so that the server (on its frozen clock) stops without waiting for them.
        await ann.EvaluateAsync("() => harness.client.close()");
        await bob.EvaluateAsync("() => harness.client.close()");
    }
}
