using System.Text.Json;
using ActorWs.Samples.Arena;
using ActorWs.Samples.Tests.Infrastructure;
using Microsoft.Playwright;
using static ActorWs.Samples.Tests.Arena.ArenaPage;

namespace ActorWs.Samples.Tests.Arena;

/// <summary>
/// The arena page's layout in headless Chromium at a common laptop size: the field takes the height the window has,
/// and a dot in a corner is drawn whole, its name in full, inside the canvas.
/// </summary>
[Collection(SamplesCollection.Name)]
public sealed class ArenaLayoutTests(ChromiumFixture fixture) : HostedPageTest(fixture.Chromium, ArenaApp.Build)
{
    private const int Width = 1280;
    private const int Height = 800;

    /// <summary>The page's own padding below the field, in CSS pixels: "within a few pixels of the bottom".</summary>
    private const double BottomSlack = 8.5;

    /// <summary>The longest name a player may have (16 characters), of the widest letter.</summary>
    private const string LongName = "WWWWWWWWWWWWWWWW";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private sealed record Box(double Left, double Top, double Right, double Bottom);

    private sealed record DrawnLabel(string Text, string Font, double Left, double Top, double Right, double Bottom);

    private sealed record DrawnDot(double X, double Y, double Radius);

    private sealed record DrawnPlayer(string Id, string Name, DrawnDot Dot, DrawnLabel Label);

    private sealed record View(double Width, double Height);

    [Fact]
    public async Task At_1280x800_the_field_reaches_the_bottom_and_a_dot_in_either_corner_is_drawn_whole_with_its_full_name()
    {
        var page = await OpenAsync(Sample.Http("/?name=" + LongName));
        await page.SetViewportSizeAsync(Width, Height);
        await WaitForAsync(page, Playing);

        // The field (the canvas) takes the height below the header, down to the page's small bottom padding; no scrolling.
        var field = JsonSerializer.Deserialize<Box>(await page.EvaluateAsync<string>(
            "() => JSON.stringify(document.querySelector('#field').getBoundingClientRect())"), Json)!;
        Assert.InRange(Height - field.Bottom, 0, BottomSlack);
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollHeight <= innerHeight"), "the page scrolls");
        await SnapAsync(page, "1280x800");

        string me = await MeAsync(page);
        await DriveToCornerAsync(page, me, -1, -1);
        await AssertDrawnWholeAsync(page, me);
        await SnapAsync(page, "top-left");

        await DriveToCornerAsync(page, me, 1, 1);
        await AssertDrawnWholeAsync(page, me);
        await SnapAsync(page, "bottom-right");
    }

    /// <summary>Steers the dot into a corner (as the keys would) until the server has it there, then stops it.</summary>
    private static async Task DriveToCornerAsync(IPage page, string me, int dx, int dy)
    {
        await SteerAsync(page, dx, dy);
        // The server keeps the dot wholly inside the field: its centre stops one radius from each edge.
        string x = dx < 0 ? "p.x <= 18.5" : "p.x >= 1200 - 18.5";
        string y = dy < 0 ? "p.y <= 18.5" : "p.y >= 700 - 18.5";
        await WaitForAsync(page, $"(() => {{ const p = arena.players().find(p => p.id === '{me}'); return p !== undefined && {x} && {y}; }})()");
        await SteerAsync(page, 0, 0);
    }

    private static async Task AssertDrawnWholeAsync(IPage page, string me)
    {
        // Drawn as it is now: the interpolated drawing (100 ms behind) has caught up with the server's position.
        await WaitForAsync(page, $$"""
            (() => {
              const p = arena.players().find(p => p.id === '{{me}}'), v = arena.view();
              const d = arena.drawn().find(d => d.id === '{{me}}');
              return d !== undefined && Math.abs(d.dot.x - (v.left + p.x * v.scale)) < 0.5 && Math.abs(d.dot.y - (v.top + p.y * v.scale)) < 0.5;
            })()
            """);
        var view = JsonSerializer.Deserialize<View>(await page.EvaluateAsync<string>("() => JSON.stringify(arena.view())"), Json)!;
        var drawn = JsonSerializer.Deserialize<DrawnPlayer[]>(await page.EvaluateAsync<string>("() => JSON.stringify(arena.drawn())"), Json)!
            .Single(d => d.Id == me);

        // The canvas is the element's size (CSS pixels): anything drawn outside it is cut off.
        var canvas = JsonSerializer.Deserialize<Box>(await page.EvaluateAsync<string>(
            "() => { const r = document.querySelector('#field').getBoundingClientRect(); return JSON.stringify({ left: 0, top: 0, right: r.width, bottom: r.height }); }"), Json)!;
        Assert.Equal(canvas.Right, view.Width, 0.5);
        Assert.Equal(canvas.Bottom, view.Height, 0.5);

        // The dot, with the ring around one's own, is wholly inside.
        Assert.InRange(drawn.Dot.X - drawn.Dot.Radius, 0, canvas.Right);
        Assert.InRange(drawn.Dot.X + drawn.Dot.Radius, 0, canvas.Right);
        Assert.InRange(drawn.Dot.Y - drawn.Dot.Radius, 0, canvas.Bottom);
        Assert.InRange(drawn.Dot.Y + drawn.Dot.Radius, 0, canvas.Bottom);

        // The name: all of it, as wide as the page's own text metrics measure it in the font it was drawn in, inside the canvas.
        Assert.Equal(LongName, drawn.Name);
        Assert.Equal(LongName, drawn.Label.Text);
        double measured = await page.EvaluateAsync<double>("""
            ([text, font]) => { const c = document.createElement('canvas').getContext('2d'); c.font = font; return c.measureText(text).width; }
            """, new[] { LongName, drawn.Label.Font });
        Assert.True(measured > 100, $"the name measures only {measured} px");
        Assert.Equal(measured, drawn.Label.Right - drawn.Label.Left, 0.5);
        Assert.InRange(drawn.Label.Left, 0, canvas.Right);
        Assert.InRange(drawn.Label.Right, 0, canvas.Right);
        Assert.InRange(drawn.Label.Top, 0, canvas.Bottom);
        Assert.InRange(drawn.Label.Bottom, 0, canvas.Bottom);
        // Next to its dot: it overlaps the dot horizontally, and is just above or below it.
        Assert.True(drawn.Label.Left <= drawn.Dot.X && drawn.Dot.X <= drawn.Label.Right, "the name is not over its dot");
        double gap = Math.Min(Math.Abs(drawn.Label.Bottom - (drawn.Dot.Y - drawn.Dot.Radius)), Math.Abs(drawn.Label.Top - (drawn.Dot.Y + drawn.Dot.Radius)));
        Assert.True(gap < 12, $"the name is {gap} px from its dot");
    }
}
