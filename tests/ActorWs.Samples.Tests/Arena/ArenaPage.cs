using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;

namespace ActorWs.Samples.Tests.Arena;

/// <summary>A dot as a page knows it (the page's test hook, <c>window.arena.players()</c>): world units.</summary>
public sealed record SeenPlayer(string Id, string Name, string Color, int Slot, double X, double Y, int Score);

/// <summary>Reads and drives the arena page through its test hook, <c>window.arena</c>.</summary>
/// <remarks>Use from one test at a time, like the page itself.</remarks>
internal static class ArenaPage
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The hook is there, the page is in an arena and has its own dot from the server.</summary>
    public const string Playing = "window.arena !== undefined && arena.synced && arena.room !== null && arena.players().some(p => p.id === arena.me)";

    public static Task<string> MeAsync(IPage page) => page.EvaluateAsync<string>("() => arena.me");

    public static Task<string> RoomAsync(IPage page) => page.EvaluateAsync<string>("() => arena.room");

    public static async Task<SeenPlayer[]> PlayersAsync(IPage page) =>
        JsonSerializer.Deserialize<SeenPlayer[]>(await page.EvaluateAsync<string>("() => JSON.stringify(arena.players())"), Json)!;

    public static async Task<SeenPlayer> PlayerAsync(IPage page, string id) => (await PlayersAsync(page)).Single(p => p.Id == id);

    public static async Task<string[]> DepartedAsync(IPage page) => await page.EvaluateAsync<string[]>("() => arena.departed()");

    /// <summary>Steers exactly as the arrow keys do.</summary>
    public static Task SteerAsync(IPage page, double dx, double dy) =>
        page.EvaluateAsync($"() => arena.steer({Number(dx)}, {Number(dy)})");

    /// <summary>A JavaScript condition: <paramref name="id"/>'s dot is, in this page, more than <paramref name="distance"/> from (x, y).</summary>
    public static string MovedAway(string id, double x, double y, double distance) =>
        $"(() => {{ const p = arena.players().find(p => p.id === '{id}'); return p !== undefined && Math.hypot(p.x - {Number(x)}, p.y - {Number(y)}) > {Number(distance)}; }})()";

    /// <summary>+1 or −1: the horizontal direction with more of the field ahead of <paramref name="player"/>.</summary>
    public static int TowardsCentre(SeenPlayer player) => player.X < 600 ? 1 : -1;

    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
