namespace ActorWs.Client.Connection;

/// <summary>
/// How an <see cref="ActorWsClient"/> waits between reconnection attempts: exponential backoff with full
/// jitter, so that clients dropped together do not all come back in the same instant.
/// </summary>
/// <remarks>
/// Attempt <c>n</c> (from 0) waits a uniformly random time in <c>[0, min(MaxDelay, BaseDelay·2^n))</c>.
/// Immutable; safe to share.
/// </remarks>
public sealed record ReconnectPolicy
{
    /// <summary>Default <see cref="BaseDelay"/>.</summary>
    public static readonly TimeSpan DefaultBaseDelay = TimeSpan.FromMilliseconds(500);

    /// <summary>Default <see cref="MaxDelay"/>.</summary>
    public static readonly TimeSpan DefaultMaxDelay = TimeSpan.FromSeconds(30);

    /// <summary>The upper bound of the first wait; doubled for each attempt after it.</summary>
    public TimeSpan BaseDelay { get; init; } = DefaultBaseDelay;

    /// <summary>No wait is longer than this.</summary>
    public TimeSpan MaxDelay { get; init; } = DefaultMaxDelay;

    /// <summary>Attempts made before the client gives up and closes; <see cref="int.MaxValue"/> for no limit.</summary>
    public int MaxAttempts { get; init; } = int.MaxValue;

    /// <summary>The wait before attempt <paramref name="attempt"/> (0 for the first).</summary>
    /// <param name="attempt">Attempts already made since the connection dropped.</param>
    /// <param name="random">A uniformly random number in [0, 1).</param>
    public TimeSpan DelayFor(int attempt, double random)
    {
        // 2^attempt overflows nothing as a double; the cap makes the rest irrelevant.
        double ceilingTicks = Math.Min(MaxDelay.Ticks, BaseDelay.Ticks * Math.Pow(2, Math.Clamp(attempt, 0, 62)));
        return TimeSpan.FromTicks((long)(ceilingTicks * Math.Clamp(random, 0, 1)));
    }

    internal void Validate()
    {
        if (BaseDelay < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(BaseDelay), BaseDelay, "The base delay must not be negative.");
        if (MaxDelay < BaseDelay) throw new ArgumentOutOfRangeException(nameof(MaxDelay), MaxDelay, "The maximum delay must be at least the base delay.");
        if (MaxAttempts < 0) throw new ArgumentOutOfRangeException(nameof(MaxAttempts), MaxAttempts, "The number of attempts must not be negative.");
    }
}
