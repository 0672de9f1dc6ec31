namespace ActorWs.Samples.Arena.Simulation;

/// <summary>An item on the field: its id (unique among the items present) and where it lies, in fixed point.</summary>
/// <remarks>Immutable; thread-safe.</remarks>
public readonly record struct ArenaItem(byte Id, int X, int Y);

/// <summary>A player picked an item up (scoring a point) during a step.</summary>
/// <remarks>Immutable; thread-safe.</remarks>
public readonly record struct ItemPickup(byte ItemId, byte Slot);
