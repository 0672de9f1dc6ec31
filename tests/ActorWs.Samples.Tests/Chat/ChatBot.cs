using System.Text.Json;
using ActorWs.Client;
using ActorWs.Client.Events;
using ActorWs.Samples.Tests.Infrastructure;

namespace ActorWs.Samples.Tests.Chat;

/// <summary>
/// A chat member driven from .NET through <see cref="ActorWsClient"/> (for the room's tests without a browser, and to
/// fill rooms for the page tests): connects as a display name, says things, and reads what its rooms send.
/// </summary>
/// <remarks>One test uses one bot at a time; not thread-safe. Every wait is bounded by <see cref="Wait"/>.</remarks>
internal sealed class ChatBot : IAsyncDisposable
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private ChatBot(ActorWsClient client) => Client = client;

    public ActorWsClient Client { get; }

    public string SessionId => Client.SessionId!;

    public static async Task<ChatBot> ConnectAsync(SampleHost sample, string? name)
    {
        string query = name is null ? "" : "?name=" + Uri.EscapeDataString(name);
        var client = new ActorWsClient(sample.Ws("/ws" + query));
        using var timeout = new CancellationTokenSource(Wait);
        await client.ConnectAsync(timeout.Token);
        return new ChatBot(client);
    }

    /// <summary>Joins <paramref name="room"/> and returns the snapshot the room sends the newcomer.</summary>
    public async Task<JsonElement> JoinAsync(string room)
    {
        using var timeout = new CancellationTokenSource(Wait);
        await Client.JoinAsync(room, timeout.Token);
        return await NextAsync(room, "snapshot");
    }

    public ValueTask SayAsync(string room, string text) => Client.SendAsync(room, new { kind = "say", text });

    public ValueTask SayAsync(string room, string text, string cid) => Client.SendAsync(room, new { kind = "say", text, cid });

    /// <summary>Says <paramref name="text"/> and waits for its echo.</summary>
    public async Task<JsonElement> SayAndEchoAsync(string room, string text)
    {
        await SayAsync(room, text);
        return await NextAsync(room, "say", m => m.GetProperty("text").GetString() == text && m.GetProperty("from").GetString() == SessionId);
    }

    public ValueTask TypingAsync(string room, bool active) => Client.SendAsync(room, new { kind = "typing", active });

    public ValueTask SendRawAsync(string room, string json) => Client.SendRawAsync(room, System.Text.Encoding.UTF8.GetBytes(json));

    /// <summary>
    /// The next data of <paramref name="kind"/> (or <paramref name="alsoKind"/>) from <paramref name="room"/> matching
    /// <paramref name="match"/>, skipping everything else.
    /// </summary>
    public async Task<JsonElement> NextAsync(string room, string kind, Func<JsonElement, bool>? match = null, string? alsoKind = null)
    {
        using var timeout = new CancellationTokenSource(Wait);
        while (true)
        {
            var next = await Client.Events.ReadAsync(timeout.Token);
            if (next is not RoomMessage message || message.Room != room) continue;
            string? got = KindOf(message.Data);
            if ((got == kind || (alsoKind is not null && got == alsoKind)) && (match?.Invoke(message.Data) ?? true)) return message.Data;
        }
    }

    /// <summary>The next error that answered no request (a room's refusal), skipping everything else.</summary>
    public async Task<string> NextErrorAsync()
    {
        using var timeout = new CancellationTokenSource(Wait);
        while (true)
        {
            if (await Client.Events.ReadAsync(timeout.Token) is ServerError error) return error.Reason;
        }
    }

    /// <summary>Every data from <paramref name="room"/> up to and including the next of <paramref name="kind"/>.</summary>
    public async Task<List<JsonElement>> CollectUntilAsync(string room, string kind)
    {
        using var timeout = new CancellationTokenSource(Wait);
        var data = new List<JsonElement>();
        while (true)
        {
            if (await Client.Events.ReadAsync(timeout.Token) is not RoomMessage message || message.Room != room) continue;
            data.Add(message.Data);
            if (KindOf(message.Data) == kind) return data;
        }
    }

    public static string? KindOf(JsonElement data) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty("kind", out var kind) ? kind.GetString() : null;

    public ValueTask DisposeAsync() => Client.DisposeAsync();
}
