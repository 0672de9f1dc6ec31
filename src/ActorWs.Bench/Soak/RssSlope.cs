namespace ActorWs.Bench.Soak;

/// <summary>The trend of a series of samples: the least-squares slope of value over time.</summary>
/// <remarks>Stateless; safe to call from any thread.</remarks>
public static class RssSlope
{
    /// <summary>
    /// The slope, in value units per minute, of the straight line that fits the points best (ordinary least squares);
    /// null with fewer than two points or when all were taken at the same time.
    /// </summary>
    /// <param name="points">(seconds since start, value) pairs.</param>
    /// <returns>The slope per minute, or null.</returns>
    public static double? PerMinute(IReadOnlyList<(double Seconds, double Value)> points)
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
}
