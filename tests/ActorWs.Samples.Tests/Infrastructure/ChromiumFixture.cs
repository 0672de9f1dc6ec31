using ActorWs.Browser.Tests.Infrastructure;

namespace ActorWs.Samples.Tests.Infrastructure;

/// <summary>One headless Chromium shared by all sample tests (they run one collection, one test at a time).</summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    /// <summary>The browser.</summary>
    public Chromium Chromium { get; private set; } = null!;

    /// <summary>Launches Chromium.</summary>
    public async Task InitializeAsync() => Chromium = await Chromium.LaunchAsync();

    /// <summary>Closes Chromium.</summary>
    public async Task DisposeAsync() => await Chromium.DisposeAsync();
}

/// <summary>The collection every sample browser test belongs to.</summary>
[CollectionDefinition(Name)]
public sealed class SamplesCollection : ICollectionFixture<ChromiumFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "samples";
}
