using ActorWs.Samples.Embedded;
using ActorWs.Samples.Tests.Infrastructure;

namespace ActorWs.Samples.Tests.Embedded;

/// <summary>The embedded sample's page, served by the sample, shows the announcements its background service makes.</summary>
[Collection(SamplesCollection.Name)]
public sealed class ClockPageTests(ChromiumFixture fixture) : PageTest(fixture.Chromium)
{
    [Fact]
    public async Task ThePage_ShowsTheClockTicking_AndComesBackAfterTheConnectionIsCut()
    {
        await using var sample = await SampleHost.StartAsync(EmbeddedApp.Build, "--clock:interval=100ms");
        var page = await OpenAsync(sample.HttpThroughCutter("/"));

        await WaitForAsync(page, "window.clock.state === 'open' && window.clock.received >= 2");
        Assert.Equal("open", await page.TextContentAsync("#badge"));
        string first = await page.EvaluateAsync<string>("() => window.clock.last");
        await WaitForAsync(page, $"window.clock.last > '{first}'");
        Assert.NotEqual("--:--:--", await page.TextContentAsync("#time"));
        await SnapAsync(page, "ticking");

        sample.Cutter.RefuseNew = true;
        sample.Cutter.CutAll();
        await WaitForAsync(page, "window.clock.state === 'reconnecting'");
        Assert.Equal("reconnecting…", await page.TextContentAsync("#badge"));
        await SnapAsync(page, "reconnecting");
        int before = await page.EvaluateAsync<int>("() => window.clock.received");

        sample.Cutter.RefuseNew = false;
        await WaitForAsync(page, $"window.clock.state === 'open' && window.clock.received > {before}");
    }
}
