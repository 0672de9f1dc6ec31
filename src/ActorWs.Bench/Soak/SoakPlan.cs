namespace ActorWs.Bench.Soak;

/// <summary>Which kind of client each connection slot is, from the mix and the seed.</summary>
/// <remarks>Stateless; safe to call from any thread.</remarks>
public static class SoakPlan
{
    /// <summary>
    /// Splits <paramref name="connections"/> slots over the kinds in proportion to their weights (largest remainder, so the
    /// counts add up exactly), then shuffles them with <paramref name="seed"/> so that every kind is spread over the ramp-up.
    /// </summary>
    /// <param name="connections">Slots.</param>
    /// <param name="mix">Weights per kind; at least one positive.</param>
    /// <param name="seed">The seed.</param>
    /// <returns>The kind of every slot.</returns>
    public static SoakClientKind[] Assign(int connections, IReadOnlyDictionary<SoakClientKind, int> mix, int seed)
    {
        ArgumentNullException.ThrowIfNull(mix);
        ArgumentOutOfRangeException.ThrowIfNegative(connections);
        var total = mix.Values.Sum();
        if (total <= 0)
        {
            throw new ArgumentException("at least one weight must be positive", nameof(mix));
        }

        var kinds = Enum.GetValues<SoakClientKind>();
        var counts = kinds.ToDictionary(k => k, k => (long)connections * mix.GetValueOrDefault(k) / total);
        var left = connections - (int)counts.Values.Sum();
        // Largest remainders first; ties in enum order, so the plan depends on nothing but the inputs.
        foreach (var kind in kinds.OrderByDescending(k => (long)connections * mix.GetValueOrDefault(k) % total).ThenBy(k => k).Take(left))
        {
            counts[kind]++;
        }

        var slots = kinds.SelectMany(k => Enumerable.Repeat(k, (int)counts[k])).ToArray();
        new Random(seed).Shuffle(slots);
        return slots;
    }
}
