namespace ActorWs.Bench.Scenarios;

/// <summary>
/// What one member of a room got compared with what the room accepted: the numbered messages the sender had confirmed
/// that never arrived (lost), and the numbers that arrived more than once (duplicates). Numbers that arrived but were
/// never confirmed (a send whose confirmation was lost with a connection) are neither.
/// </summary>
/// <param name="Expected">Numbers the room accepted.</param>
/// <param name="Lost">Accepted numbers the member never got.</param>
/// <param name="Duplicates">Deliveries beyond the first of a number.</param>
/// <remarks>Immutable; safe to share between threads.</remarks>
public readonly record struct ResumeTally(int Expected, int Lost, int Duplicates)
{
    /// <summary>Compares what a member received with what its room accepted.</summary>
    /// <param name="accepted">The numbers the room confirmed to its sender.</param>
    /// <param name="received">The numbers the member got, in arrival order.</param>
    /// <returns>The tally.</returns>
    public static ResumeTally Of(IReadOnlyCollection<int> accepted, IReadOnlyList<int> received)
    {
        ArgumentNullException.ThrowIfNull(accepted);
        ArgumentNullException.ThrowIfNull(received);
        var seen = new HashSet<int>();
        var duplicates = 0;
        foreach (var n in received)
        {
            if (!seen.Add(n)) duplicates++;
        }

        var lost = accepted.Count(n => !seen.Contains(n));
        return new ResumeTally(accepted.Count, lost, duplicates);
    }

    /// <summary>The nearest-rank percentile of some durations (0 for none).</summary>
    /// <param name="sorted">The values, ascending.</param>
    /// <param name="percent">0–100.</param>
    /// <returns>The percentile.</returns>
    public static double Percentile(IReadOnlyList<double> sorted, double percent)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0) return 0;
        var rank = (int)Math.Ceiling(percent / 100 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}
