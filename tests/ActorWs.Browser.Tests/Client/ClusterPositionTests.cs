using System.Text.Json;
using ActorWs.Browser.Tests.Infrastructure;
using ActorWs.Client.Tests.Infrastructure;

namespace ActorWs.Browser.Tests.Client;

/// <summary>
/// actorws.js against a scripted cluster node (<c>/scripted</c>): a <c>"cluster":true</c> welcome, messages with
/// <c>pos</c>, binary messages in the cluster layout, and the <c>pos=</c> parameters of the resume URL.
/// </summary>
public sealed class ClusterPositionTests(BrowserFixture fixture) : BrowserTest(fixture), IAsyncLifetime
{
    private static readonly object FastRetries = new { url = "/scripted", backoffBase = 50, backoffCap = 400, heartbeatInterval = 0, ackInterval = 0 };

    private ScriptedPeer Scripted => Fixture.Server.Scripted;

    /// <summary>A cluster node's welcome: fresh, or resumed when the connection asks to resume.</summary>
    private static string ClusterWelcome(ScriptedConnection c) => c.QueryValues.ContainsKey("resume")
        ? ScriptedPeer.WelcomeJson("s-c", $"tok-{c.Number}", resumed: true, lastSeq: 0, cluster: true)
        : ScriptedPeer.WelcomeJson("s-c", $"tok-{c.Number}", resumed: false, cluster: true);

    async Task IAsyncLifetime.InitializeAsync()
    {
        // The scripted route is shared by the whole browser collection: start from no connection left over.
        while (Scripted.Connections.Reader.TryRead(out _))
        {
        }
        await InitializeAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        try
        {
            await DisposeAsync();
        }
        finally
        {
            Scripted.Welcome = null;
        }
    }

    private static async Task<JsonElement> PositionsAsync(Microsoft.Playwright.IPage page) =>
        await page.EvaluateAsync<JsonElement>("() => harness.client.positions");

    private static string[] Positions(JsonElement positions) =>
        positions.EnumerateArray().Select(p => $"{p.GetProperty("rseq").GetInt64()}:{p.GetProperty("type").GetString()}:{p.GetProperty("room").GetString()}").ToArray();

    [Fact]
    public async Task In_a_cluster_the_resume_url_carries_the_position_of_each_room_the_page_is_in()
    {
        Scripted.Welcome = ClusterWelcome;
        var page = await OpenHarnessAsync(throughCutter: true);
        await ConnectAsync(page, FastRetries);
        var first = await Scripted.NextConnectionAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => harness.client.cluster && harness.of('welcome')[0].cluster"));
        foreach (var room in new[] { "lobby", "a:b c", "gone", "left" }) await CallOkAsync(page, "join", room);
        Assert.Equal("arena-1", (await CallOkAsync(page, "joinOrCreate", "arena")).GetProperty("room").GetString());

        first.SendNumbered("""{"op":"message","room":"lobby","from":"s-3","data":{"t":1}}""", seq: 1, "lobby", rseq: 57);
        first.SendNumbered("""{"op":"message","room":"lobby","from":"s-3","data":{"t":2}}""", seq: 2, "lobby", rseq: 50);   // never lowers
        first.SendClusterBinary(seq: 3, rseq: 9, "arena-1", 10, 20);
        first.SendNumbered("""{"op":"message","room":"arena-1","data":"again"}""", seq: 3, "arena-1", rseq: 99);           // a repeat by seq
        first.SendNumbered("""{"op":"presence","room":"a:b c","event":"join","member":"s-4"}""", seq: 4, "a:b c", rseq: 3);
        first.SendNumbered("""{"op":"message","room":"elsewhere","data":"x"}""", seq: 5, "elsewhere", rseq: 70);         // never joined
        first.SendNumbered("""{"op":"message","room":"gone","data":"x"}""", seq: 6, "gone", rseq: 4);
        first.SendNumbered("""{"op":"notice","room":"gone","event":"closed","reason":"room closed"}""", seq: 7, "gone", rseq: 5);
        first.SendNumbered("""{"op":"message","room":"left","data":"x"}""", seq: 8, "left", rseq: 6);
        first.SendBytes([0, 0, 0, 9, 0, 0, 0, 1, 5, (byte)'a'], System.Net.WebSockets.WebSocketMessageType.Binary);   // name longer than the message
        await WaitForAsync(page, "harness.of('message').length === 5 && harness.of('notice').length === 1");
        await CallOkAsync(page, "leave", "left");

        var binary = (await EventsAsync(page, "binary")).EnumerateArray().Single();
        Assert.Equal(("[10,20]", 3, "arena-1"), (binary.GetProperty("data").GetRawText(), binary.GetProperty("seq").GetInt32(), binary.GetProperty("room").GetString()));
        Assert.Equal([1, 2, 5, 6, 8], (await EventsAsync(page, "message")).EnumerateArray().Select(m => m.GetProperty("seq").GetInt32()));
        Assert.Equal(1, await page.EvaluateAsync<int>("() => harness.client.duplicateMessages"));
        Assert.Equal(1, await page.EvaluateAsync<int>("() => harness.client.ignoredMessages"));
        Assert.Equal(["3:chat:a:b c", "9:arena:arena-1", "57:chat:lobby"], Positions(await PositionsAsync(page)));

        Fixture.Server.Cutter.CutAll();
        var second = await Scripted.NextConnectionAsync();
        Assert.Equal("8", second.QueryValues["lastSeq"]);
        Assert.Equal($"tok-{first.Number}", second.QueryValues["resume"]);
        Assert.Equal(["3:chat:a:b c", "9:arena:arena-1", "57:chat:lobby"], second.QueryAll("pos"));
        await WaitForAsync(page, "harness.of('state').filter(s => s.state === 'open').length === 2");
        Assert.Equal(0, await page.EvaluateAsync<int>("() => harness.of('resumeFailed').length"));

        // The resumed session goes on from where the positions were.
        second.SendNumbered("""{"op":"message","room":"lobby","data":"next"}""", seq: 9, "lobby", rseq: 58);
        await WaitForAsync(page, "harness.client.positions.some(p => p.room === 'lobby' && p.rseq === 58)");
    }

    [Fact]
    public async Task A_fresh_session_clears_the_positions_and_the_rejoined_room_starts_at_zero()
    {
        // The second connection's resume is refused; the third resumes the new session.
        Scripted.Welcome = c => !c.QueryValues.TryGetValue("resume", out var token) ? ScriptedPeer.WelcomeJson("s-1", "tok-1", resumed: false, cluster: true)
            : token == "tok-1" ? ScriptedPeer.WelcomeJson("s-2", "tok-2", resumed: false, resumeError: "unknown or expired token", cluster: true)
            : ScriptedPeer.WelcomeJson("s-2", "tok-3", resumed: true, lastSeq: 0, cluster: true);
        var page = await OpenHarnessAsync(throughCutter: true);
        await ConnectAsync(page, FastRetries);
        var first = await Scripted.NextConnectionAsync();
        await CallOkAsync(page, "join", "lobby");
        await CallOkAsync(page, "joinOrCreate", "arena");
        first.SendNumbered("""{"op":"message","room":"lobby","data":1}""", seq: 1, "lobby", rseq: 12);
        await WaitForAsync(page, "harness.of('message').length === 1");

        Fixture.Server.Cutter.CutAll();
        var second = await Scripted.NextConnectionAsync();
        Assert.Equal(["0:arena:arena-1", "12:chat:lobby"], second.QueryAll("pos"));
        await WaitForAsync(page, "harness.of('rejoined').length === 1 && harness.state === 'open' && harness.client.sessionId === 's-2'");
        Assert.Equal(["0:chat:lobby"], Positions(await PositionsAsync(page)));

        Fixture.Server.Cutter.CutAll();
        var third = await Scripted.NextConnectionAsync();
        Assert.Equal(("tok-2", "0"), (third.QueryValues["resume"], third.QueryValues["lastSeq"]));
        Assert.Equal(["0:chat:lobby"], third.QueryAll("pos"));
    }

    [Fact]
    public async Task Without_cluster_in_the_welcome_nothing_changes()
    {
        Scripted.Welcome = c => ScriptedPeer.WelcomeJson("s-1", $"tok-{c.Number}", resumed: c.QueryValues.ContainsKey("resume"), lastSeq: 0);
        var page = await OpenHarnessAsync(throughCutter: true);
        await ConnectAsync(page, FastRetries);
        var first = await Scripted.NextConnectionAsync();
        await CallOkAsync(page, "join", "lobby");
        first.SendNumbered("""{"op":"message","room":"lobby","data":1}""", seq: 1, "lobby", rseq: 12);
        first.SendBytes([0, 0, 0, 2, 0, 0, 0, 1, 5], System.Net.WebSockets.WebSocketMessageType.Binary);
        await WaitForAsync(page, "harness.of('binary').length === 1");
        var binary = (await EventsAsync(page, "binary"))[0];
        Assert.Equal(("[0,0,0,1,5]", 2, JsonValueKind.Null), (binary.GetProperty("data").GetRawText(), binary.GetProperty("seq").GetInt32(), binary.GetProperty("room").ValueKind));
        Assert.False(await page.EvaluateAsync<bool>("() => harness.client.cluster || harness.of('welcome')[0].cluster"));
        Assert.Empty(Positions(await PositionsAsync(page)));

        Fixture.Server.Cutter.CutAll();
        var second = await Scripted.NextConnectionAsync();
        Assert.Equal("2", second.QueryValues["lastSeq"]);
        Assert.Empty(second.QueryAll("pos"));
    }

    [Fact]
    public async Task A_reloaded_page_resumes_with_the_positions_it_stored()
    {
        Scripted.Welcome = ClusterWelcome;
        var persist = new { url = "/scripted", persistKey = "actorws-cluster-test", heartbeatInterval = 0, ackInterval = 0 };
        var page = await OpenHarnessAsync();
        await ConnectAsync(page, persist);
        var first = await Scripted.NextConnectionAsync();
        await CallOkAsync(page, "join", "lobby");
        first.SendNumbered("""{"op":"message","room":"lobby","data":1}""", seq: 1, "lobby", rseq: 57);
        await WaitForAsync(page, "harness.of('message').length === 1");

        await page.ReloadAsync();
        await page.WaitForFunctionAsync("() => window.harness !== undefined");
        var stored = JsonDocument.Parse(await page.EvaluateAsync<string>("() => sessionStorage.getItem('actorws-cluster-test')")).RootElement;
        Assert.True(stored.GetProperty("cluster").GetBoolean());
        Assert.Equal(["57:chat:lobby"], Positions(stored.GetProperty("positions")));

        await ConnectAsync(page, persist);
        var second = await Scripted.NextConnectionAsync();
        Assert.Equal(($"tok-{first.Number}", "1"), (second.QueryValues["resume"], second.QueryValues["lastSeq"]));
        Assert.Equal(["57:chat:lobby"], second.QueryAll("pos"));
        Assert.Equal(["57:chat:lobby"], Positions(await PositionsAsync(page)));
    }
}
