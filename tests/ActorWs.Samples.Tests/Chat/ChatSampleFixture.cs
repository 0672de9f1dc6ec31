using ActorWs.Samples.Chat;
using ActorWs.Samples.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace ActorWs.Samples.Tests.Chat;

/// <summary>
/// One chat sample shared by the room tests of a class (each test uses rooms of its own), with the room's clock in
/// the test's hands and a rate limit high enough to fill a room's history quickly.
/// </summary>
public sealed class ChatSampleFixture : IAsyncLifetime
{
    /// <summary>When the room's clock starts: 2025-01-01T00:00:00Z.</summary>
    public static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The room's clock (stamps, the typing interval), moved by the test; the server keeps its own clock.</summary>
    internal FakeTimeProvider Clock { get; } = new(Start);

    internal SampleHost Sample { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Sample = await SampleHost.StartAsync(args => ChatApp.Build(args, Clock), "--chat:messages-per-second=1000", "--chat:bytes-per-second=64MiB");

    public async Task DisposeAsync() => await Sample.DisposeAsync();
}
