using System.Text.Json;
using Microsoft.Playwright;

namespace ActorWs.Samples.Tests.Chat;

/// <summary>A message as the page's test hook lists it (<c>window.chat.messages()</c>).</summary>
internal sealed record ShownMessage(long Id, string From, string Text, bool History);

/// <summary>Reads the chat page through its test hook, <c>window.chat</c> (documented in <c>chat.js</c>).</summary>
internal static class ChatPage
{
    /// <summary>The page is connected and in <paramref name="room"/>.</summary>
    public static string InRoom(string room = "general") =>
        $"window.chat?.state === 'open' && window.chat.rooms().some(r => r.name === '{room}' && r.joined)";

    /// <summary>The presence list is exactly <paramref name="names"/>, in join order.</summary>
    public static string MembersAre(params string[] names) =>
        $"JSON.stringify(window.chat.members()) === '{JsonSerializer.Serialize(names)}'";

    /// <summary>A message with this text is shown (sent by the room, not the page's pending copy).</summary>
    public static string Shows(string text) =>
        $"window.chat.messages().some(m => m.text === {JsonSerializer.Serialize(text)})";

    public static async Task<IReadOnlyList<ShownMessage>> MessagesAsync(IPage page)
    {
        var json = await page.EvaluateAsync<JsonElement>("() => window.chat.messages()");
        return json.EnumerateArray().Select(m => new ShownMessage(
            m.GetProperty("id").GetInt64(), m.GetProperty("from").GetString()!, m.GetProperty("text").GetString()!, m.GetProperty("history").GetBoolean())).ToArray();
    }

    public static async Task<string[]> TextsAsync(IPage page) => (await MessagesAsync(page)).Select(m => m.Text).ToArray();

    public static async Task<JsonElement> StatsAsync(IPage page) => await page.EvaluateAsync<JsonElement>("() => window.chat.stats()");

    /// <summary>Types <paramref name="text"/> into the composer and presses Enter, as a person would.</summary>
    public static async Task TypeAndSendAsync(IPage page, string text)
    {
        await page.FillAsync("#text", text);
        await page.PressAsync("#text", "Enter");
    }
}
