using ActorWs.Samples.Arena.Simulation;

namespace ActorWs.Samples.Tests.Arena;

/// <summary>The arena simulation on its own: movement, walls, input expiry, slots, items and pickups.</summary>
public sealed class ArenaWorldTests
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1.0 / 30);
    private const double Fixed = ArenaRules.FixedPointScale;

    private static ArenaWorld NewWorld(int seed, ArenaWorldOptions? options = null) => new(options ?? ArenaWorldOptions.Default, new Random(seed));

    private static void Run(ArenaWorld world, TimeSpan duration)
    {
        long steps = (long)Math.Round(duration / Tick);
        for (long i = 0; i < steps; i++)
        {
            world.Step(Tick);
            world.ClearChanges();
        }
    }

    /// <summary>+1 or −1: the horizontal direction with more room ahead (at least half the field).</summary>
    private static int TowardsCentre(ArenaPlayer player) => player.X < ArenaRules.WorldWidth * Fixed / 2 ? 1 : -1;

    [Fact]
    public void A_full_steer_moves_the_dot_at_the_top_speed()
    {
        var world = NewWorld(1);
        var player = world.Join("s-1", null)!;
        int direction = TowardsCentre(player);
        int x0 = player.X, y0 = player.Y;

        ArenaWorld.Steer(player, 127 * direction, 0);
        Run(world, TimeSpan.FromMilliseconds(200));

        double moved = (player.X - x0) / Fixed;
        Assert.InRange(moved * direction, ArenaRules.MaxSpeed * 0.2 - 0.1, ArenaRules.MaxSpeed * 0.2 + 0.1);
        Assert.Equal(y0, player.Y);
    }

    [Fact]
    public void A_diagonal_is_no_faster_and_a_short_input_is_slower()
    {
        var world = NewWorld(2);
        var diagonal = world.Join("s-1", null)!;
        var gentle = world.Join("s-2", null)!;
        int dx = TowardsCentre(diagonal), dy = diagonal.Y < ArenaRules.WorldHeight * Fixed / 2 ? 1 : -1;
        int gx = TowardsCentre(gentle);
        var (d0, g0) = ((diagonal.X, diagonal.Y), gentle.X);

        ArenaWorld.Steer(diagonal, 127 * dx, 127 * dy);
        ArenaWorld.Steer(gentle, 127 * gx / 2, 0);  // half the length: half the speed
        Run(world, TimeSpan.FromMilliseconds(100));

        double distance = Math.Sqrt(Math.Pow(diagonal.X - d0.X, 2) + Math.Pow(diagonal.Y - d0.Y, 2)) / Fixed;
        Assert.InRange(distance, 30 - 0.2, 30 + 0.2);
        Assert.InRange((gentle.X - g0) * gx / Fixed, 30.0 * 63 / 127 - 0.2, 30.0 * 63 / 127 + 0.2);
    }

    [Fact]
    public void Walls_hold_the_whole_dot_inside_the_field()
    {
        var world = NewWorld(3);
        var player = world.Join("s-1", null)!;
        for (int i = 0; i < 20; i++)
        {
            ArenaWorld.Steer(player, -127, -127); // repeated, as the page does, so it does not expire
            Run(world, TimeSpan.FromMilliseconds(500));
        }
        Assert.Equal(ArenaRules.PlayerRadius * ArenaRules.FixedPointScale, player.X);
        Assert.Equal(ArenaRules.PlayerRadius * ArenaRules.FixedPointScale, player.Y);

        for (int i = 0; i < 20; i++)
        {
            ArenaWorld.Steer(player, 127, 127);
            Run(world, TimeSpan.FromMilliseconds(500));
        }
        Assert.Equal((ArenaRules.WorldWidth - ArenaRules.PlayerRadius) * ArenaRules.FixedPointScale, player.X);
        Assert.Equal((ArenaRules.WorldHeight - ArenaRules.PlayerRadius) * ArenaRules.FixedPointScale, player.Y);
    }

    [Fact]
    public void An_input_not_repeated_within_the_hold_time_stops_the_dot()
    {
        var world = NewWorld(4, ArenaWorldOptions.Default with { MaxItems = 0 });
        var player = world.Join("s-1", null)!;
        int direction = TowardsCentre(player);
        int x0 = player.X;

        ArenaWorld.Steer(player, 127 * direction, 0);
        Run(world, TimeSpan.FromSeconds(1.5));

        double moved = (player.X - x0) * direction / Fixed;
        // One second of top speed (plus at most the tick that crossed the limit), then nothing.
        Assert.InRange(moved, ArenaRules.MaxSpeed * 1.0 - 0.1, ArenaRules.MaxSpeed * (1.0 + 1.0 / 30) + 0.1);
        Assert.Equal(0, player.SteerX);
        int stoppedAt = player.X;
        world.Step(Tick);
        Assert.Equal(stoppedAt, player.X);
        Assert.False(player.Changed);
    }

    [Fact]
    public void A_long_stall_moves_players_one_capped_step_not_across_the_field()
    {
        var world = NewWorld(5);
        var player = world.Join("s-1", null)!;
        int direction = TowardsCentre(player);
        int x0 = player.X;
        ArenaWorld.Steer(player, 127 * direction, 0);

        world.Step(TimeSpan.FromSeconds(0.5));  // within the input hold, but past the step cap

        Assert.InRange((player.X - x0) * direction / Fixed, ArenaRules.MaxSpeed * ArenaRules.MaxStep.TotalSeconds - 0.1, ArenaRules.MaxSpeed * ArenaRules.MaxStep.TotalSeconds + 0.1);
        Assert.Equal(1u, world.Tick);
    }

    [Fact]
    public void Players_take_the_lowest_free_slot_and_a_full_world_takes_no_more()
    {
        var world = NewWorld(6);
        var players = Enumerable.Range(0, 8).Select(i => world.Join($"s-{i}", i == 0 ? "Ada" : null)!).ToArray();
        Assert.Equal(Enumerable.Range(0, 8), players.Select(p => p.Slot));
        Assert.Equal("Ada", players[0].Name);
        Assert.Equal(ArenaRules.SlotLooks[5].Name, players[5].Name);
        Assert.Equal(ArenaRules.SlotLooks[5].Color, players[5].Color);
        Assert.Null(world.Join("s-9", null));
        Assert.Same(players[2], world.Join("s-2", null));  // joining again is the same player
        Assert.Equal(8, world.PlayerCount);

        Assert.True(world.Leave("s-3"));
        Assert.False(world.Leave("s-3"));
        Assert.Null(world.PlayerInSlot(3));
        var late = world.Join("s-10", null)!;
        Assert.Equal(3, late.Slot);
        Assert.Equal(8, world.PlayerCount);
        Assert.Same(late, world.Find("s-10"));
        Assert.Null(world.Find("s-3"));
    }

    [Fact]
    public void Only_what_changed_is_reported_and_clearing_starts_afresh()
    {
        var world = NewWorld(7);
        Assert.Equal(5, world.NewItemCount);  // the first items are news for the first frame
        var still = world.Join("s-1", null)!;
        var mover = world.Join("s-2", null)!;
        Assert.True(still.Changed && mover.Changed); // a joiner is news
        world.Step(Tick);
        world.ClearChanges();
        Assert.False(world.HasChanges);
        Assert.Equal(0, world.NewItemCount);

        world.Step(Tick);
        Assert.False(world.HasChanges);  // nobody steers, the field is full: nothing to say

        ArenaWorld.Steer(mover, TowardsCentre(mover) * 127, 0);
        world.Step(Tick);
        Assert.True(world.HasChanges);
        Assert.Equal(1, world.ChangedPlayerCount);
        Assert.True(mover.Changed);
        Assert.False(still.Changed);
    }

    [Fact]
    public void Steering_onto_an_item_scores_a_point_and_a_new_item_appears_after_the_respawn_time()
    {
        var world = NewWorld(8, ArenaWorldOptions.Default with { MaxItems = 1, ItemRespawn = TimeSpan.FromSeconds(1) });
        var player = world.Join("s-1", null)!;
        world.ClearChanges();
        var target = world.Items[0];

        ItemPickup? pickup = null;
        for (int step = 0; step < 30 * 10 && pickup is null; step++)
        {
            // The page's pointer steering: head for the target, slowing down close to it.
            double dx = target.X - player.X, dy = target.Y - player.Y, length = Math.Max(1, Math.Sqrt(dx * dx + dy * dy));
            double throttle = Math.Min(1, length / (120 * Fixed));
            ArenaWorld.Steer(player, (int)Math.Round(dx / length * throttle * 127), (int)Math.Round(dy / length * throttle * 127));
            world.Step(Tick);
            foreach (var p in world.Pickups)
            {
                if (p.ItemId == target.Id) pickup = p;
            }
            if (pickup is null) world.ClearChanges();
        }

        Assert.NotNull(pickup);
        Assert.Equal((byte)player.Slot, pickup.Value.Slot);
        Assert.True(player.Changed);
        Assert.Equal(1, player.Score);
        Assert.Empty(world.Items.ToArray());
        world.ClearChanges();
        Assert.Empty(world.Pickups.ToArray());

        ArenaWorld.Steer(player, 0, 0);
        Run(world, TimeSpan.FromSeconds(0.9));
        Assert.Empty(world.Items.ToArray());
        world.Step(TimeSpan.FromSeconds(0.2));
        var respawned = Assert.Single(world.Items.ToArray());
        Assert.NotEqual(target.Id, respawned.Id);  // a fresh id: no page confuses it with the one just taken
        Assert.True(world.IsNewItem(0));
        Assert.Equal(1, world.NewItemCount);
    }

    // The samples' test project has no FsCheck: the property checks below draw their cases from seeded
    // generators instead (many cases, the same ones on every run).

    [Fact]
    public void Items_lie_within_the_margins_with_distinct_ids_whatever_the_seed()
    {
        for (int seed = 0; seed < 300; seed++)
        {
            var world = NewWorld(seed, ArenaWorldOptions.Default with { MaxItems = ArenaRules.MaxItemsLimit });
            var items = world.Items.ToArray();
            Assert.Equal(ArenaRules.MaxItemsLimit, items.Length);
            Assert.Equal(items.Length, items.Select(i => i.Id).Distinct().Count());
            Assert.All(items, i =>
            {
                Assert.InRange((double)i.X, ArenaRules.ItemMargin * Fixed, (ArenaRules.WorldWidth - ArenaRules.ItemMargin) * Fixed);
                Assert.InRange((double)i.Y, ArenaRules.ItemMargin * Fixed, (ArenaRules.WorldHeight - ArenaRules.ItemMargin) * Fixed);
            });
        }
    }

    [Fact]
    public void Whatever_the_inputs_dots_stay_inside_and_never_outrun_the_speed_cap()
    {
        var cases = new Random(20240);
        for (int run = 0; run < 200; run++)
        {
            var world = NewWorld(cases.Next());
            var player = world.Join("s-1", null)!;
            for (int step = 0; step < 60; step++)
            {
                ArenaWorld.Steer(player, cases.Next(-128, 128), cases.Next(-128, 128));
                int x0 = player.X, y0 = player.Y;
                var elapsed = TimeSpan.FromMilliseconds(cases.Next(0, 251));
                world.Step(elapsed);
                // Positions travel rounded to whole fixed-point steps: up to half a step off on each axis.
                double cap = ArenaRules.MaxSpeed * Math.Min(elapsed.TotalSeconds, ArenaRules.MaxStep.TotalSeconds) * Fixed + Math.Sqrt(2);
                Assert.True(Math.Sqrt(Math.Pow(player.X - x0, 2) + Math.Pow(player.Y - y0, 2)) <= cap, $"run {run} step {step} outran the cap");
                Assert.InRange((double)player.X, ArenaRules.PlayerRadius * Fixed, (ArenaRules.WorldWidth - ArenaRules.PlayerRadius) * Fixed);
                Assert.InRange((double)player.Y, ArenaRules.PlayerRadius * Fixed, (ArenaRules.WorldHeight - ArenaRules.PlayerRadius) * Fixed);
                world.ClearChanges();
            }
        }
    }

    [Fact]
    public void Options_outside_their_ranges_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => NewWorld(0, ArenaWorldOptions.Default with { MaxPlayers = 9 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => NewWorld(0, ArenaWorldOptions.Default with { MaxPlayers = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => NewWorld(0, ArenaWorldOptions.Default with { MaxItems = 33 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => NewWorld(0, ArenaWorldOptions.Default with { ItemRespawn = TimeSpan.FromSeconds(-1) }));
    }
}
