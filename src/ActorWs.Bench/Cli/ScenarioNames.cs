namespace ActorWs.Bench.Cli;

/// <summary>The command-line and report names of the scenarios (<c>echo</c>, <c>hold-deflate</c>, …).</summary>
/// <remarks>Stateless; safe to call from any thread.</remarks>
public static class ScenarioNames
{
    private static readonly (ScenarioKind Kind, string Name)[] Names =
    [
        (ScenarioKind.Echo, "echo"),
        (ScenarioKind.Hold, "hold"),
        (ScenarioKind.HoldDeflate, "hold-deflate"),
        (ScenarioKind.Broadcast, "broadcast"),
        (ScenarioKind.Tick, "tick"),
        (ScenarioKind.Fairness, "fairness"),
        (ScenarioKind.ClusterBroadcast, "cluster-broadcast"),
        (ScenarioKind.ClusterResume, "cluster-resume"),
    ];

    /// <summary>Every name, in scenario order.</summary>
    public static IReadOnlyList<string> All { get; } = Names.Select(n => n.Name).ToArray();

    /// <summary>The name of a scenario.</summary>
    /// <param name="kind">The scenario.</param>
    /// <returns>Its name, e.g. <c>hold-deflate</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">Not a defined scenario.</exception>
    public static string Name(ScenarioKind kind)
    {
        foreach (var (k, name) in Names)
        {
            if (k == kind)
            {
                return name;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown scenario");
    }

    /// <summary>Finds a scenario by name, ignoring case.</summary>
    /// <param name="name">The name.</param>
    /// <param name="kind">The scenario when found.</param>
    /// <returns>True when the name is known.</returns>
    public static bool TryParse(string name, out ScenarioKind kind)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var (k, known) in Names)
        {
            if (string.Equals(known, name, StringComparison.OrdinalIgnoreCase))
            {
                kind = k;
                return true;
            }
        }

        kind = default;
        return false;
    }
}
