using ActorWs.Client.Tests.Infrastructure;
using Microsoft.Playwright;

namespace ActorWs.Browser.Tests.Infrastructure;

/// <summary>
/// One in-process ActorWs server (default routes, the <c>arena</c> test room type, the test pages at
/// <c>/test/</c>) and one headless Debian Chromium driven by Playwright, shared by the browser tests.
/// </summary>
/// <remarks>
/// Chromium is the system one (<c>/usr/bin/chromium</c>, or <c>ACTORWS_CHROMIUM</c>): Playwright's own browser
/// download is never used. Each run gets a fresh profile directory, deleted afterwards.
/// </remarks>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>The bound on every wait in a page.</summary>
    public const float PageTimeoutMs = 15_000;

    private static readonly string[] ChromiumFlags =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private string _profile = "";

    internal TestServer Server { get; private set; } = null!;
    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowserContext Browser { get; private set; } = null!;

    /// <summary>Where screenshots go: <c>artifacts/screenshots/</c> under the repository root (or under the test output when there is none).</summary>
    public static string ScreenshotDirectory { get; } = FindScreenshotDirectory();

    public static string ChromiumPath => Environment.GetEnvironmentVariable("ACTORWS_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public async Task InitializeAsync()
    {
        string pages = Path.Combine(AppContext.BaseDirectory, "pages");
        Server = await TestServer.StartAsync(configure: server => server.MapStaticFiles("/test/", pages));
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"Chromium is not installed at {ChromiumPath} (apt-get install -y chromium; .ci/apt-packages lists it).");
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        _profile = Directory.CreateTempSubdirectory("actorws-chromium-").FullName;
        Browser = await Playwright.Chromium.LaunchPersistentContextAsync(_profile, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumFlags,
            Timeout = 60_000,
            ViewportSize = new ViewportSize { Width = 1100, Height = 560 },
        });
        Directory.CreateDirectory(ScreenshotDirectory);
    }

    public async Task DisposeAsync()
    {
        await Browser.CloseAsync();
        Playwright.Dispose();
        await Server.DisposeAsync();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // Chromium may still be letting go of a file; the directory is a temporary one anyway.
        }
    }

    private static string FindScreenshotDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ActorWs.sln"))) return Path.Combine(dir.FullName, "artifacts", "screenshots");
        }
        return Path.Combine(AppContext.BaseDirectory, "screenshots");
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    /// <summary>One browser for all: the tests of this collection run one after another.</summary>
    public const string Name = "browser";
}
