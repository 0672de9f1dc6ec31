using System.Text.Json;
using ActorWs.Samples.Chat.Identity;
using ActorWs.Samples.Chat.Rooms;
using ActorWs.Samples.Chat.Settings;
using ActorWs.Server.Http;

namespace ActorWs.Samples.Chat.Web;

/// <summary>
/// <c>GET /config.json</c>: what the page needs to know of the server's settings (the rooms to list and the limits
/// it checks before sending), so the two never disagree.
/// </summary>
/// <remarks>Immutable once built; thread-safe.</remarks>
public static class PageConfig
{
    /// <summary>Where the page fetches it.</summary>
    public const string Path = "/config.json";

    /// <summary>The handler answering with <paramref name="settings"/> (rendered once).</summary>
    public static HttpGetHandler Handler(ChatSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        string json = JsonSerializer.Serialize(new
        {
            rooms = settings.Rooms,
            historyLength = settings.HistoryLength,
            maxTextLength = settings.MaxTextLength,
            maxNameLength = DisplayNameRules.MaxLength,
            maxRoomNameLength = ChannelName.MaxLength,
        });
        return _ => HttpResponse.Json(200, json);
    }
}
