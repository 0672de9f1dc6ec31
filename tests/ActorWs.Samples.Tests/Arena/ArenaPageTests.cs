using ActorWs.Samples.Arena;
using ActorWs.Samples.Tests.Infrastructure;
using Microsoft.Playwright;
using static ActorWs.Samples.Tests.Arena.ArenaPage;

namespace ActorWs.Samples.Tests.Arena;

/// <summary>The arena in headless Chromium: pages that play together, reload, lose their connection and leave.</summary>
[Collection(SamplesCollection.Name)]
public sealed class ArenaPageTests(ChromiumFixture fixture) : HostedPageTest(fixture.Chromium, ArenaApp.Build)
{
    /// <summary>How far a dot must move (world units) to count as moved: well past rounding, well within 1 s of steering.</summary>
    private const double Moved = 60;


    private async Task<IPage> OpenArenaAsync(bool throughCutter = false, [System.Runtime.CompilerServices.CallerMemberName] string test = "")
    {
        var page = await OpenAsync(throughCutter ? Sample.HttpThroughCutter("/") : Sample.Http("/"), test);
        await WaitForAsync(page, Playing);
        return page;
    }

    /// <summary><paramref name="mover"/> steers its dot away and back to rest; <paramref name="watcher"/> must see it move.</summary>
    private static async Task WatchMoveAsync(IPage mover, IPage watcher)
    {
        string id = await MeAsync(mover);
        await WaitForAsync(watcher, $"arena.players().some(p => p.id === '{id}')");
        var before = await PlayerAsync(watcher, id);
        await SteerAsync(mover, TowardsCentre(before), 0);
        await WaitForAsync(watcher, MovedAway(id, before.X, before.Y, Moved));
        await SteerAsync(mover, 0, 0);
    }

    [Fact]
    public async Task Two_pages_join_the_same_arena_and_each_sees_the_other_move()
    {
        var ann = await OpenArenaAsync();
        var bob = await OpenArenaAsync();
        string annId = await MeAsync(ann), bobId = await MeAsync(bob);
        Assert.NotEqual(annId, bobId);
        Assert.Equal(await RoomAsync(ann), await RoomAsync(bob));
        Assert.StartsWith("arena-", await RoomAsync(ann));

        await WatchMoveAsync(ann, bob);

        // Bob plays with the keyboard: an arrow key held down, then released.
        await WaitForAsync(ann, $"arena.players().some(p => p.id === '{bobId}')");
        var bobBefore = await PlayerAsync(ann, bobId);
        string key = TowardsCentre(bobBefore) > 0 ? "ArrowRight" : "ArrowLeft";
        await bob.Keyboard.DownAsync(key);
        await WaitForAsync(ann, MovedAway(bobId, bobBefore.X, bobBefore.Y, Moved));
        await bob.Keyboard.UpAsync(key);
        Assert.Equal(bobBefore.Y, (await PlayerAsync(ann, bobId)).Y);

        // Both see the same two players, each in its own colour, and the page shows them.
        var seenByAnn = await PlayersAsync(ann);
        Assert.Equal([annId, bobId], seenByAnn.Select(p => p.Id).Order());
        Assert.Equal(2, seenByAnn.Select(p => p.Color).Distinct().Count());
        Assert.Equal("2 / 8", await bob.TextContentAsync("#count"));
        Assert.Equal("open", await ann.TextContentAsync("#connection"));
        Assert.Equal(2, await ann.Locator("#scores li").CountAsync());

        // The canvas draws bob's dot (once it is at rest, interpolation has caught up) in bob's colour, where bob is.
        var bobAsSeen = await PlayerAsync(ann, bobId);
        await WaitForAsync(ann, $$"""
            (() => {
              const c = document.querySelector('#field'), v = arena.view();
              const p = arena.players().find(p => p.id === '{{bobId}}');
              const [x, y] = [(v.left + p.x * v.scale) * v.dpr, (v.top + p.y * v.scale) * v.dpr].map(Math.round);
              const [r, g, b] = c.getContext('2d').getImageData(x, y, 1, 1).data;
              const hex = '#' + [r, g, b].map(v => v.toString(16).padStart(2, '0')).join('');
              return hex === p.color;
            })()
            """);
        Assert.Equal(0, await ann.EvaluateAsync<int>("() => arena.badFrames"));
    }

    [Fact]
    public async Task Reloading_a_page_resumes_the_same_player_and_the_others_never_see_it_leave()
    {
        var ann = await OpenArenaAsync();
        var bob = await OpenArenaAsync();
        string annId = await MeAsync(ann), room = await RoomAsync(ann);
        await WaitForAsync(bob, $"arena.players().some(p => p.id === '{annId}')");
        Assert.False(await ann.EvaluateAsync<bool>("() => arena.resumed"));

        await ann.ReloadAsync();
        await WaitForAsync(ann, Playing);

        Assert.True(await ann.EvaluateAsync<bool>("() => arena.resumed"));
        Assert.Equal(annId, await MeAsync(ann));
        Assert.Equal(room, await RoomAsync(ann));
        Assert.Equal(2, (await PlayersAsync(ann)).Length);  // the resumed page knows everyone again (roster and keyframe)
        Assert.DoesNotContain(annId, await DepartedAsync(bob));
        Assert.Contains(annId, (await PlayersAsync(bob)).Select(p => p.Id));

        // The same dot is still ann's to steer.
        await WatchMoveAsync(ann, bob);
        Assert.DoesNotContain(annId, await DepartedAsync(bob));
    }

    [Fact]
    public async Task A_cut_connection_shows_reconnecting_then_resumes_the_same_player()
    {
        var ann = await OpenArenaAsync(throughCutter: true);
        var bob = await OpenArenaAsync();
        string annId = await MeAsync(ann), bobId = await MeAsync(bob);
        await WaitForAsync(ann, $"arena.players().some(p => p.id === '{bobId}')");
        var bobBefore = await PlayerAsync(ann, bobId);

        var cutter = Sample.Cutter;
        cutter.RefuseNew = true;
        try
        {
            cutter.CutAll();
            await WaitForAsync(ann, "arena.connection === 'reconnecting'");
            Assert.Equal("reconnecting…", await ann.TextContentAsync("#connection"));
            Assert.Equal("reconnecting", await ann.GetAttributeAsync("#connection", "data-state"));
            await ActorWs.Browser.Tests.Infrastructure.Chromium.ScreenshotAsync(ann, "samples/ArenaPageTests.reconnecting");
            // Bob moves while ann is away.
            await SteerAsync(bob, TowardsCentre(bobBefore), 0);
            await WaitForAsync(bob, MovedAway(bobId, bobBefore.X, bobBefore.Y, Moved));
            await SteerAsync(bob, 0, 0);
        }
        finally
        {
            cutter.RefuseNew = false;
        }

        await WaitForAsync(ann, "arena.connection === 'open'");
        await WaitForAsync(ann, MovedAway(bobId, bobBefore.X, bobBefore.Y, Moved));
        Assert.Equal(annId, await MeAsync(ann));
        Assert.Equal("open", await ann.TextContentAsync("#connection"));
        Assert.DoesNotContain(annId, await DepartedAsync(bob));
        await WatchMoveAsync(ann, bob);
    }

    [Fact]
    public async Task A_refused_name_is_shown_on_the_page()
    {
        var page = await OpenAsync(Sample.Http("/?name=%3Cscript%3E"));
        await WaitForAsync(page, "document.querySelector('#message').textContent !== ''");
        Assert.Equal("Could not join an arena: name must be 1–16 letters, digits, spaces, '-' or '_'", await page.TextContentAsync("#message"));
        Assert.Equal("Could not join an arena", await page.TextContentAsync("#overlay"));
        Assert.Null(await page.EvaluateAsync<string?>("() => arena.room"));
    }

    [Fact]
    public async Task Leaving_ends_the_player_and_the_others_see_it_go()
    {
        var ann = await OpenArenaAsync();
        var bob = await OpenArenaAsync();
        string annId = await MeAsync(ann);
        await WaitForAsync(bob, $"arena.players().some(p => p.id === '{annId}')");

        await ann.ClickAsync("#leave");

        await WaitForAsync(bob, $"arena.departed().includes('{annId}') && !arena.players().some(p => p.id === '{annId}')");
        Assert.Equal("1 / 8", await bob.TextContentAsync("#count"));
        await WaitForAsync(ann, "arena.connection === 'closed'");
        Assert.Equal("Play again", await ann.TextContentAsync("#leave"));
    }
}
