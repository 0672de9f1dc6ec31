namespace ActorWs.Samples.Tests.Chat;

/// <summary>
/// A clock the test moves by hand, for what the chat room times (message stamps, the typing interval). Only the
/// room uses it: the server keeps its own clock.
/// </summary>
/// <remarks>Thread-safe (the room reads it on its actor's thread while the test advances it).</remarks>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
