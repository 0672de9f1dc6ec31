using ActorWs.Client.Connection;
using FsCheck;
using FsCheck.Fluent;

namespace ActorWs.Client.Tests.Connection;

public class ReconnectPolicyTests
{
    private static readonly ReconnectPolicy Policy = new() { BaseDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(5) };

    [Theory]
    [InlineData(0, 100)]
    [InlineData(1, 200)]
    [InlineData(2, 400)]
    [InlineData(5, 3200)]
    [InlineData(6, 5000)]   // capped
    [InlineData(1000, 5000)]
    public void The_ceiling_doubles_per_attempt_up_to_the_cap(int attempt, int ceilingMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(ceilingMs), Policy.DelayFor(attempt, 1.0));

    [Fact]
    public void Full_jitter_spreads_the_wait_over_zero_to_the_ceiling()
    {
        Assert.Equal(TimeSpan.Zero, Policy.DelayFor(3, 0.0));
        Assert.Equal(TimeSpan.FromMilliseconds(400), Policy.DelayFor(3, 0.5));
    }

    [Fact]
    public void Every_delay_lies_within_zero_and_the_capped_ceiling() =>
        Prop.ForAll(
            Gen.Choose(0, 10_000).ToArbitrary(),
            Gen.Choose(0, 1_000_000).Select(x => x / 1_000_001.0).ToArbitrary(),
            (attempt, random) =>
            {
                var delay = Policy.DelayFor(attempt, random);
                double ceiling = Math.Min(Policy.MaxDelay.Ticks, Policy.BaseDelay.Ticks * Math.Pow(2, Math.Min(attempt, 62)));
                return delay >= TimeSpan.Zero && delay.Ticks <= ceiling;
            }).QuickCheckThrowOnFailure();
}
