using System.Buffers;
using System.Buffers.Binary;
using ActorWs.Samples.Arena.Protocol;
using ActorWs.Samples.Arena.Simulation;

namespace ActorWs.Samples.Tests.Arena;

/// <summary>The binary state frames: layout, keyframes and deltas against the world they describe, bad frames, allocations.</summary>
public sealed class StateFrameTests
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1.0 / 30);

    /// <summary>A world with <paramref name="players"/> players that moved about for a while (some scored).</summary>
    internal static ArenaWorld BusyWorld(int seed, int players, int steps = 90)
    {
        var random = new Random(seed);
        var world = new ArenaWorld(ArenaWorldOptions.Default with { MaxItems = 8 }, new Random(seed));
        for (int i = 0; i < players; i++) world.Join($"s-{seed}-{i}", null);
        for (int step = 0; step < steps; step++)
        {
            for (int slot = 0; slot < world.MaxPlayers; slot++)
            {
                if (world.PlayerInSlot(slot) is { } p && random.Next(4) == 0) ArenaWorld.Steer(p, random.Next(-127, 128), random.Next(-127, 128));
            }
            world.Step(Tick);
            if (step < steps - 1) world.ClearChanges();
        }
        return world;
    }

    private static byte[] Keyframe(ArenaWorld world)
    {
        var bytes = new byte[StateFrameWriter.KeyframeSize(world)];
        Assert.Equal(bytes.Length, StateFrameWriter.WriteKeyframe(world, bytes));
        return bytes;
    }

    private static byte[] Delta(ArenaWorld world)
    {
        var bytes = new byte[StateFrameWriter.DeltaSize(world)];
        Assert.Equal(bytes.Length, StateFrameWriter.WriteDelta(world, bytes));
        return bytes;
    }

    private static StateFrame Read(byte[] bytes)
    {
        Assert.True(StateFrameReader.TryRead(bytes, out var frame, out string? error), error);
        return frame;
    }

    [Fact]
    public void The_layout_is_a_little_endian_header_then_fixed_size_records()
    {
        byte[] bytes =
        [
            2, 1, 1, 1, 0x2A, 0x01, 0x00, 0x00,       // delta, 1 player, 1 item, 1 pickup, tick 298
            3, 0x10, 0x00, 0x20, 0x01, 0x05, 0x00,    // slot 3 at (16, 288), score 5
            7, 0x40, 0x01, 0x80, 0x02,                // item 7 at (320, 640)
            9, 3,                                     // item 9 went to slot 3
        ];
        var frame = Read(bytes);
        Assert.Equal(StateFrameKind.Delta, frame.Kind);
        Assert.Equal(298u, frame.Tick);
        Assert.Equal([new PlayerState(3, 16, 288, 5)], frame.Players);
        Assert.Equal([new ArenaItem(7, 320, 640)], frame.Items);
        Assert.Equal([new ItemPickup(9, 3)], frame.Pickups);
    }

    [Fact]
    public void A_keyframe_holds_every_player_and_item_exactly()
    {
        for (int seed = 0; seed < 100; seed++)
        {
            var world = BusyWorld(seed, players: 1 + seed % 8);
            var bytes = Keyframe(world);
            var frame = Read(bytes);

            Assert.Equal(StateFrameKind.Keyframe, frame.Kind);
            Assert.Equal(world.Tick, frame.Tick);
            var expected = Enumerable.Range(0, world.MaxPlayers).Select(world.PlayerInSlot).OfType<ArenaPlayer>()
                .Select(p => new PlayerState(p.Slot, p.X, p.Y, p.Score));
            Assert.Equal(expected, frame.Players);
            Assert.Equal(world.Items.ToArray(), frame.Items);
            Assert.Empty(frame.Pickups);
            Assert.Equal(StateFrameFormat.SizeOf(world.PlayerCount, world.Items.Length, 0), bytes.Length);
        }
    }

    [Fact]
    public void A_delta_holds_only_changed_players_new_items_and_pickups()
    {
        for (int seed = 0; seed < 100; seed++)
        {
            var world = BusyWorld(seed, players: 8);
            var frame = Read(Delta(world));

            Assert.Equal(StateFrameKind.Delta, frame.Kind);
            Assert.Equal(world.Tick, frame.Tick);
            var changed = Enumerable.Range(0, 8).Select(world.PlayerInSlot).Where(p => p!.Changed).Select(p => new PlayerState(p!.Slot, p.X, p.Y, p.Score));
            Assert.Equal(changed, frame.Players);
            var items = world.Items.ToArray();
            Assert.Equal(items.Where((_, i) => world.IsNewItem(i)), frame.Items);
            Assert.Equal(world.Pickups.ToArray(), frame.Pickups);
        }
    }

    [Fact]
    public void A_delta_of_a_quiet_tick_is_the_bare_header()
    {
        var world = BusyWorld(1, players: 3);
        world.ClearChanges();
        for (int slot = 0; slot < 3; slot++) ArenaWorld.Steer(world.PlayerInSlot(slot)!, 0, 0);
        world.Step(Tick);

        var bytes = Delta(world);
        Assert.Equal(StateFrameFormat.HeaderSize, bytes.Length);
        Assert.Equal([(byte)StateFrameKind.Delta, 0, 0, 0], bytes[..4]);
        Assert.Equal(world.Tick, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4)));
    }

    [Fact]
    public void Applying_deltas_to_a_keyframe_tracks_the_world()
    {
        // What a page does: start from a keyframe, then apply each tick's delta; it must end where the world is.
        var world = BusyWorld(42, players: 8, steps: 1);
        var known = Read(Keyframe(world));
        var players = known.Players.ToDictionary(p => p.Slot);
        var items = known.Items.ToDictionary(i => i.Id);
        world.ClearChanges();
        var random = new Random(7);
        for (int step = 0; step < 300; step++)
        {
            for (int slot = 0; slot < 8; slot++)
            {
                if (random.Next(3) == 0) ArenaWorld.Steer(world.PlayerInSlot(slot)!, random.Next(-127, 128), random.Next(-127, 128));
            }
            world.Step(Tick);
            var delta = Read(Delta(world));
            world.ClearChanges();
            foreach (var p in delta.Players) players[p.Slot] = p;
            foreach (var i in delta.Items) items[i.Id] = i;
            foreach (var pickup in delta.Pickups) items.Remove(pickup.ItemId);
        }
        var truth = Read(Keyframe(world));
        Assert.Equal(truth.Players, players.Values.OrderBy(p => p.Slot));
        Assert.Equal(truth.Items.OrderBy(i => i.Id), items.Values.OrderBy(i => i.Id));
    }

    [Fact]
    public void The_buffer_writer_overloads_write_the_same_bytes()
    {
        var world = BusyWorld(3, players: 5);
        var writer = new ArrayBufferWriter<byte>();
        StateFrameWriter.WriteKeyframe(writer, world);
        Assert.Equal(Keyframe(world), writer.WrittenSpan.ToArray());
        writer.ResetWrittenCount();
        StateFrameWriter.WriteDelta(writer, world);
        Assert.Equal(Delta(world), writer.WrittenSpan.ToArray());
    }

    [Fact]
    public void A_too_small_destination_is_refused()
    {
        var world = BusyWorld(4, players: 2);
        Assert.Throws<ArgumentException>(() => StateFrameWriter.WriteKeyframe(world, new byte[StateFrameWriter.KeyframeSize(world) - 1]));
        Assert.Throws<ArgumentException>(() => StateFrameWriter.WriteDelta(world, new byte[StateFrameFormat.HeaderSize - 1]));
    }

    /// <summary>Bad frames and the reader's (and the page's) exact complaint.</summary>
    public static TheoryData<string, byte[], string> BadFrames => new()
    {
        { "short", [1, 0, 0, 0, 0, 0, 0], "frame of 7 bytes is shorter than the 8-byte header" },
        { "kind", [3, 0, 0, 0, 0, 0, 0, 0], "unknown frame kind 3" },
        { "counts", [2, 1, 0, 0, 0, 0, 0, 0, 0, 0], "frame of 10 bytes, its counts need 15" },
        { "trailing", [2, 0, 0, 0, 0, 0, 0, 0, 9], "frame of 9 bytes, its counts need 8" },
        { "keyframe pickups", [1, 0, 0, 1, 0, 0, 0, 0, 1, 2], "a keyframe lists no pickups" },
        { "slot", [2, 1, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0], "player slot 8 out of range" },
        { "twice", [2, 2, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0], "player slot 1 listed twice" },
        { "x", [2, 1, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x4B, 0, 0, 0, 0], "position (19201, 0) outside the field" },
        { "item y", [2, 0, 1, 0, 0, 0, 0, 0, 4, 0, 0, 0xC1, 0x2B], "position (0, 11201) outside the field" },
        { "item twice", [1, 0, 2, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 4, 0, 0, 0, 0], "item 4 listed twice" },
        { "pickup slot", [2, 0, 0, 1, 0, 0, 0, 0, 4, 200], "player slot 200 out of range" },
    };

    [Theory]
    [MemberData(nameof(BadFrames))]
    public void A_bad_frame_is_refused_with_what_is_wrong(string _, byte[] bytes, string expected)
    {
        Assert.False(StateFrameReader.TryRead(bytes, out var frame, out string? error));
        Assert.Null(frame);
        Assert.Equal(expected, error);
    }

    [Fact]
    public void The_reader_never_throws_on_arbitrary_bytes()
    {
        var random = new Random(99);
        var valid = Keyframe(BusyWorld(5, players: 4));
        for (int i = 0; i < 5000; i++)
        {
            // Half mutations of a valid frame (the interesting neighbourhood), half noise.
            byte[] bytes = i % 2 == 0 ? (byte[])valid.Clone() : new byte[random.Next(0, 64)];
            if (i % 2 == 0) bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            else random.NextBytes(bytes);
            bool ok = StateFrameReader.TryRead(bytes, out var frame, out string? error);
            Assert.True(ok ? frame is not null && error is null : frame is null && !string.IsNullOrEmpty(error));
        }
    }

    [Fact]
    public void Stepping_and_encoding_allocate_nothing_once_warm()
    {
        var world = BusyWorld(6, players: 8);
        var writer = new ArrayBufferWriter<byte>(1024);
        void OneTick(int step)
        {
            // Every player steers every tick: the busiest delta there is.
            for (int slot = 0; slot < 8; slot++) ArenaWorld.Steer(world.PlayerInSlot(slot)!, (step * 7 + slot * 31) % 255 - 127, (step * 13 + slot * 17) % 255 - 127);
            world.Step(Tick);
            writer.ResetWrittenCount();
            if (step % 30 == 0) StateFrameWriter.WriteKeyframe(writer, world);
            else StateFrameWriter.WriteDelta(writer, world);
            world.ClearChanges();
        }
        for (int step = 0; step < 100; step++) OneTick(step);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int step = 100; step < 1100; step++) OneTick(step);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }
}
