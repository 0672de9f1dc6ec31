using System.Buffers;
using System.Text.Json;
using ActorWs.Hosting.Configuration;
using ActorWs.Samples.Arena;
using ActorWs.Samples.Arena.Protocol;
using ActorWs.Samples.Arena.Settings;
using ActorWs.Samples.Arena.Simulation;

namespace ActorWs.Samples.Tests.Arena;

/// <summary>What clients send (inputs, names), what the roster says, and the sample's settings.</summary>
public sealed class ArenaInputTests
{
    [Theory]
    [InlineData(new byte[] { 0x01, 0x7F, 0x00 }, 127, 0)]
    [InlineData(new byte[] { 0x01, 0x00, 0x81 }, 0, -127)]
    [InlineData(new byte[] { 0x01, 0x80, 0x80 }, -127, -127)]  // -128 has no positive twin: read as -127
    [InlineData(new byte[] { 0x01, 0x5A, 0xA6 }, 90, -90)]
    [InlineData(new byte[] { 0x01, 0x00, 0x00 }, 0, 0)]
    public void A_steer_input_is_three_bytes_with_signed_components(byte[] bytes, int x, int y)
    {
        Assert.True(ArenaInput.TryParse(bytes, out var input, out string? error), error);
        Assert.Equal(new ArenaInput(ArenaInputKind.Steer, x, y), input);
    }

    [Fact]
    public void A_sync_request_is_one_byte()
    {
        Assert.True(ArenaInput.TryParse([0x02], out var input, out _));
        Assert.Equal(ArenaInputKind.Sync, input.Kind);
    }

    [Theory]
    [InlineData(new byte[0], "empty input: send 0x01 dx dy (steer) or 0x02 (sync)")]
    [InlineData(new byte[] { 0x01, 0x10 }, "a steer input is 3 bytes (0x01, dx, dy), got 2")]
    [InlineData(new byte[] { 0x01, 0x10, 0x10, 0x10 }, "a steer input is 3 bytes (0x01, dx, dy), got 4")]
    [InlineData(new byte[] { 0x02, 0x00 }, "a sync request is 1 byte (0x02), got 2")]
    [InlineData(new byte[] { 0x07 }, "unknown input type 0x07: send 0x01 dx dy (steer) or 0x02 (sync)")]
    [InlineData(new byte[] { 0xFF, 0x01, 0x01 }, "unknown input type 0xff: send 0x01 dx dy (steer) or 0x02 (sync)")]
    public void A_bad_input_gets_a_precise_error(byte[] bytes, string expected)
    {
        Assert.False(ArenaInput.TryParse(bytes, out _, out string? error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void No_byte_string_makes_the_parser_throw()
    {
        var random = new Random(5);
        for (int i = 0; i < 5000; i++)
        {
            var bytes = new byte[random.Next(0, 6)];
            random.NextBytes(bytes);
            bool ok = ArenaInput.TryParse(bytes, out var input, out string? error);
            bool wellFormed = bytes.Length > 0 && ((bytes[0] == 1 && bytes.Length == 3) || (bytes[0] == 2 && bytes.Length == 1));
            Assert.Equal(wellFormed, ok);
            Assert.Equal(ok, error is null);
            if (ok) Assert.InRange(Math.Max(Math.Abs(input.X), Math.Abs(input.Y)), 0, ArenaRules.MaxSteer);
        }
    }

    [Theory]
    [InlineData("{}", true, null)]
    [InlineData("{\"name\":null}", true, null)]
    [InlineData("{\"name\":\"  Ada  \"}", true, "Ada")]
    [InlineData("{\"name\":\"Zoë-2_b\"}", true, "Zoë-2_b")]
    [InlineData("{\"name\":\"\"}", false, null)]
    [InlineData("{\"name\":\"   \"}", false, null)]
    [InlineData("{\"name\":\"abcdefghijklmnopq\"}", false, null)]
    [InlineData("{\"name\":\"<script>\"}", false, null)]
    [InlineData("{\"name\":42}", false, null)]
    [InlineData("[]", true, null)]
    public void A_requested_name_follows_the_rule(string options, bool accepted, string? expected)
    {
        using var json = JsonDocument.Parse(options);
        Assert.Equal(accepted, PlayerName.TryRead(json.RootElement, out string? name, out string? error));
        Assert.Equal(expected, name);
        Assert.Equal(accepted ? null : PlayerName.Rule, error);
    }

    [Fact]
    public void The_roster_names_every_player_with_slot_colour_and_the_world()
    {
        var world = new ArenaWorld(ArenaWorldOptions.Default, new Random(1));
        world.Join("s-a", "Ada");
        world.Join("s-b", null);
        var writer = new ArrayBufferWriter<byte>();
        RosterMessage.Write(writer, world, "arena-7", tickRate: 30, keyframeEvery: 45);

        using var json = JsonDocument.Parse(writer.WrittenMemory);
        var root = json.RootElement;
        Assert.Equal("roster", root.GetProperty("t").GetString());
        Assert.Equal("arena-7", root.GetProperty("room").GetString());
        Assert.Equal(30, root.GetProperty("tickRate").GetInt32());
        Assert.Equal(45, root.GetProperty("keyframeEvery").GetInt32());
        Assert.Equal(8, root.GetProperty("maxPlayers").GetInt32());
        var w = root.GetProperty("world");
        Assert.Equal((ArenaRules.WorldWidth, ArenaRules.WorldHeight, ArenaRules.FixedPointScale),
            (w.GetProperty("width").GetInt32(), w.GetProperty("height").GetInt32(), w.GetProperty("scale").GetInt32()));
        var players = root.GetProperty("players").EnumerateArray().Select(p =>
            (p.GetProperty("slot").GetInt32(), p.GetProperty("id").GetString(), p.GetProperty("name").GetString(), p.GetProperty("color").GetString())).ToArray();
        Assert.Equal([(0, "s-a", "Ada", "#ff6b6b"), (1, "s-b", "Sky", "#4dabf7")], players);
    }

    [Fact]
    public void The_settings_default_to_arena_conf()
    {
        // arena.conf is copied next to the tests with the sample; unset keys would take the same defaults.
        using var host = ArenaApp.Build(["--port", "0"]);
        var settings = (ArenaSettings)host.Services.GetService(typeof(ArenaSettings))!;
        Assert.Equal(ArenaSettings.Default, settings);
    }

    [Fact]
    public void A_bad_setting_stops_the_start_naming_the_setting()
    {
        var ex = Assert.Throws<ConfigurationValidationException>(() => ArenaApp.Build(["--port", "0", "--arena:tick-rate=500", "--arena:max-players=9"]));
        Assert.Equal(2, ex.Errors.Count);
        Assert.StartsWith("arena.tick-rate", ex.Errors[0]);
        Assert.Contains("500", ex.Errors[0]);
        Assert.StartsWith("arena.max-players", ex.Errors[1]);
    }
}
