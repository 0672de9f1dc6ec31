using System.Runtime.CompilerServices;
using System.Text.Json;
using ActorWs.Samples.Chat;
using ActorWs.Samples.Tests.Infrastructure;
using Microsoft.Playwright;
using static ActorWs.Samples.Tests.Chat.ChatPage;

namespace ActorWs.Samples.Tests.Chat;

/// <summary>The chat page in headless Chromium against the sample: conversation, presence, typing, history, reconnection.</summary>
[Collection(SamplesCollection.Name)]
public sealed class ChatPageTests(ChromiumFixture fixture) : PageTest(fixture.Chromium)
{
    /// <summary>
    /// Ada (through the cutter) and Bob in #general; Bob says "before the cut", then Ada's connection is cut and new
    /// ones refused until the test lets them through: returns once Ada's page is reconnecting.
    /// </summary>
    private async Task<(IPage Ada, IPage Bob)> CutAdaAfterBobSpokeAsync(SampleHost sample, [CallerMemberName] string test = "")
    {
        var ada = await OpenChatAsync(sample.HttpThroughCutter("/"), "Ada", test: test);
        var bob = await OpenChatAsync(sample.Http("/"), "Bob", test: test);
        await WaitForAsync(ada, MembersAre("Ada", "Bob"));
        await TypeAndSendAsync(bob, "before the cut");
        await WaitForAsync(ada, Shows("before the cut"));

        sample.Cutter.RefuseNew = true;
        sample.Cutter.CutAll();
        await WaitForAsync(ada, "window.chat.state === 'reconnecting'");
        return (ada, bob);
    }

    /// <summary>Opens the page as <paramref name="name"/> and waits until it is in <paramref name="room"/>.</summary>
    private async Task<IPage> OpenChatAsync(string baseUrl, string name, string room = "general", [CallerMemberName] string test = "")
    {
        var page = await OpenAsync($"{baseUrl}?name={Uri.EscapeDataString(name)}&room={room}", test);
        await WaitForAsync(page, InRoom(room));
        return page;
    }

    [Fact]
    public async Task TwoPages_SeeEachOther_TalkBothWays_AndOneThatLeavesDisappears()
    {
        await using var sample = await SampleHost.StartAsync(ChatApp.Build);
        var ada = await OpenChatAsync(sample.Http("/"), "Ada");
        var bob = await OpenChatAsync(sample.Http("/"), "Bob");
        await WaitForAsync(ada, MembersAre("Ada", "Bob"));
        await WaitForAsync(bob, MembersAre("Ada", "Bob"));
        Assert.Equal(["Ada (you)", "Bob"], await ada.Locator("#members li").AllTextContentsAsync());
        Assert.Equal("open", await ada.TextContentAsync("#badge"));
        Assert.Equal("#general", await ada.TextContentAsync("#room-title"));

        await TypeAndSendAsync(ada, "Hello Bob");
        await WaitForAsync(bob, Shows("Hello Bob"));
        await bob.FillAsync("#text", "Hi Ada, how are you?");
        await bob.ClickAsync("#send");
        await WaitForAsync(ada, Shows("Hi Ada, how are you?"));
        await WaitForAsync(bob, Shows("Hi Ada, how are you?"));

        ShownMessage[] expected = [new(1, "Ada", "Hello Bob", false), new(2, "Bob", "Hi Ada, how are you?", false)];
        Assert.Equal(expected, await MessagesAsync(ada));
        Assert.Equal(expected, await MessagesAsync(bob));
        Assert.Equal(["Hello Bob", "Hi Ada, how are you?"], await bob.Locator("#messages li.msg .text").AllInnerTextsAsync());
        Assert.Equal("", await ada.InputValueAsync("#text"));
        await SnapAsync(ada, "conversation");

        await bob.ClickAsync("#leave");
        await WaitForAsync(ada, MembersAre("Ada"));
        Assert.Equal(["Ada (you)"], await ada.Locator("#members li").AllTextContentsAsync());
        await WaitForAsync(bob, "window.chat.rooms().some(r => r.name === 'general' && !r.joined)");
        Assert.True(await bob.IsVisibleAsync("#rejoin"));
    }

    [Fact]
    public async Task AFirstVisit_AsksForADisplayName_ChecksIt_AndAChangedNameRejoinsAsSomeoneNew()
    {
        await using var sample = await SampleHost.StartAsync(ChatApp.Build);
        var page = await OpenAsync(sample.Http("/?room=random"));
        // A port may have served an earlier test's page: start from a first visit for sure.
        await page.EvaluateAsync("() => { localStorage.clear(); sessionStorage.clear(); }");
        await page.ReloadAsync();
        await page.WaitForSelectorAsync("#name-dialog", new() { State = WaitForSelectorState.Visible });
        Assert.Equal("idle", await page.TextContentAsync("#badge"));

        await page.FillAsync("#name-input", "<script>");
        await page.PressAsync("#name-input", "Enter");
        Assert.Equal("display names may contain only letters, digits, spaces and - _ . '", await page.TextContentAsync("#name-error"));
        await SnapAsync(page, "name");

        await page.FillAsync("#name-input", "Zoë");
        await page.PressAsync("#name-input", "Enter");
        await WaitForAsync(page, $"{InRoom("random")} && {MembersAre("Zoë")}");
        Assert.False(await page.IsVisibleAsync("#name-dialog"));
        Assert.Equal("Zoë", await page.TextContentAsync("#me-name"));
        Assert.Equal("Zoë", await page.EvaluateAsync<string>("() => localStorage.getItem('chat.name')"));

        await using var watcher = await ChatBot.ConnectAsync(sample, "Watcher");
        await watcher.JoinAsync("random");
        await WaitForAsync(page, MembersAre("Zoë", "Watcher"));
        await page.ClickAsync("#rename");
        await page.FillAsync("#name-input", "Zoe B");
        await page.PressAsync("#name-input", "Enter");
        // A new name is a new session: the old one leaves, the new one joins the same rooms (two sessions: either may come first).
        var presence = new List<string>();
        while (presence.Count < 2)
        {
            var seen = await watcher.NextAsync("random", "left", _ => true, alsoKind: "joined");
            presence.Add($"{ChatBot.KindOf(seen)} {seen.GetProperty("name").GetString()}");
        }
        Assert.Equal(["joined Zoe B", "left Zoë"], presence.Order());
        await WaitForAsync(page, $"{InRoom("random")} && {MembersAre("Watcher", "Zoe B")}");
    }

    [Fact]
    public async Task Typing_ShowsOnTheOtherPage_AndGoesAway()
    {
        await using var sample = await SampleHost.StartAsync(ChatApp.Build);
        var ada = await OpenChatAsync(sample.Http("/"), "Ada");
        var bob = await OpenChatAsync(sample.Http("/"), "Bob");
        await WaitForAsync(bob, MembersAre("Ada", "Bob"));

        await ada.FillAsync("#text", "hel");
        await WaitForAsync(bob, "window.chat.typing().includes('Ada')");
        Assert.Equal("Ada is typing…", await bob.TextContentAsync("#typing"));
        Assert.Equal("", await ada.TextContentAsync("#typing"));
        await SnapAsync(bob, "typing");

        // Emptying the composer says "stopped".
        await ada.FillAsync("#text", "");
        await WaitForAsync(bob, "window.chat.typing().length === 0");
        Assert.Equal("", await bob.TextContentAsync("#typing"));

        // Sending the message ends it too.
        await ada.FillAsync("#text", "hello");
        await WaitForAsync(bob, "window.chat.typing().includes('Ada')");
        await ada.PressAsync("#text", "Enter");
        await WaitForAsync(bob, $"{Shows("hello")} && window.chat.typing().length === 0");

        // An indicator nobody refreshes (the typist's page went quiet) expires after 5 s on the page's clock.
        await bob.Clock.InstallAsync();
        await ada.FillAsync("#text", "still there?");
        await WaitForAsync(bob, "window.chat.typing().includes('Ada')");
        await bob.Clock.FastForwardAsync("00:04");
        Assert.Equal(["Ada"], await bob.EvaluateAsync<string[]>("() => window.chat.typing()"));
        await bob.Clock.FastForwardAsync("00:02");
        Assert.Empty(await bob.EvaluateAsync<string[]>("() => window.chat.typing()"));
        Assert.Equal("", await bob.TextContentAsync("#typing"));
    }

    [Fact]
    public async Task AMessageTheRoomRefuses_ShowsAsNotSent_WithTheRoomsReason_AndTheOneBeforeItGoesThrough()
    {
        // One message a second: of two sent at once, the room takes the first and refuses the second.
        await using var sample = await SampleHost.StartAsync(ChatApp.Build, "--chat:messages-per-second=1");
        var ada = await OpenChatAsync(sample.Http("/"), "Ada");
        // Into the composer and submitted without the input events that would send typing notices (they count too).
        await ada.EvaluateAsync("""
            () => {
              const text = document.querySelector("#text");
              for (const t of ["first", "second"]) { text.value = t; text.form.requestSubmit(); }
            }
            """);
        await WaitForAsync(ada, $"{Shows("first")} && window.chat.pending().length === 1 && window.chat.pending()[0].status === 'failed'");

        var refused = (await ada.EvaluateAsync<JsonElement>("() => window.chat.pending()"))[0];
        Assert.Equal(("general", "second", "rate limit exceeded"),
            (refused.GetProperty("room").GetString(), refused.GetProperty("text").GetString(), refused.GetProperty("reason").GetString()));
        Assert.Equal(["first"], await TextsAsync(ada));
        Assert.Contains("Not sent: rate limit exceeded.", await ada.TextContentAsync("#messages li.pending"));
        Assert.Equal("", await ada.TextContentAsync("#notice")); // the refusal answered its message, not as a stray error
        await SnapAsync(ada, "refused");

        // Once the room takes messages again (a second later), Retry sends it.
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        await ada.ClickAsync("#messages li.pending button:text('Retry')");
        await WaitForAsync(ada, $"{Shows("second")} && window.chat.pending().length === 0");
        Assert.Equal(["first", "second"], await TextsAsync(ada));
    }

    [Fact]
    public async Task APageJoiningAfter60Messages_ShowsExactlyTheLast50InOrder_MarkedAsHistory()
    {
        await using var sample = await SampleHost.StartAsync(ChatApp.Build, "--chat:messages-per-second=1000");
        await using (var bot = await ChatBot.ConnectAsync(sample, "Bot"))
        {
            await bot.JoinAsync("general");
            for (int i = 1; i < 60; i++) await bot.SayAsync("general", $"message {i}");
            await bot.SayAndEchoAsync("general", "message 60");
        }

        var carol = await OpenChatAsync(sample.Http("/"), "Carol");
        await WaitForAsync(carol, "window.chat.messages().length === 50");
        var shown = await MessagesAsync(carol);
        Assert.Equal(Enumerable.Range(11, 50).Select(i => new ShownMessage(i, "Bot", $"message {i}", true)), shown);
        Assert.Equal(50, await carol.Locator("#messages li.msg[data-history='true']").CountAsync());
        Assert.Equal(0, await carol.Locator("#messages li.msg[data-history='false']").CountAsync());
        Assert.StartsWith("Earlier messages", await carol.Locator("#messages li.divider").First.TextContentAsync());
        Assert.Equal("message 60", await carol.Locator("#messages li.msg .text").Last.TextContentAsync());
        await SnapAsync(carol, "history");

        // What comes after the join is live, below a divider.
        await using var dave = await ChatBot.ConnectAsync(sample, "Dave");
        await dave.JoinAsync("general");
        await dave.SayAsync("general", "live one");
        await WaitForAsync(carol, Shows("live one"));
        Assert.Equal(new ShownMessage(61, "Dave", "live one", false), (await MessagesAsync(carol))[^1]);
        Assert.Equal("Since you joined", await carol.Locator("#messages li.divider.live").TextContentAsync());
    }

    [Fact]
    public async Task APageWhoseConnectionIsCut_ShowsReconnecting_ThenResumesWithExactlyWhatWasSentMeanwhile()
    {
        await using var sample = await SampleHost.StartAsync(ChatApp.Build);
        var (ada, bob) = await CutAdaAfterBobSpokeAsync(sample);
        Assert.Equal("reconnecting…", await ada.TextContentAsync("#badge"));
        Assert.True(await ada.IsVisibleAsync("#banner"));

        string[] meanwhile = ["while you were away 1", "while you were away 2", "while you were away 3"];
        foreach (var text in meanwhile) await TypeAndSendAsync(bob, text);
        await WaitForAsync(bob, Shows(meanwhile[^1]));
        // Ada writes while disconnected: kept as pending, sent once the connection is back.
        await TypeAndSendAsync(ada, "written offline");
        Assert.Equal("written offline", await ada.EvaluateAsync<string>("() => window.chat.pending()[0].text"));
        Assert.Equal("reconnecting…", await ada.TextContentAsync("#badge"));
        Assert.Equal(["before the cut"], await TextsAsync(ada));
        await SnapAsync(ada, "reconnecting");

        sample.Cutter.RefuseNew = false;
        await WaitForAsync(ada, $"window.chat.state === 'open' && {Shows("written offline")} && window.chat.pending().length === 0");
        Assert.Equal("open", await ada.TextContentAsync("#badge"));
        Assert.False(await ada.IsVisibleAsync("#banner"));

        string[] expected = ["before the cut", .. meanwhile, "written offline"];
        var shown = await MessagesAsync(ada);
        Assert.Equal(expected, shown.Select(m => m.Text));
        Assert.Equal(Enumerable.Range(1, 5).Select(i => (long)i), shown.Select(m => m.Id));
        Assert.All(shown, m => Assert.False(m.History));
        Assert.Equal(expected, await ada.Locator("#messages li.msg .text").AllInnerTextsAsync());
        var stats = await StatsAsync(ada);
        Assert.Equal(1, stats.GetProperty("resumes").GetInt32());
        Assert.Equal(0, stats.GetProperty("sessionsLost").GetInt32());
        Assert.Equal(2, stats.GetProperty("connections").GetInt32());

        await WaitForAsync(bob, Shows("written offline"));
        Assert.Equal(expected, await TextsAsync(bob));
        // The room never saw Ada leave: she was within the reconnection window.
        Assert.Equal(["Ada", "Bob"], await bob.EvaluateAsync<string[]>("() => window.chat.members()"));
        await SnapAsync(ada, "resumed");
    }

    [Fact]
    public async Task AReloadedPage_ResumesItsSession_AndShowsItsRoomAgain_WithoutTheOthersSeeingItLeave()
    {
        await using var sample = await SampleHost.StartAsync(ChatApp.Build);
        var ada = await OpenChatAsync(sample.Http("/"), "Ada");
        await using var bob = await ChatBot.ConnectAsync(sample, "Bob");
        await bob.JoinAsync("general");
        await bob.SayAndEchoAsync("general", "before the reload");
        await WaitForAsync(ada, Shows("before the reload"));

        await ada.ReloadAsync();
        await WaitForAsync(ada, $"{InRoom()} && window.chat.stats().resumes === 1 && {Shows("before the reload")} && {MembersAre("Ada", "Bob")}");
        Assert.Equal(0, (await StatsAsync(ada)).GetProperty("sessionsLost").GetInt32());
        await bob.SayAsync("general", "after the reload");
        await WaitForAsync(ada, Shows("after the reload"));
        // The reloaded page knows the earlier message from the room's snapshot, the later one live.
        Assert.Equal([new ShownMessage(1, "Bob", "before the reload", true), new ShownMessage(2, "Bob", "after the reload", false)], await MessagesAsync(ada));

        // Bob's room saw no leave and no second join: the next presence news it gets is Carol's.
        await using var carol = await ChatBot.ConnectAsync(sample, "Carol");
        await carol.JoinAsync("general");
        var next = await bob.NextAsync("general", "joined", _ => true, alsoKind: "left");
        Assert.Equal("joined Carol", $"{ChatBot.KindOf(next)} {next.GetProperty("name").GetString()}");
    }

    [Fact]
    public async Task APageAwayLongerThanTheWindow_RejoinsAndShowsWhatItMissed_WithoutDuplicates()
    {
        await using var sample = await SampleHost.StartAsync(ChatApp.Build, "--server:rooms:reconnection-window=1s", "--chat:reconnection-window=1s");
        var (ada, bob) = await CutAdaAfterBobSpokeAsync(sample);
        // Past the window the session ends and the room says Ada left.
        await WaitForAsync(bob, MembersAre("Bob"));
        await TypeAndSendAsync(bob, "after Ada's session ended");
        await WaitForAsync(bob, Shows("after Ada's session ended"));

        sample.Cutter.RefuseNew = false;
        await WaitForAsync(ada, $"window.chat.state === 'open' && window.chat.stats().sessionsLost === 1 && {Shows("after Ada's session ended")}");
        await WaitForAsync(ada, MembersAre("Bob", "Ada"));
        await WaitForAsync(bob, MembersAre("Bob", "Ada"));

        // The snapshot the room sent on the new join repeated "before the cut": it is shown once.
        Assert.Equal([new ShownMessage(1, "Bob", "before the cut", false), new ShownMessage(2, "Bob", "after Ada's session ended", true)], await MessagesAsync(ada));
        Assert.Equal(["before the cut", "after Ada's session ended"], await ada.Locator("#messages li.msg .text").AllInnerTextsAsync());
        Assert.Equal(["Sent while you were disconnected"], await ada.Locator("#messages li.divider").AllTextContentsAsync());
        await SnapAsync(ada, "rejoined");
    }
}
