using System.Text.Json;

namespace ActorWs.Client.Requests;

/// <summary>The reply to a join (<c>join</c>, <c>joinOrCreate</c>, <c>create</c>, <c>joinById</c>).</summary>
/// <param name="Room">The room name or id (<c>lobby</c>, <c>arena-3</c>).</param>
/// <param name="Type">The room type for game rooms; null for chat rooms.</param>
/// <param name="Members">All members, the client included, in join order.</param>
public sealed record JoinedRoom(string Room, string? Type, IReadOnlyList<string> Members)
{
    internal static JoinedRoom From(JsonElement reply, string fallbackRoom, string? fallbackType) => new(
        StringProperty(reply, "room") ?? fallbackRoom,
        StringProperty(reply, "type") ?? fallbackType,
        Strings(reply, "members"));

    internal static string? StringProperty(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    internal static IReadOnlyList<string> Strings(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var array) || array.ValueKind != JsonValueKind.Array) return [];
        var list = new List<string>(array.GetArrayLength());
        foreach (var item in array.EnumerateArray())
            if (item.ValueKind == JsonValueKind.String) list.Add(item.GetString()!);
        return list;
    }
}

/// <summary>One page of the reply to <c>listRooms</c>.</summary>
/// <param name="Rooms">The rooms on it, in order of type and id.</param>
/// <param name="Next">The cursor of the next page (for <see cref="ActorWsClient.ListRoomsPageAsync"/>); null on the last page.</param>
public sealed record RoomListingPage(IReadOnlyList<RoomListing> Rooms, string? Next);

/// <summary>One room in the reply to <c>listRooms</c>.</summary>
/// <param name="Room">The room id.</param>
/// <param name="Type">The room type.</param>
/// <param name="Clients">Members now.</param>
/// <param name="MaxClients">Seats in all; null when the room has no limit.</param>
/// <param name="Locked">Whether the room admits no one new.</param>
/// <param name="Metadata">The room's metadata (an empty object when it has none).</param>
public sealed record RoomListing(string Room, string? Type, int Clients, int? MaxClients, bool Locked, JsonElement Metadata)
{
    private static readonly JsonElement EmptyObject = JsonElement.Parse("{}");

    internal static IReadOnlyList<RoomListing> ListFrom(JsonElement reply)
    {
        if (!reply.TryGetProperty("rooms", out var rooms) || rooms.ValueKind != JsonValueKind.Array) return [];
        var list = new List<RoomListing>(rooms.GetArrayLength());
        foreach (var room in rooms.EnumerateArray())
        {
            if (JoinedRoom.StringProperty(room, "room") is not { } id) continue;
            list.Add(new RoomListing(
                id,
                JoinedRoom.StringProperty(room, "type"),
                Int(room, "clients") ?? 0,
                Int(room, "maxClients"),
                room.TryGetProperty("locked", out var locked) && locked.ValueKind == JsonValueKind.True,
                room.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object ? metadata : EmptyObject));
        }
        return list;
    }

    private static int? Int(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int n) ? n : null;
}
