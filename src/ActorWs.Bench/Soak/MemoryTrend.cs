namespace ActorWs.Bench.Soak;

/// <summary>What a memory series after the warm-up says.</summary>
public enum MemoryVerdict
{
    /// <summary>Fewer samples than <see cref="MemoryTrend.MinSamples"/>, or all taken at the same time: nothing can be said.</summary>
    TooFewSamples,

    /// <summary>No growth beyond the limit, and the run was long enough for a growth at the limit to stand out of the noise.</summary>
    Flat,

    /// <summary>
    /// No growth beyond the noise, but the run was too short (or the series too noisy) for a growth at the limit to stand out
    /// of it: a leak slower than <see cref="MemoryTrendResult.ResolvableSlopePerMinute"/> would have passed unseen.
    /// </summary>
    FlatWithinNoise,

    /// <summary>Both the robust slope and the growth from the first third to the last exceed what the limit and the noise allow.</summary>
    Growing,
}

/// <summary>The figures behind a <see cref="MemoryVerdict"/>; every value in the series' unit (KiB for the soak) and minutes.</summary>
/// <param name="Samples">Samples analysed (those after the warm-up).</param>
/// <param name="SpanMinutes">From the first analysed sample to the last.</param>
/// <param name="TheilSenPerMinute">The robust slope: the median of the slopes between every pair of samples.</param>
/// <param name="LeastSquaresPerMinute">The least-squares slope, for comparison (one outlier moves it; it decides nothing).</param>
/// <param name="FirstThirdMedian">The median of the first third of the samples.</param>
/// <param name="LastThirdMedian">The median of the last third.</param>
/// <param name="ThirdsMinutesApart">Minutes between the middles of the first and last thirds.</param>
/// <param name="Noise">The spread of the samples around the Theil–Sen line: 1.4826 × their median absolute deviation (σ for normal noise).</param>
/// <param name="LimitPerMinute">The slope limit.</param>
/// <param name="AllowedGrowth">
/// Growth from the first third to the last that is let through: the larger of what the limit adds over
/// <paramref name="ThirdsMinutesApart"/> and <see cref="MemoryTrend.NoiseFactor"/> × <paramref name="Noise"/>.
/// </param>
/// <param name="Verdict">The verdict.</param>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record MemoryTrendResult(
    int Samples,
    double SpanMinutes,
    double TheilSenPerMinute,
    double LeastSquaresPerMinute,
    double FirstThirdMedian,
    double LastThirdMedian,
    double ThirdsMinutesApart,
    double Noise,
    double LimitPerMinute,
    double AllowedGrowth,
    MemoryVerdict Verdict)
{
    /// <summary>Last third's median minus the first third's.</summary>
    public double Growth => LastThirdMedian - FirstThirdMedian;

    /// <summary>
    /// The slowest steady growth this run could have told from noise: <see cref="AllowedGrowth"/> spread over
    /// <see cref="ThirdsMinutesApart"/>. Equal to the limit when the run was long enough; above it for a short or noisy run.
    /// </summary>
    public double ResolvableSlopePerMinute => ThirdsMinutesApart > 0 ? AllowedGrowth / ThirdsMinutesApart : double.PositiveInfinity;

    /// <summary>Whether the check passes: <see cref="MemoryVerdict.Flat"/> or <see cref="MemoryVerdict.FlatWithinNoise"/>.</summary>
    public bool Passed => Verdict is MemoryVerdict.Flat or MemoryVerdict.FlatWithinNoise;
}

/// <summary>
/// Tells steady memory growth (a leak) from noise in a series of samples taken after the warm-up, with two robust figures that
/// must agree: the Theil–Sen slope (the median of the slopes between every pair of samples, which up to ~29 % of wild samples
/// cannot move) and the growth between the medians of the first and the last third of the samples.
/// </summary>
/// <remarks>
/// <para>
/// The series is <see cref="MemoryVerdict.Growing"/> when the Theil–Sen slope exceeds the limit <b>and</b> the last third's
/// median exceeds the first third's by more than the allowance: the larger of (a) what the limit adds between the middles of
/// the two thirds (limit × two thirds of the span) and (b) <see cref="NoiseFactor"/> × the noise, the robust spread of the samples
/// around the Theil–Sen line. (a) grows with the run; (b) does not, so in a long run the limit decides and in a short one
/// the noise does: a 4-minute window with 4 MiB of noise cannot tell 1 MiB/min from nothing, and says so
/// (<see cref="MemoryVerdict.FlatWithinNoise"/>, with the slowest growth it could have seen) instead of failing on a
/// slope that is mostly noise, or passing as if it had shown the memory to be flat.
/// </para>
/// <para>
/// A single spike (one collection's peak) moves neither median nor the Theil–Sen slope; a step that stays (a pool that
/// grew once) moves both, but fails only if it is large enough to look like the limit's growth over the whole window.
/// Stateless; safe to call from any thread.
/// </para>
/// </remarks>
public static class MemoryTrend
{
    /// <summary>Fewest samples analysed: three in each third.</summary>
    public const int MinSamples = 9;

    /// <summary>
    /// How many times the noise the growth between the thirds must exceed to count. The samples are far from independent
    /// (they follow the collector's cycles), so no √n is taken off: two noises is the difference two single samples can show.
    /// </summary>
    public const double NoiseFactor = 2;

    /// <summary>Most samples used for the pairwise slopes; longer series are thinned evenly (every k-th sample).</summary>
    public const int MaxPairwiseSamples = 1500;

    /// <summary>Analyses a series.</summary>
    /// <param name="points">(seconds, value) pairs, in time order, after the warm-up.</param>
    /// <param name="limitPerMinute">The slope limit (value units per minute).</param>
    /// <returns>The figures and the verdict.</returns>
    public static MemoryTrendResult Analyze(IReadOnlyList<(double Seconds, double Value)> points, double limitPerMinute)
    {
        ArgumentNullException.ThrowIfNull(points);
        var n = points.Count;
        var span = n > 0 ? (points[^1].Seconds - points[0].Seconds) / 60 : 0;
        if (n < MinSamples || span <= 0)
        {
            return new MemoryTrendResult(n, Math.Max(span, 0), double.NaN, double.NaN, double.NaN, double.NaN, 0, double.NaN, limitPerMinute, double.NaN, MemoryVerdict.TooFewSamples);
        }

        var theilSen = TheilSenPerMinute(points)!.Value;
        var leastSquares = LeastSquaresPerMinute(points)!.Value;
        var third = n / 3;
        var first = points.Take(third).ToList();
        var last = points.Skip(n - third).ToList();
        var firstMedian = Median(first.Select(p => p.Value));
        var lastMedian = Median(last.Select(p => p.Value));
        var apart = (last.Average(p => p.Seconds) - first.Average(p => p.Seconds)) / 60;

        // The line through the median point with the Theil–Sen slope; the noise is the robust spread around it.
        var perSecond = theilSen / 60;
        var intercept = Median(points.Select(p => p.Value - (perSecond * p.Seconds)));
        var residuals = points.Select(p => p.Value - intercept - (perSecond * p.Seconds)).ToList();
        var center = Median(residuals);
        var noise = 1.4826 * Median(residuals.Select(r => Math.Abs(r - center)));

        var allowed = Math.Max(limitPerMinute * apart, NoiseFactor * noise);
        var growing = theilSen > limitPerMinute && lastMedian - firstMedian > allowed;
        var verdict = growing ? MemoryVerdict.Growing
            : NoiseFactor * noise > limitPerMinute * apart ? MemoryVerdict.FlatWithinNoise
            : MemoryVerdict.Flat;
        return new MemoryTrendResult(n, span, theilSen, leastSquares, firstMedian, lastMedian, apart, noise, limitPerMinute, allowed, verdict);
    }

    /// <summary>
    /// The Theil–Sen slope, in value units per minute: the median of (v_j − v_i) / (t_j − t_i) over every pair of samples
    /// taken at different times (series longer than <see cref="MaxPairwiseSamples"/> are thinned evenly first). Null when
    /// there is no such pair.
    /// </summary>
    /// <param name="points">(seconds, value) pairs.</param>
    /// <returns>The slope per minute, or null.</returns>
    public static double? TheilSenPerMinute(IReadOnlyList<(double Seconds, double Value)> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var used = points;
        if (points.Count > MaxPairwiseSamples)
        {
            var step = (double)points.Count / MaxPairwiseSamples;
            used = Enumerable.Range(0, MaxPairwiseSamples).Select(i => points[(int)(i * step)]).ToList();
        }

        var slopes = new List<double>(used.Count * (used.Count - 1) / 2);
        for (var i = 0; i < used.Count; i++)
        {
            for (var j = i + 1; j < used.Count; j++)
            {
                var dt = used[j].Seconds - used[i].Seconds;
                if (dt != 0)
                {
                    slopes.Add((used[j].Value - used[i].Value) / dt);
                }
            }
        }

        return slopes.Count == 0 ? null : Median(slopes) * 60;
    }

    /// <summary>
    /// The least-squares slope, in value units per minute, of the straight line that fits the points best; null with fewer
    /// than two points or when all were taken at the same time.
    /// </summary>
    /// <param name="points">(seconds, value) pairs.</param>
    /// <returns>The slope per minute, or null.</returns>
    public static double? LeastSquaresPerMinute(IReadOnlyList<(double Seconds, double Value)> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count < 2)
        {
            return null;
        }

        var meanT = points.Average(p => p.Seconds);
        var meanV = points.Average(p => p.Value);
        double covariance = 0, variance = 0;
        foreach (var (t, v) in points)
        {
            covariance += (t - meanT) * (v - meanV);
            variance += (t - meanT) * (t - meanT);
        }

        return variance == 0 ? null : covariance / variance * 60;
    }

    /// <summary>The median (the mean of the two middle values for an even count).</summary>
    /// <param name="values">At least one value.</param>
    /// <returns>The median.</returns>
    public static double Median(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var sorted = values.ToArray();
        if (sorted.Length == 0)
        {
            throw new ArgumentException("no values", nameof(values));
        }

        Array.Sort(sorted);
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
