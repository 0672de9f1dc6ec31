using System.Text.Encodings.Web;
using System.Text.Json;
using ActorWs.Samples.Arena;
using ActorWs.Samples.Arena.Protocol;
using ActorWs.Samples.Arena.Simulation;
using ActorWs.Samples.Tests.Infrastructure;
using Microsoft.Playwright;

namespace ActorWs.Samples.Tests.Arena;

/// <summary>
/// The page's own modules run in Chromium against the C# side: the JavaScript decoder reads exactly what the server
/// writes (and refuses exactly what the C# reader refuses), steer inputs parse as intended, and interpolation
/// behaves as documented.
/// </summary>
[Collection(SamplesCollection.Name)]
public sealed class ArenaScriptTests(ChromiumFixture fixture) : HostedPageTest(fixture.Chromium, ArenaApp.Build)
{
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };


    /// <summary>What <c>decodeStateFrame</c> returns, as JSON, computed with the C# reader.</summary>
    private static string ExpectedDecoding(byte[] bytes) => StateFrameReader.TryRead(bytes, out var frame, out string? error)
        ? JsonSerializer.Serialize(new
        {
            ok = true,
            frame = new
            {
                kind = (int)frame.Kind,
                tick = frame.Tick,
                players = frame.Players.Select(p => new { slot = p.Slot, x = p.X, y = p.Y, score = p.Score }),
                items = frame.Items.Select(i => new { id = (int)i.Id, x = i.X, y = i.Y }),
                pickups = frame.Pickups.Select(p => new { itemId = (int)p.ItemId, slot = (int)p.Slot }),
            },
        }, Json)
        : JsonSerializer.Serialize(new { ok = false, error }, Json);

    private static IEnumerable<byte[]> FramesToCompare()
    {
        for (int seed = 0; seed < 40; seed++)
        {
            var world = StateFrameTests.BusyWorld(seed, players: 1 + seed % 8);
            var keyframe = new byte[StateFrameWriter.KeyframeSize(world)];
            StateFrameWriter.WriteKeyframe(world, keyframe);
            var delta = new byte[StateFrameWriter.DeltaSize(world)];
            StateFrameWriter.WriteDelta(world, delta);
            yield return keyframe;
            yield return delta;
        }
        foreach (var row in StateFrameTests.BadFrames) yield return (byte[])row[1];
        // Mutations: whatever one reader accepts or refuses (and why), so does the other.
        var random = new Random(3);
        var valid = new byte[StateFrameWriter.KeyframeSize(StateFrameTests.BusyWorld(77, 6))];
        StateFrameWriter.WriteKeyframe(StateFrameTests.BusyWorld(77, 6), valid);
        for (int i = 0; i < 300; i++)
        {
            var bytes = (byte[])valid.Clone();
            bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            yield return i % 10 == 0 ? bytes[..random.Next(bytes.Length)] : bytes;
        }
    }

    [Fact]
    public async Task The_page_decodes_what_the_server_encodes_and_refuses_what_the_reader_refuses()
    {
        var page = await OpenAsync(Sample.Http("/"));
        var frames = FramesToCompare().ToArray();
        string[] decoded = await page.EvaluateAsync<string[]>("""
            async frames => {
              const { decodeStateFrame } = await import('/protocol.js');
              return frames.map(b64 => JSON.stringify(decodeStateFrame(Uint8Array.from(atob(b64), c => c.charCodeAt(0)))));
            }
            """, frames.Select(Convert.ToBase64String).ToArray());

        Assert.Equal(frames.Length, decoded.Length);
        for (int i = 0; i < frames.Length; i++) Assert.Equal(ExpectedDecoding(frames[i]), decoded[i]);
        Assert.Contains(decoded, d => d.StartsWith("{\"ok\":true", StringComparison.Ordinal));
        Assert.Contains(decoded, d => d.StartsWith("{\"ok\":false", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_page_knows_the_field_the_server_simulates()
    {
        var page = await OpenAsync(Sample.Http("/"));
        var world = await page.EvaluateAsync<JsonElement>("async () => (await import('/protocol.js')).WORLD");
        Assert.Equal(ArenaRules.WorldWidth, world.GetProperty("width").GetInt32());
        Assert.Equal(ArenaRules.WorldHeight, world.GetProperty("height").GetInt32());
        Assert.Equal(ArenaRules.FixedPointScale, world.GetProperty("scale").GetInt32());
        Assert.Equal(ArenaRules.PlayerRadius, world.GetProperty("playerRadius").GetInt32());
        Assert.Equal(ArenaRules.ItemRadius, world.GetProperty("itemRadius").GetInt32());
        Assert.Equal(ArenaRules.MaxSteer, await page.EvaluateAsync<int>("async () => (await import('/protocol.js')).MAX_STEER"));
    }

    [Fact]
    public async Task Steer_inputs_from_the_page_parse_on_the_server_as_intended()
    {
        (double Dx, double Dy, int X, int Y)[] cases =
        [
            (1, 0, 127, 0),       // right arrow
            (0, -1, 0, -127),     // up arrow
            (1, 1, 90, 90),       // two arrows: the same top speed, diagonally
            (3, 4, 76, 102),      // longer than 1: capped at full speed, direction kept
            (0.5, 0, 64, 0),      // pointer close to the dot: half speed
            (-0.5, 0, -63, 0),    // JavaScript rounds halves up
            (0, 0, 0, 0),         // released: stop
        ];
        var page = await OpenAsync(Sample.Http("/"));
        int[][] encoded = await page.EvaluateAsync<int[][]>("""
            async vectors => {
              const { encodeSteer } = await import('/protocol.js');
              return vectors.map(([dx, dy]) => [...encodeSteer(dx, dy)]);
            }
            """, cases.Select(c => new[] { c.Dx, c.Dy }).ToArray());

        for (int i = 0; i < cases.Length; i++)
        {
            byte[] bytes = encoded[i].Select(b => (byte)b).ToArray();
            Assert.True(ArenaInput.TryParse(bytes, out var input, out string? error), error);
            Assert.Equal(new ArenaInput(ArenaInputKind.Steer, cases[i].X, cases[i].Y), input);
        }
        int[] sync = await page.EvaluateAsync<int[]>("async () => [...(await import('/protocol.js')).encodeSync()]");
        Assert.True(ArenaInput.TryParse(sync.Select(b => (byte)b).ToArray(), out var syncInput, out _));
        Assert.Equal(ArenaInputKind.Sync, syncInput.Kind);
    }

    [Fact]
    public async Task Interpolation_glides_between_server_states_and_holds_a_dot_still_through_skipped_ticks()
    {
        var page = await OpenAsync(Sample.Http("/"));
        var samples = await page.EvaluateAsync<JsonElement>("""
            async () => {
              const { Timeline, TickClock } = await import('/timeline.js');
              const t = new Timeline();
              const at = (slot, x, y) => new Map([[slot, { x, y }]]);
              t.push(10, at(0, 0, 50));
              t.push(20, at(0, 100, 50));    // ticks 11-19 sent nothing: the dot stood still until 19
              t.push(21, at(0, 110, 50));
              const x = tick => t.sample(tick).get(0).x;
              const clock = new TickClock(30);
              clock.observe(100, 1000);       // tick 100 arrived at 1000 ms
              clock.observe(101, 1040);       // tick 101 arrived 7 ms late: the estimate moves only a little
              const before = clock.tickAt(1000);
              clock.observe(50, 5000);        // a fresh world (restarted room): start over
              return { stillAt15: x(15), halfwayTo20: x(19.5), at20_5: x(20.5), past: x(30), before: x(5),
                       clockAt1000: before, clockAt1100: clock.tickAt(1100 + 4000), frames: t.length };
            }
            """);
        Assert.Equal(0, samples.GetProperty("stillAt15").GetDouble());
        Assert.Equal(50, samples.GetProperty("halfwayTo20").GetDouble());
        Assert.Equal(105, samples.GetProperty("at20_5").GetDouble());
        Assert.Equal(110, samples.GetProperty("past").GetDouble());   // never guessed ahead of the newest state
        Assert.Equal(0, samples.GetProperty("before").GetDouble());
        Assert.InRange(samples.GetProperty("clockAt1000").GetDouble(), 99.95, 100);
        Assert.Equal(53, samples.GetProperty("clockAt1100").GetDouble(), precision: 9);
        Assert.Equal(4, samples.GetProperty("frames").GetInt32());
    }
}
