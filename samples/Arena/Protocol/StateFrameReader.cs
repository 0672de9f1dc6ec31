using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using ActorWs.Samples.Arena.Simulation;

namespace ActorWs.Samples.Arena.Protocol;

/// <summary>
/// Decodes state frames, checking everything a client relies on; the .NET twin of <c>decodeStateFrame</c> in the
/// page's <c>protocol.js</c> (same checks, same error texts), for bots and tests.
/// </summary>
/// <remarks>Stateless and thread-safe. Never throws on arbitrary bytes: a bad frame gets an error text.</remarks>
public static class StateFrameReader
{
    private const int MaxX = ArenaRules.WorldWidth * ArenaRules.FixedPointScale;
    private const int MaxY = ArenaRules.WorldHeight * ArenaRules.FixedPointScale;

    /// <summary>Decodes <paramref name="bytes"/> (the payload after the sequence number).</summary>
    /// <returns>True with the frame, or false with why it is not a valid frame.</returns>
    public static bool TryRead(ReadOnlySpan<byte> bytes, [NotNullWhen(true)] out StateFrame? frame, [NotNullWhen(false)] out string? error)
    {
        frame = null;
        if (bytes.Length < StateFrameFormat.HeaderSize)
        {
            error = $"frame of {bytes.Length} bytes is shorter than the {StateFrameFormat.HeaderSize}-byte header";
            return false;
        }
        byte kind = bytes[StateFrameFormat.KindOffset];
        if (kind != (byte)StateFrameKind.Keyframe && kind != (byte)StateFrameKind.Delta)
        {
            error = $"unknown frame kind {kind}";
            return false;
        }
        int playerCount = bytes[StateFrameFormat.PlayerCountOffset];
        int itemCount = bytes[StateFrameFormat.ItemCountOffset];
        int pickupCount = bytes[StateFrameFormat.PickupCountOffset];
        int expected = StateFrameFormat.SizeOf(playerCount, itemCount, pickupCount);
        if (bytes.Length != expected)
        {
            error = $"frame of {bytes.Length} bytes, its counts need {expected}";
            return false;
        }
        if (kind == (byte)StateFrameKind.Keyframe && pickupCount != 0)
        {
            error = "a keyframe lists no pickups";
            return false;
        }
        uint tick = BinaryPrimitives.ReadUInt32LittleEndian(bytes[StateFrameFormat.TickOffset..]);
        int offset = StateFrameFormat.HeaderSize;

        var players = new PlayerState[playerCount];
        int seenSlots = 0;
        for (int i = 0; i < playerCount; i++, offset += StateFrameFormat.PlayerRecordSize)
        {
            int slot = bytes[offset];
            int x = BinaryPrimitives.ReadUInt16LittleEndian(bytes[(offset + 1)..]);
            int y = BinaryPrimitives.ReadUInt16LittleEndian(bytes[(offset + 3)..]);
            int score = BinaryPrimitives.ReadUInt16LittleEndian(bytes[(offset + 5)..]);
            if (slot >= ArenaRules.MaxPlayers)
            {
                error = $"player slot {slot} out of range";
                return false;
            }
            if ((seenSlots & (1 << slot)) != 0)
            {
                error = $"player slot {slot} listed twice";
                return false;
            }
            seenSlots |= 1 << slot;
            if (x > MaxX || y > MaxY)
            {
                error = $"position ({x}, {y}) outside the field";
                return false;
            }
            players[i] = new PlayerState(slot, x, y, score);
        }

        var items = new ArenaItem[itemCount];
        Span<bool> seenItems = stackalloc bool[256];
        for (int i = 0; i < itemCount; i++, offset += StateFrameFormat.ItemRecordSize)
        {
            byte id = bytes[offset];
            int x = BinaryPrimitives.ReadUInt16LittleEndian(bytes[(offset + 1)..]);
            int y = BinaryPrimitives.ReadUInt16LittleEndian(bytes[(offset + 3)..]);
            if (seenItems[id])
            {
                error = $"item {id} listed twice";
                return false;
            }
            seenItems[id] = true;
            if (x > MaxX || y > MaxY)
            {
                error = $"position ({x}, {y}) outside the field";
                return false;
            }
            items[i] = new ArenaItem(id, x, y);
        }

        var pickups = new ItemPickup[pickupCount];
        for (int i = 0; i < pickupCount; i++, offset += StateFrameFormat.PickupRecordSize)
        {
            byte slot = bytes[offset + 1];
            if (slot >= ArenaRules.MaxPlayers)
            {
                error = $"player slot {slot} out of range";
                return false;
            }
            pickups[i] = new ItemPickup(bytes[offset], slot);
        }

        frame = new StateFrame((StateFrameKind)kind, tick, players, items, pickups);
        error = null;
        return true;
    }
}
