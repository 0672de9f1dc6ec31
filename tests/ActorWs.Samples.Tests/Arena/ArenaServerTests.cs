using System.Net;
using System.Text.Json;
using ActorWs.Client;
using ActorWs.Client.Events;
using ActorWs.Client.Requests;
using ActorWs.Samples.Arena;
using ActorWs.Samples.Arena.Protocol;
using ActorWs.Samples.Tests.Infrastructure;

namespace ActorWs.Samples.Tests.Arena;

/// <summary>The arena server without a browser: matchmaking, the room's messages and refusals, seen by .NET client bots; its HTTP side.</summary>
[Collection(SamplesCollection.Name)]
public sealed class ArenaServerTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private readonly List<ActorWsClient> _bots = [];
    private SampleHost _host = null!;

    public async Task InitializeAsync() => _host = await SampleHost.StartAsync(ArenaApp.Build);

    public async Task DisposeAsync()
    {
        foreach (var bot in _bots) await bot.DisposeAsync();
        await _host.DisposeAsync();
    }

    private async Task<ActorWsClient> BotAsync()
    {
        var bot = new ActorWsClient(_host.Ws("/ws"));
        _bots.Add(bot);
        await bot.ConnectAsync().WaitAsync(Wait);
        return bot;
    }

    /// <summary>The next event of type <typeparamref name="T"/> matching <paramref name="match"/> (bounded wait).</summary>
    private static async Task<T> NextAsync<T>(ActorWsClient bot, Func<T, bool>? match = null) where T : ClientEvent
    {
        using var timeout = new CancellationTokenSource(Wait);
        await foreach (var e in bot.Events.ReadAllAsync(timeout.Token))
        {
            if (e is T t && (match is null || match(t))) return t;
        }
        throw new InvalidOperationException("the event stream ended");
    }

    private static bool IsRoster(RoomMessage m, int players) =>
        m.Data.ValueKind == JsonValueKind.Object && m.Data.TryGetProperty("t", out var t) && t.GetString() == RosterMessage.Type
        && m.Data.GetProperty("players").GetArrayLength() == players;

    private static StateFrame Frame(BinaryReceived binary)
    {
        Assert.True(StateFrameReader.TryRead(binary.Payload.Span, out var frame, out string? error), error);
        return frame;
    }

    [Fact]
    public async Task Eight_players_fill_an_arena_and_the_ninth_lands_in_a_second_one()
    {
        var rooms = new List<string>();
        for (int i = 0; i < 9; i++)
        {
            var bot = await BotAsync();
            rooms.Add((await bot.JoinOrCreateAsync("arena", new { name = $"Bot {i}" }).WaitAsync(Wait)).Room);
        }

        Assert.Single(rooms.Take(8).Distinct());
        Assert.NotEqual(rooms[0], rooms[8]);
        var listing = await _bots[0].ListRoomsAsync("arena").WaitAsync(Wait);
        Assert.Equal([(rooms[0], 8, 8), (rooms[8], 1, 8)], listing.Select(r => (r.Room, r.Clients, r.MaxClients ?? 0)).OrderBy(r => r.Item2 == 1));

        // The first player's roster ends up listing all eight, named as asked, in slots 0-7.
        var roster = await NextAsync<RoomMessage>(_bots[0], m => IsRoster(m, 8));
        var players = roster.Data.GetProperty("players").EnumerateArray().ToArray();
        Assert.Equal(Enumerable.Range(0, 8), players.Select(p => p.GetProperty("slot").GetInt32()));
        Assert.Equal(Enumerable.Range(0, 8).Select(i => $"Bot {i}"), players.Select(p => p.GetProperty("name").GetString()));
        Assert.Equal(_bots.Take(8).Select(b => b.SessionId), players.Select(p => p.GetProperty("id").GetString()));

        // The ninth is alone in its arena: its join brought a roster of one and a keyframe with its own dot.
        await NextAsync<RoomMessage>(_bots[8], m => IsRoster(m, 1));
        var keyframe = Frame(await NextAsync<BinaryReceived>(_bots[8]));
        Assert.Equal(StateFrameKind.Keyframe, keyframe.Kind);
        Assert.Equal(0, Assert.Single(keyframe.Players).Slot);
    }

    [Fact]
    public async Task A_steering_bot_moves_in_the_frames_others_receive()
    {
        var mover = await BotAsync();
        var watcher = await BotAsync();
        await mover.JoinOrCreateAsync("arena").WaitAsync(Wait);
        await watcher.JoinOrCreateAsync("arena").WaitAsync(Wait);

        // The watcher starts from its keyframe (the mover is slot 0), then follows the deltas.
        var start = Frame(await NextAsync<BinaryReceived>(watcher, b => Frame(b).Kind == StateFrameKind.Keyframe)).Players.Single(p => p.Slot == 0);
        sbyte direction = (sbyte)(start.X < 600 * 16 ? 127 : -127);
        byte[] steer = [(byte)ArenaInputKind.Steer, (byte)direction, 0];
        // Like the page, the bot repeats its input while it steers (the room drops an input not heard again within 1 s).
        using var steering = new CancellationTokenSource();
        var repeating = Task.Run(async () =>
        {
            using var every = new PeriodicTimer(TimeSpan.FromMilliseconds(300));
            do await mover.SendBinaryAsync(steer, steering.Token);
            while (await every.WaitForNextTickAsync(steering.Token));
        });

        BinaryReceived moved;
        try
        {
            moved = await NextAsync<BinaryReceived>(watcher, b => Frame(b).Players.Any(p => p.Slot == 0 && Math.Abs(p.X - start.X) > 60 * 16));
        }
        finally
        {
            await steering.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => repeating);
        }
        var frame = Frame(moved);
        Assert.Equal(start.Y, frame.Players.Single(p => p.Slot == 0).Y);
        Assert.True(frame.Tick > 0);
    }

    [Fact]
    public async Task Bad_inputs_and_bad_names_are_refused_with_the_reason_and_the_room_carries_on()
    {
        var bot = await BotAsync();
        var joined = await bot.JoinOrCreateAsync("arena").WaitAsync(Wait);

        await bot.SendBinaryAsync(new byte[] { 0x07 });
        Assert.Equal("unknown input type 0x07: send 0x01 dx dy (steer) or 0x02 (sync)", (await NextAsync<ServerError>(bot)).Reason);
        await bot.SendBinaryAsync(new byte[] { 0x01, 0x10 });
        Assert.Equal("a steer input is 3 bytes (0x01, dx, dy), got 2", (await NextAsync<ServerError>(bot)).Reason);
        await bot.SendBinaryAsync(new byte[ArenaApp.MaxMessageBytes + 1]);
        Assert.Equal($"message larger than {ArenaApp.MaxMessageBytes} bytes", (await NextAsync<ServerError>(bot)).Reason);
        await bot.SendAsync(joined.Room, new { hello = "arena" });
        Assert.Equal("the arena takes binary inputs: 0x01 dx dy (steer) or 0x02 (sync)", (await NextAsync<ServerError>(bot)).Reason);

        // Still in, still served: a sync brings the roster and a keyframe.
        await bot.SendBinaryAsync(new byte[] { (byte)ArenaInputKind.Sync });
        await NextAsync<RoomMessage>(bot, m => IsRoster(m, 1) && m.Room == joined.Room);
        Assert.Equal(StateFrameKind.Keyframe, Frame(await NextAsync<BinaryReceived>(bot, b => Frame(b).Kind == StateFrameKind.Keyframe)).Kind);

        var other = await BotAsync();
        var refused = await Assert.ThrowsAsync<ActorWsRequestException>(() => other.JoinOrCreateAsync("arena", new { name = "<script>" }).WaitAsync(Wait));
        Assert.Equal(RequestFailure.Rejected, refused.Failure);
        Assert.Equal(PlayerName.Rule, refused.Reason);
    }

    [Theory]
    [InlineData("/", "text/html", "<canvas id=\"field\"")]
    [InlineData("/arena.js", "text/javascript", "window.arena")]
    [InlineData("/protocol.js", "text/javascript", "export function decodeStateFrame")]
    [InlineData("/arena.css", "text/css", ".badge")]
    [InlineData("/actorws.js", "text/javascript", "export class ActorWsClient")]
    [InlineData("/health", "application/json", "{\"status\":\"ok\"}")]
    public async Task The_page_the_browser_client_and_health_are_served(string path, string contentType, string content)
    {
        using var http = new HttpClient { Timeout = Wait };
        using var response = await http.GetAsync(_host.Http(path));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(content, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Paths_outside_the_page_are_not_found()
    {
        using var http = new HttpClient { Timeout = Wait };
        using var missing = await http.GetAsync(_host.Http("/nope.js"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var escape = await http.GetAsync(_host.Http("/..%2Farena.conf"));
        Assert.Equal(HttpStatusCode.NotFound, escape.StatusCode);
    }
}
