using System.Runtime.CompilerServices;
using ActorWs.Browser.Tests.Infrastructure;
using Microsoft.Playwright;

namespace ActorWs.Samples.Tests.Infrastructure;

/// <summary>
/// Base of a sample's browser tests: opens pages in the shared Chromium and, when the test ends (passed or
/// failed), saves a screenshot of every page it opened to <c>artifacts/screenshots/samples/</c>.
/// </summary>
public abstract class PageTest(Chromium chromium) : IAsyncLifetime
{
    private readonly List<(IPage Page, string Name)> _pages = [];

    /// <summary>The shared browser.</summary>
    protected Chromium Chromium { get; } = chromium;

    /// <summary>Opens <paramref name="url"/> in a new page (named after the test for its screenshot).</summary>
    protected async Task<IPage> OpenAsync(string url, [CallerMemberName] string test = "")
    {
        var page = await Chromium.NewPageAsync();
        _pages.Add((page, $"samples/{GetType().Name}.{test}-{_pages.Count + 1}"));
        await page.GotoAsync(url);
        return page;
    }

    /// <summary>
    /// Saves a screenshot of <paramref name="page"/> now, as <c>{test}-{label}.png</c> (the automatic one at the end of
    /// the test may show the page after its server has stopped).
    /// </summary>
    protected Task SnapAsync(IPage page, string label, [CallerMemberName] string test = "")
    {
        Directory.CreateDirectory(Path.Combine(Chromium.ScreenshotDirectory, "samples"));
        return Chromium.ScreenshotAsync(page, $"samples/{GetType().Name}.{test}-{label}");
    }

    /// <summary>Waits (bounded) until <paramref name="condition"/>, a JavaScript expression, holds in the page.</summary>
    protected static Task WaitForAsync(IPage page, string condition) => page.WaitForFunctionAsync($"() => {condition}");

    /// <summary>Nothing to prepare.</summary>
    public virtual Task InitializeAsync() => Task.CompletedTask;

    /// <summary>Screenshots and closes every page the test opened.</summary>
    public virtual async Task DisposeAsync()
    {
        Directory.CreateDirectory(Path.Combine(Chromium.ScreenshotDirectory, "samples"));
        foreach (var (page, name) in _pages)
        {
            try
            {
                await Chromium.ScreenshotAsync(page, name);
            }
            finally
            {
                await page.CloseAsync();
            }
        }
    }
}
