namespace ActorWs.Samples.Arena.Simulation;

/// <summary>How an arena world is set up.</summary>
/// <param name="MaxPlayers">Slots (1–8).</param>
/// <param name="MaxItems">Items on the field at once (0–32).</param>
/// <param name="ItemRespawn">Time between a pickup and the next item appearing.</param>
/// <remarks>Immutable; thread-safe.</remarks>
public sealed record ArenaWorldOptions(int MaxPlayers, int MaxItems, TimeSpan ItemRespawn)
{
    /// <summary>Eight players, five items, a new one 1.2 s after each pickup.</summary>
    public static ArenaWorldOptions Default { get; } = new(ArenaRules.MaxPlayers, 5, TimeSpan.FromMilliseconds(1200));
}
