using Microsoft.Extensions.Logging;

namespace ActorWs.Actors.TestKit;

/// <summary>How a <see cref="TestKit"/> sets up its actor system and how long expectations wait.</summary>
/// <remarks>Immutable; thread-safe.</remarks>
public sealed record TestKitSettings
{
    /// <summary>The defaults: fake time, 5 s expectation timeout, debug-level log capture.</summary>
    public static TestKitSettings Default { get; } = new();

    /// <summary>
    /// Whether the system runs on the kit's <see cref="TestTimeProvider"/> (the default) instead of
    /// the real clock. Expectations always wait in real time.
    /// </summary>
    public bool UseFakeTime { get; init; } = true;

    /// <summary>Real-time limit of expectations that are not given one.</summary>
    public TimeSpan DefaultTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long <c>ExpectNoMsg()</c> listens when not given a duration.</summary>
    public TimeSpan DefaultNoMessageWait { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>With fake time, the longest real wait of <c>ExpectNoMsg</c> whatever duration it is given.</summary>
    public TimeSpan NoMessageWaitWithFakeTime { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long <see cref="TestKit.Dispose()"/> waits (real time) for the system to terminate.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Log entries below this level are not captured.</summary>
    public LogLevel MinimumLogLevel { get; init; } = LogLevel.Debug;

    /// <summary>Base settings for the system under test; the kit replaces its clock and logger factory.</summary>
    public ActorSystemSettings? SystemSettings { get; init; }
}
