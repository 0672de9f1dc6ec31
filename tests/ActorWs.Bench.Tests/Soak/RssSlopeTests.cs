using ActorWs.Bench.Soak;
using Xunit;

namespace ActorWs.Bench.Tests.Soak;

public class RssSlopeTests
{
    [Fact]
    public void A_straight_line_gives_its_slope_per_minute()
    {
        // 10 KiB more every 5 s: 120 KiB a minute.
        var points = Enumerable.Range(0, 12).Select(i => (i * 5.0, 1000.0 + (i * 10))).ToList();
        Assert.Equal(120, RssSlope.PerMinute(points)!.Value, 6);
    }

    [Fact]
    public void Noise_around_a_flat_line_fits_close_to_zero()
    {
        var points = Enumerable.Range(0, 60).Select(i => (i * 5.0, 50_000.0 + (i % 2 == 0 ? 300 : -300))).ToList();
        Assert.InRange(RssSlope.PerMinute(points)!.Value, -20, 20);
    }

    [Fact]
    public void Fewer_than_two_points_or_no_time_between_them_give_no_slope()
    {
        Assert.Null(RssSlope.PerMinute([]));
        Assert.Null(RssSlope.PerMinute([(1.0, 5.0)]));
        Assert.Null(RssSlope.PerMinute([(1.0, 5.0), (1.0, 7.0)]));
    }
}
