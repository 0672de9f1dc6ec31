using ActorWs.Client.Protocol;
using FsCheck;
using FsCheck.Fluent;

namespace ActorWs.Client.Tests.Protocol;

public class SequenceTrackerTests
{
    [Fact]
    public void Accepts_each_number_once_and_nothing_at_or_below_the_last()
    {
        var tracker = new SequenceTracker();
        Assert.True(tracker.TryAccept(1));
        Assert.True(tracker.TryAccept(2));
        Assert.False(tracker.TryAccept(2));
        Assert.False(tracker.TryAccept(1));
        Assert.True(tracker.TryAccept(5)); // a gap is accepted: the server decides what exists
        Assert.False(tracker.TryAccept(4));
        Assert.Equal(5, tracker.Last);
    }

    [Fact]
    public void Reset_starts_a_new_numbering()
    {
        var tracker = new SequenceTracker(41);
        Assert.False(tracker.TryAccept(3));
        tracker.Reset();
        Assert.True(tracker.TryAccept(1));
        Assert.Equal(1, tracker.Last);
    }

    [Theory]
    [InlineData(0L, 1u, 1L)]
    [InlineData(5L, 3u, 3L)]
    [InlineData(0xFFFF_FFFEL, 1u, 0x1_0000_0001L)]          // crossing 2^32
    [InlineData(0x1_0000_0001L, 0xFFFF_FFFEu, 0xFFFF_FFFEL)] // an old one just before the crossing
    public void Unwrap_widens_the_low_32_bits_to_the_number_nearest_the_last(long last, uint low, long expected) =>
        Assert.Equal(expected, new SequenceTracker(last).Unwrap(low));

    [Fact]
    public void Unwrap_recovers_every_number_within_half_the_window_of_the_last() =>
        Prop.ForAll(
            Gen.Choose(0, int.MaxValue).Select(x => (long)x * 7).ToArbitrary(),
            Gen.Choose(-1_000_000, int.MaxValue).ToArbitrary(),
            (last, delta) =>
            {
                long seq = last + delta;
                return seq < 0 || new SequenceTracker(last).Unwrap((uint)seq) == seq;
            }).QuickCheckThrowOnFailure();

    [Fact]
    public void A_stream_with_replays_delivers_each_number_once_in_order() =>
        Prop.ForAll<int[]>(steps =>
        {
            // Any sequence of numbers (overlapping replays, repeats): what is accepted is strictly increasing.
            var tracker = new SequenceTracker();
            var accepted = new List<long>();
            foreach (int step in steps)
                if (tracker.TryAccept(Math.Abs((long)step))) accepted.Add(Math.Abs((long)step));
            return accepted.Zip(accepted.Skip(1)).All(p => p.First < p.Second);
        }).QuickCheckThrowOnFailure();
}
