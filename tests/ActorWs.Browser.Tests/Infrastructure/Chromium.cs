using Microsoft.Playwright;

namespace ActorWs.Browser.Tests.Infrastructure;

/// <summary>
/// Launches Debian's headless Chromium through Playwright for the browser suites (this project's and the samples').
/// </summary>
/// <remarks>
/// Chromium is the system one (<c>/usr/bin/chromium</c>, or <c>ACTORWS_CHROMIUM</c>): Playwright's own browser
/// download is never used, since the machine has no internet. Each launch gets a fresh profile directory,
/// deleted by <see cref="DisposeAsync"/>. Not thread-safe to dispose twice.
/// </remarks>
public sealed class Chromium : IAsyncDisposable
{
    /// <summary>The bound on every wait in a page.</summary>
    public const float PageTimeoutMs = 15_000;

    private static readonly string[] Flags =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private readonly IPlaywright _playwright;
    private readonly string _profile;

    private Chromium(IPlaywright playwright, IBrowserContext browser, string profile)
    {
        _playwright = playwright;
        Browser = browser;
        _profile = profile;
    }

    /// <summary>The browser (a persistent context: one profile, many pages).</summary>
    public IBrowserContext Browser { get; }

    /// <summary>Where the Chromium executable is expected.</summary>
    public static string ExecutablePath => Environment.GetEnvironmentVariable("ACTORWS_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>Where screenshots go: <c>artifacts/screenshots/</c> under the repository root (or under the test output when there is none).</summary>
    public static string ScreenshotDirectory { get; } = FindScreenshotDirectory();

    /// <summary>What a browser test fails with when there is no Chromium at <paramref name="path"/> (README quotes it).</summary>
    public static string NotInstalled(string path) => $"Chromium is not installed at {path} (apt-get install -y chromium; .ci/apt-packages lists it).";

    /// <summary>Starts headless Chromium with a fresh profile.</summary>
    /// <exception cref="InvalidOperationException">Chromium is not installed.</exception>
    public static async Task<Chromium> LaunchAsync()
    {
        if (!File.Exists(ExecutablePath))
            throw new InvalidOperationException(NotInstalled(ExecutablePath));
        var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        string profile = Directory.CreateTempSubdirectory("actorws-chromium-").FullName;
        var browser = await playwright.Chromium.LaunchPersistentContextAsync(profile, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = Flags,
            Timeout = 60_000,
            ViewportSize = new ViewportSize { Width = 1100, Height = 560 },
        });
        Directory.CreateDirectory(ScreenshotDirectory);
        return new Chromium(playwright, browser, profile);
    }

    /// <summary>Opens a new page with the bounded default timeout.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var page = await Browser.NewPageAsync();
        page.SetDefaultTimeout(PageTimeoutMs);
        return page;
    }

    /// <summary>Saves a full-page screenshot of <paramref name="page"/> as <c>{name}.png</c> in <see cref="ScreenshotDirectory"/>.</summary>
    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = true });

    /// <summary>Closes the browser and deletes its profile.</summary>
    public async ValueTask DisposeAsync()
    {
        await Browser.CloseAsync();
        _playwright.Dispose();
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
