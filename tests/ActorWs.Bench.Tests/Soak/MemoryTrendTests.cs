using ActorWs.Bench.Soak;
using Xunit;

namespace ActorWs.Bench.Tests.Soak;

/// <summary>
/// The flat-memory verdict on synthetic series shaped like the soak's RSS: a base, a collector's sawtooth (4 MiB over
/// seven samples), uniform noise of ±8 MiB from a fixed seed, and whatever the test adds. Values in KiB, as the soak samples them.
/// </summary>
public class MemoryTrendTests
{
    private const double Limit = 1024; // KiB/min, the soak's default

    /// <summary>
    /// The RSS (KiB) of the 5-minute run of 2026-12-06 (2,000 connections, seed 7) after its 60 s warm-up, every 5 s: it moved
    /// between 120 and 142 MiB without a trend a reader could see, and the least-squares slope, 1.5 MiB/min, failed it.
    /// </summary>
    private static readonly double[] FiveMinuteRun =
    [
        132500, 128212, 137040, 130776, 130152, 132356, 123372, 131468, 124664, 137380, 130848, 130312, 128704, 139824, 129960,
        129896, 127256, 129076, 131848, 133480, 131084, 136668, 133752, 129448, 129688, 135812, 129868, 137400, 141072, 131068,
        133564, 137452, 136964, 128700, 127452, 134800, 126676, 129756, 136860, 139524, 141268, 132948, 142328, 135480, 129772,
        131232, 140804, 141200, 131324,
    ];

    /// <summary>Samples every <paramref name="every"/> s from the warm-up's end to the run's.</summary>
    private static List<(double Seconds, double Value)> Series(
        double warmupSeconds, double endSeconds, double every, double baseMib, double leakMibPerMinute = 0, double noiseMib = 8, int seed = 1,
        Func<double, double>? extraMib = null)
    {
        var random = new Random(seed);
        var points = new List<(double, double)>();
        var i = 0;
        for (var t = warmupSeconds; t <= endSeconds + 1e-9; t = warmupSeconds + (++i * every))
        {
            var mib = baseMib + ((t - warmupSeconds) / 60 * leakMibPerMinute) + ((random.NextDouble() * 2) - 1) * noiseMib + (i % 7 / 7.0 * 4) + (extraMib?.Invoke(t) ?? 0);
            points.Add((t, mib * 1024));
        }

        return points;
    }

    private static List<(double, double)> Hour(double leakMibPerMinute = 0, Func<double, double>? extraMib = null) =>
        Series(300, 3600, 5, 200, leakMibPerMinute, extraMib: extraMib);

    [Fact]
    public void The_five_minute_run_that_failed_the_least_squares_check_is_flat_within_its_noise()
    {
        var points = FiveMinuteRun.Select((kib, i) => (60.0 + (5 * i), kib)).ToList();

        var trend = MemoryTrend.Analyze(points, Limit);

        Assert.True(trend.LeastSquaresPerMinute > Limit, "the old check failed this run");
        Assert.Equal(MemoryVerdict.FlatWithinNoise, trend.Verdict);
        Assert.True(trend.Passed);
        // Four minutes with ~4 MiB of noise cannot vouch for 1 MiB/min; the report says how fast a leak would have had to be.
        Assert.InRange(trend.Noise / 1024, 3, 6);
        Assert.InRange(trend.Growth / 1024, 0, trend.AllowedGrowth / 1024);
        Assert.True(trend.ResolvableSlopePerMinute > 2 * Limit);
    }

    [Fact]
    public void An_hour_of_noise_around_a_flat_line_is_flat()
    {
        var trend = MemoryTrend.Analyze(Hour(), Limit);

        Assert.Equal(MemoryVerdict.Flat, trend.Verdict);
        Assert.InRange(trend.TheilSenPerMinute, -100, 100);
        // An hour is long enough: the slowest leak it could see is the limit itself.
        Assert.Equal(Limit, trend.ResolvableSlopePerMinute, 6);
    }

    [Theory]
    [InlineData(3600)] // the very last sample
    [InlineData(1950)] // the middle
    [InlineData(300)] // the very first
    public void One_collections_peak_of_80_MiB_does_not_move_the_verdict(double when)
    {
        var flat = MemoryTrend.Analyze(Hour(), Limit);
        var spiked = MemoryTrend.Analyze(Hour(extraMib: t => Math.Abs(t - when) < 1 ? 80 : 0), Limit);

        Assert.Equal(MemoryVerdict.Flat, spiked.Verdict);
        Assert.InRange(spiked.TheilSenPerMinute - flat.TheilSenPerMinute, -5, 5);
        // One sample crossing the middle of a third moves its median by at most the gap between two neighbours.
        Assert.InRange(spiked.FirstThirdMedian - flat.FirstThirdMedian, 0, 1024);
        Assert.InRange(spiked.LastThirdMedian - flat.LastThirdMedian, 0, 1024);
    }

    [Fact]
    public void One_high_sample_near_the_end_moves_least_squares_by_a_limit_and_the_robust_figures_hardly_at_all()
    {
        var points = FiveMinuteRun.Select((kib, i) => (60.0 + (5 * i), kib)).ToList();
        var before = MemoryTrend.Analyze(points, Limit);
        points[^2] = (points[^2].Item1, points[^2].Item2 + (40 * 1024));

        var after = MemoryTrend.Analyze(points, Limit);

        Assert.True(after.LeastSquaresPerMinute - before.LeastSquaresPerMinute > 0.8 * Limit, $"least squares {before.LeastSquaresPerMinute} → {after.LeastSquaresPerMinute}");
        Assert.InRange(after.TheilSenPerMinute - before.TheilSenPerMinute, 0, 0.15 * Limit);
        Assert.Equal(before.LastThirdMedian, after.LastThirdMedian);
        Assert.Equal(MemoryVerdict.FlatWithinNoise, after.Verdict);
    }

    [Theory]
    [InlineData(1.5)] // 90 MiB an hour: ~9 KiB for each of 10,000 connections
    [InlineData(1.2)] // just above the limit
    [InlineData(4)]
    public void A_steady_leak_above_the_limit_over_an_hour_is_growing(double leakMibPerMinute)
    {
        var trend = MemoryTrend.Analyze(Hour(leakMibPerMinute), Limit);

        Assert.Equal(MemoryVerdict.Growing, trend.Verdict);
        Assert.False(trend.Passed);
        Assert.InRange(trend.TheilSenPerMinute / 1024, leakMibPerMinute * 0.9, leakMibPerMinute * 1.1);
    }

    [Fact]
    public void A_leak_that_starts_half_way_through_the_hour_is_growing()
    {
        // Flat for 30 minutes, then 3 MiB/min: 90 MiB by the end.
        var trend = MemoryTrend.Analyze(Hour(extraMib: t => t > 2100 ? (t - 2100) / 60 * 3 : 0), Limit);

        Assert.Equal(MemoryVerdict.Growing, trend.Verdict);
    }

    [Fact]
    public void A_growth_below_the_limit_passes()
    {
        var trend = MemoryTrend.Analyze(Hour(0.5), Limit);

        Assert.Equal(MemoryVerdict.Flat, trend.Verdict);
        Assert.True(trend.Growth > 10 * 1024, "the growth is there, and under the limit");
    }

    [Fact]
    public void A_step_that_stays_passes_unless_it_is_as_large_as_the_limits_growth_over_the_window()
    {
        // A pool that grew once by 20 MiB half way through the hour.
        Assert.Equal(MemoryVerdict.Flat, MemoryTrend.Analyze(Hour(extraMib: t => t >= 1950 ? 20 : 0), Limit).Verdict);
        // 200 MiB in one step is not a pool settling.
        Assert.Equal(MemoryVerdict.Growing, MemoryTrend.Analyze(Hour(extraMib: t => t >= 1950 ? 200 : 0), Limit).Verdict);
    }

    [Fact]
    public void A_two_minute_run_cannot_see_a_leak_at_the_limit_and_says_so_but_still_catches_a_gross_one()
    {
        // One minute after a 60 s warm-up, a sample every 2 s: the thirds are 40 s apart, so 1.5 MiB/min adds 1 MiB between
        // them, against noise of several MiB.
        var flat = MemoryTrend.Analyze(Series(60, 120, 2, 150), Limit);
        var smallLeak = MemoryTrend.Analyze(Series(60, 120, 2, 150, leakMibPerMinute: 1.5), Limit);
        var grossLeak = MemoryTrend.Analyze(Series(60, 120, 2, 150, leakMibPerMinute: 40), Limit);

        Assert.Equal(MemoryVerdict.FlatWithinNoise, flat.Verdict);
        Assert.Equal(MemoryVerdict.FlatWithinNoise, smallLeak.Verdict);
        Assert.True(smallLeak.ResolvableSlopePerMinute > 10 * Limit, $"resolvable {smallLeak.ResolvableSlopePerMinute} KiB/min");
        Assert.Equal(MemoryVerdict.Growing, grossLeak.Verdict);
    }

    [Fact]
    public void The_allowance_grows_with_the_run_and_the_slowest_visible_leak_falls_to_the_limit()
    {
        var resolvable = new[] { 120.0, 600, 1800, 3600 }
            .Select(end => MemoryTrend.Analyze(Series(end / 5, end, 5, 200), Limit))
            .Select(t => t.ResolvableSlopePerMinute)
            .ToList();

        Assert.True(resolvable.Zip(resolvable.Skip(1)).All(p => p.First >= p.Second), string.Join(", ", resolvable));
        Assert.Equal(Limit, resolvable[^1], 6);
        Assert.True(resolvable[0] > 4 * Limit);
    }

    [Fact]
    public void Fewer_than_nine_samples_or_none_apart_in_time_give_no_verdict_and_fail()
    {
        var eight = Series(60, 95, 5, 100);
        Assert.Equal(8, eight.Count);
        Assert.Equal(MemoryVerdict.TooFewSamples, MemoryTrend.Analyze(eight, Limit).Verdict);
        Assert.False(MemoryTrend.Analyze(eight, Limit).Passed);
        Assert.Equal(MemoryVerdict.TooFewSamples, MemoryTrend.Analyze([], Limit).Verdict);
        Assert.Equal(MemoryVerdict.TooFewSamples, MemoryTrend.Analyze(Enumerable.Repeat((5.0, 100.0), 20).ToList(), Limit).Verdict);
    }

    [Fact]
    public void Theil_Sen_gives_a_lines_slope_and_one_wild_point_does_not_move_it()
    {
        // 10 KiB more every 5 s: 120 KiB a minute.
        var line = Enumerable.Range(0, 30).Select(i => (i * 5.0, 1000.0 + (i * 10))).ToList();
        Assert.Equal(120, MemoryTrend.TheilSenPerMinute(line)!.Value, 6);
        Assert.Equal(120, MemoryTrend.LeastSquaresPerMinute(line)!.Value, 6);

        line[^1] = (line[^1].Item1, 100_000);
        Assert.Equal(120, MemoryTrend.TheilSenPerMinute(line)!.Value, 6);
        Assert.True(MemoryTrend.LeastSquaresPerMinute(line) > 1000);
    }

    [Fact]
    public void A_series_longer_than_the_pairwise_cap_is_thinned_and_keeps_its_slope()
    {
        var line = Enumerable.Range(0, (MemoryTrend.MaxPairwiseSamples * 2) + 7).Select(i => (i * 1.0, 5.0 * i)).ToList();
        Assert.Equal(300, MemoryTrend.TheilSenPerMinute(line)!.Value, 6);
    }

    [Fact]
    public void Slopes_need_two_points_apart_in_time()
    {
        Assert.Null(MemoryTrend.TheilSenPerMinute([]));
        Assert.Null(MemoryTrend.TheilSenPerMinute([(1.0, 5.0), (1.0, 7.0)]));
        Assert.Null(MemoryTrend.LeastSquaresPerMinute([(1.0, 5.0)]));
        Assert.Null(MemoryTrend.LeastSquaresPerMinute([(1.0, 5.0), (1.0, 7.0)]));
    }

    [Fact]
    public void The_median_of_an_even_count_is_the_mean_of_the_middle_two()
    {
        Assert.Equal(2.5, MemoryTrend.Median([4, 1, 3, 2]));
        Assert.Equal(3, MemoryTrend.Median([5, 3, 1]));
        Assert.Throws<ArgumentException>(() => MemoryTrend.Median([]));
    }
}
