using ActorWs.Browser.Tests.Infrastructure;
using Microsoft.Extensions.Hosting;

namespace ActorWs.Samples.Tests.Infrastructure;

/// <summary>
/// A <see cref="PageTest"/> with a fresh sample host per test: started with the sample's own <c>Build(args)</c>
/// before the test, stopped after its pages have been screenshotted.
/// </summary>
public abstract class HostedPageTest(Chromium chromium, Func<string[], IHost> build, params string[] args) : PageTest(chromium)
{
    private SampleHost? _sample;

    /// <summary>The running sample.</summary>
    protected SampleHost Sample => _sample ?? throw new InvalidOperationException("The sample starts in InitializeAsync.");

    /// <summary>Starts the sample.</summary>
    public override async Task InitializeAsync() => _sample = await SampleHost.StartAsync(build, args);

    /// <summary>Screenshots and closes the pages, then stops the sample.</summary>
    public override async Task DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            if (_sample is not null) await _sample.DisposeAsync();
        }
    }
}
