namespace ActorWs.Samples.Arena.Protocol;

/// <summary>What a state frame holds.</summary>
public enum StateFrameKind : byte
{
    /// <summary>The whole state: every player and every item. Replaces whatever the client had.</summary>
    Keyframe = 1,

    /// <summary>What changed in one tick: players whose position or score changed, items that appeared, pickups.</summary>
    Delta = 2,
}

/// <summary>
/// The binary state frame a room sends each tick (after the server's 4-byte sequence number). Little-endian,
/// fixed-point positions (<see cref="Simulation.ArenaRules.FixedPointScale"/> steps per world unit):
/// <code>
/// header   8 bytes   kind u8 | players u8 | items u8 | pickups u8 | tick u32
/// player   7 bytes   slot u8 | x u16 | y u16 | score u16          (absolute values, not differences)
/// item     5 bytes   id u8 | x u16 | y u16                        (appeared; in a keyframe: every item)
/// pickup   2 bytes   item id u8 | slot u8                         (the item is gone, the slot scored)
/// </code>
/// Records are absolute, so a delta applied twice, or a keyframe after deltas, leaves the same state.
/// </summary>
/// <remarks>Constants only; thread-safe.</remarks>
public static class StateFrameFormat
{
    /// <summary>Bytes of the header.</summary>
    public const int HeaderSize = 8;

    /// <summary>Bytes of one player record.</summary>
    public const int PlayerRecordSize = 7;

    /// <summary>Bytes of one item record.</summary>
    public const int ItemRecordSize = 5;

    /// <summary>Bytes of one pickup record.</summary>
    public const int PickupRecordSize = 2;

    /// <summary>Offset of the kind byte.</summary>
    public const int KindOffset = 0;

    /// <summary>Offset of the player count.</summary>
    public const int PlayerCountOffset = 1;

    /// <summary>Offset of the item count.</summary>
    public const int ItemCountOffset = 2;

    /// <summary>Offset of the pickup count.</summary>
    public const int PickupCountOffset = 3;

    /// <summary>Offset of the tick number.</summary>
    public const int TickOffset = 4;

    /// <summary>The size of a frame with these counts.</summary>
    public static int SizeOf(int players, int items, int pickups) =>
        HeaderSize + players * PlayerRecordSize + items * ItemRecordSize + pickups * PickupRecordSize;
}
