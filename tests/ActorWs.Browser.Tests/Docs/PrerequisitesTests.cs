using ActorWs.Browser.Tests.Infrastructure;

namespace ActorWs.Browser.Tests.Docs;

/// <summary>README's prerequisites say what happens without Chromium in the words these tests use (no browser is started).</summary>
public sealed class PrerequisitesTests
{
    [Fact]
    public void TheReadme_QuotesWhatABrowserTestFailsWith_WithoutChromium_AndNamesTheVariableThatPointsAtOne()
    {
        string? root = null;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null && root is null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ActorWs.sln"))) root = dir.FullName;
        }
        Assert.NotNull(root);
        // README wraps its lines: compare with the whitespace folded.
        string readme = string.Join(' ', File.ReadAllText(Path.Combine(root, "README.md")).Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries));

        string message = Chromium.NotInstalled("/usr/bin/chromium");
        Assert.Contains("`" + message.TrimEnd('.') + "`", readme, StringComparison.Ordinal);
        Assert.Contains("`ACTORWS_CHROMIUM`", readme, StringComparison.Ordinal);
    }
}
