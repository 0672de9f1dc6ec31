using ActorWs.Client.Tests.Infrastructure;
using Microsoft.Playwright;

namespace ActorWs.Browser.Tests.Infrastructure;

/// <summary>
/// One in-process ActorWs server (default routes, the <c>arena</c> test room type, the test pages at
/// <c>/test/</c>) and one headless Debian Chromium (see <see cref="Chromium"/>), shared by the browser tests.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>The bound on every wait in a page.</summary>
    public const float PageTimeoutMs = Chromium.PageTimeoutMs;

    private Chromium _chromium = null!;

    internal TestServer Server { get; private set; } = null!;
    public IBrowserContext Browser => _chromium.Browser;

    /// <summary>Where screenshots go.</summary>
    public static string ScreenshotDirectory => Chromium.ScreenshotDirectory;

    public async Task InitializeAsync()
    {
        string pages = Path.Combine(AppContext.BaseDirectory, "pages");
        Server = await TestServer.StartAsync(configure: server => server.MapStaticFiles("/test/", pages));
        _chromium = await Chromium.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        await _chromium.DisposeAsync();
        await Server.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    /// <summary>One browser for all: the tests of this collection run one after another.</summary>
    public const string Name = "browser";
}
