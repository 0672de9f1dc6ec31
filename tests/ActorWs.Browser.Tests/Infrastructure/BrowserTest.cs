using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Playwright;

namespace ActorWs.Browser.Tests.Infrastructure;

/// <summary>
/// Base of the browser tests: opens pages of the test harness, drives <c>window.harness</c>, and screenshots
/// every page it opened when the test ends (passed or failed) into <see cref="BrowserFixture.ScreenshotDirectory"/>.
/// </summary>
[Collection(BrowserCollection.Name)]
public abstract class BrowserTest(BrowserFixture fixture) : IAsyncLifetime
{
    private readonly List<(IPage Page, string Name)> _pages = [];

    protected BrowserFixture Fixture { get; } = fixture;

    /// <summary>Opens <paramref name="url"/> and waits until the harness module has loaded.</summary>
    protected async Task<IPage> OpenAsync(string url, [CallerMemberName] string test = "")
    {
        var page = await Fixture.Browser.NewPageAsync();
        page.SetDefaultTimeout(BrowserFixture.PageTimeoutMs);
        _pages.Add((page, $"{GetType().Name}.{test}-{_pages.Count + 1}"));
        await page.GotoAsync(url);
        return page;
    }

    /// <summary>Opens the harness page (straight to the server, or through the cutter) and waits for it to load.</summary>
    protected async Task<IPage> OpenHarnessAsync(bool throughCutter = false, [CallerMemberName] string test = "")
    {
        var server = Fixture.Server;
        var page = await OpenAsync(throughCutter ? server.HttpThroughCutter("/test/") : server.Http("/test/"), test);
        await page.WaitForFunctionAsync("() => window.harness !== undefined");
        return page;
    }

    /// <summary>Connects the page's client with <paramref name="options"/>; returns its session id.</summary>
    protected static async Task<string> ConnectAsync(IPage page, object? options = null) =>
        await page.EvaluateAsync<string>("options => harness.connect(options)", options ?? new { });

    /// <summary>Calls a client method in the page; returns <c>{ok: …}</c> or <c>{error: {failure, reason, …}}</c>.</summary>
    protected static async Task<JsonElement> CallAsync(IPage page, string method, params object?[] args) =>
        await page.EvaluateAsync<JsonElement>("([method, args]) => harness.call(method, args)", new object[] { method, args });

    /// <summary>Like <see cref="CallAsync"/>, asserting success; returns the result.</summary>
    protected static async Task<JsonElement> CallOkAsync(IPage page, string method, params object?[] args)
    {
        var result = await CallAsync(page, method, args);
        Assert.True(result.TryGetProperty("ok", out var ok), $"{method} failed: {result}");
        return ok;
    }

    /// <summary>A room name no other test uses (the server is shared, and closed pages' sessions outlive them for the reconnection window).</summary>
    protected static string NewRoom(string prefix = "lobby") => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    /// <summary>Waits (bounded) until <paramref name="condition"/>, a JavaScript expression, holds in the page.</summary>
    protected static Task WaitForAsync(IPage page, string condition) => page.WaitForFunctionAsync($"() => {condition}");

    /// <summary>The events of one type the page recorded.</summary>
    protected static async Task<JsonElement> EventsAsync(IPage page, string type) =>
        await page.EvaluateAsync<JsonElement>("type => harness.of(type)", type);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        try
        {
            foreach (var (page, name) in _pages)
            {
                try
                {
                    await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, name + ".png"), FullPage = true });
                }
                finally
                {
                    await page.CloseAsync();
                }
            }
        }
        finally
        {
            // A frozen or refusing cutter must not outlive its test: Chromium keeps idle HTTP connections to reuse.
            Fixture.Server.Cutter.RefuseNew = false;
            Fixture.Server.Cutter.CutAll();
        }
    }
}
