using System.Buffers;
using System.Buffers.Binary;
using ActorWs.Samples.Arena.Simulation;

namespace ActorWs.Samples.Arena.Protocol;

/// <summary>Encodes an <see cref="ArenaWorld"/> as state frames (format: <see cref="StateFrameFormat"/>).</summary>
/// <remarks>Stateless and thread-safe (the world it reads is not: call it from the world's owner). Allocates nothing.</remarks>
public static class StateFrameWriter
{
    /// <summary>Bytes a keyframe of <paramref name="world"/> takes.</summary>
    public static int KeyframeSize(ArenaWorld world) => StateFrameFormat.SizeOf(world.PlayerCount, world.Items.Length, 0);

    /// <summary>Bytes a delta of <paramref name="world"/>'s current changes takes.</summary>
    public static int DeltaSize(ArenaWorld world) => StateFrameFormat.SizeOf(world.ChangedPlayerCount, world.NewItemCount, world.Pickups.Length);

    /// <summary>Writes a keyframe (every player, every item) to <paramref name="writer"/>.</summary>
    public static void WriteKeyframe(IBufferWriter<byte> writer, ArenaWorld world)
    {
        int size = KeyframeSize(world);
        writer.Advance(WriteKeyframe(world, writer.GetSpan(size)));
    }

    /// <summary>Writes a delta (changed players, new items, pickups) to <paramref name="writer"/>.</summary>
    public static void WriteDelta(IBufferWriter<byte> writer, ArenaWorld world)
    {
        int size = DeltaSize(world);
        writer.Advance(WriteDelta(world, writer.GetSpan(size)));
    }

    /// <summary>Writes a keyframe into <paramref name="destination"/>.</summary>
    /// <returns>The bytes written (<see cref="KeyframeSize"/>).</returns>
    /// <exception cref="ArgumentException">The destination is too small.</exception>
    public static int WriteKeyframe(ArenaWorld world, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(world);
        var items = world.Items;
        int size = StateFrameFormat.SizeOf(world.PlayerCount, items.Length, 0);
        if (destination.Length < size) throw new ArgumentException($"A keyframe of this world takes {size} bytes.", nameof(destination));
        int offset = WriteHeader(destination, StateFrameKind.Keyframe, world.PlayerCount, items.Length, 0, world.Tick);
        for (int slot = 0; slot < world.MaxPlayers; slot++)
        {
            if (world.PlayerInSlot(slot) is { } player) offset = WritePlayer(destination, offset, player);
        }
        foreach (var item in items) offset = WriteItem(destination, offset, item);
        return offset;
    }

    /// <summary>Writes a delta into <paramref name="destination"/>.</summary>
    /// <returns>The bytes written (<see cref="DeltaSize"/>).</returns>
    /// <exception cref="ArgumentException">The destination is too small.</exception>
    public static int WriteDelta(ArenaWorld world, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(world);
        int players = world.ChangedPlayerCount, newItems = world.NewItemCount;
        var pickups = world.Pickups;
        int size = StateFrameFormat.SizeOf(players, newItems, pickups.Length);
        if (destination.Length < size) throw new ArgumentException($"This delta takes {size} bytes.", nameof(destination));
        int offset = WriteHeader(destination, StateFrameKind.Delta, players, newItems, pickups.Length, world.Tick);
        for (int slot = 0; slot < world.MaxPlayers; slot++)
        {
            if (world.PlayerInSlot(slot) is { Changed: true } player) offset = WritePlayer(destination, offset, player);
        }
        var items = world.Items;
        for (int i = 0; i < items.Length; i++)
        {
            if (world.IsNewItem(i)) offset = WriteItem(destination, offset, items[i]);
        }
        foreach (var pickup in pickups)
        {
            destination[offset] = pickup.ItemId;
            destination[offset + 1] = pickup.Slot;
            offset += StateFrameFormat.PickupRecordSize;
        }
        return offset;
    }

    private static int WriteHeader(Span<byte> destination, StateFrameKind kind, int players, int items, int pickups, uint tick)
    {
        destination[StateFrameFormat.KindOffset] = (byte)kind;
        destination[StateFrameFormat.PlayerCountOffset] = (byte)players;
        destination[StateFrameFormat.ItemCountOffset] = (byte)items;
        destination[StateFrameFormat.PickupCountOffset] = (byte)pickups;
        BinaryPrimitives.WriteUInt32LittleEndian(destination[StateFrameFormat.TickOffset..], tick);
        return StateFrameFormat.HeaderSize;
    }

    private static int WritePlayer(Span<byte> destination, int offset, ArenaPlayer player)
    {
        destination[offset] = (byte)player.Slot;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[(offset + 1)..], (ushort)player.X);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[(offset + 3)..], (ushort)player.Y);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[(offset + 5)..], (ushort)player.Score);
        return offset + StateFrameFormat.PlayerRecordSize;
    }

    private static int WriteItem(Span<byte> destination, int offset, ArenaItem item)
    {
        destination[offset] = item.Id;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[(offset + 1)..], (ushort)item.X);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[(offset + 3)..], (ushort)item.Y);
        return offset + StateFrameFormat.ItemRecordSize;
    }
}
