using ActorWs.Samples.Arena.Simulation;

namespace ActorWs.Samples.Arena.Protocol;

/// <summary>A player record of a decoded state frame (fixed-point position).</summary>
/// <remarks>Immutable; thread-safe.</remarks>
public readonly record struct PlayerState(int Slot, int X, int Y, int Score);

/// <summary>A decoded state frame (see <see cref="StateFrameFormat"/>).</summary>
/// <remarks>Immutable once read; thread-safe.</remarks>
public sealed record StateFrame(StateFrameKind Kind, uint Tick, IReadOnlyList<PlayerState> Players, IReadOnlyList<ArenaItem> Items, IReadOnlyList<ItemPickup> Pickups);
