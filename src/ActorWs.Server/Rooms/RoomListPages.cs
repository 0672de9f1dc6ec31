using System.Text.Json.Nodes;

namespace ActorWs.Server.Rooms;

/// <summary>A room as a listing sees it (an entry of the room manager, or of a clustered type's directory).</summary>
internal interface IListedRoom
{
    /// <summary>What listings show, as the room last reported it.</summary>
    RoomListing Listing { get; }

    /// <summary>The listing's metadata, parsed (once per change).</summary>
    JsonObject Metadata { get; }
}

/// <summary>
/// Pages of a room listing, from rooms kept in a sorted set of their <c>type:name</c> keys, so a page starts from its
/// cursor in logarithmic time and looks at no more than <see cref="RoomListCursor.ScanBudget"/> rooms. Shared by the
/// single-node room manager and the clustered rooms' per-type directories, so both answer alike.
/// </summary>
internal static class RoomListPages
{
    /// <summary>
    /// One page of a listing: the rooms after the request's cursor, in key order (type, then name, ordinal), that match
    /// its filter; at most its limit, looking at no more than <see cref="RoomListCursor.ScanBudget"/> rooms.
    /// </summary>
    public static RoomList Page<TEntry>(SortedSet<string> order, Dictionary<string, TEntry> rooms, ListRoomsRequest request) where TEntry : IListedRoom
    {
        var page = new List<RoomListing>(Math.Min(request.Limit, 16));
        if (order.Count == 0) return new RoomList(page, null, request.Tag);
        JsonObject? filter = null;
        if (!string.IsNullOrEmpty(request.FilterJson)) filter = JsonNode.Parse(request.FilterJson) as JsonObject;
        if (filter is { Count: 0 }) filter = null;

        // The keys of one type lie between "type:" and "type;" (';' follows ':'); of all types, in the whole set.
        string lower = request.RoomType is null ? order.Min! : request.RoomType + ":";
        string upper = request.RoomType is null ? order.Max! : request.RoomType + ";";
        if (request.AfterKey is not null && string.CompareOrdinal(request.AfterKey, lower) > 0) lower = request.AfterKey;
        if (string.CompareOrdinal(lower, upper) > 0) return new RoomList(page, null, request.Tag);

        int looked = 0;
        string? last = null;
        foreach (var key in order.GetViewBetween(lower, upper))
        {
            if (key == request.AfterKey) continue; // the cursor is the last room of the previous page
            if (page.Count == request.Limit || looked == RoomListCursor.ScanBudget)
                return new RoomList(page, RoomListCursor.Encode(last!), request.Tag); // there is more after it
            looked++;
            last = key;
            var entry = rooms[key];
            if (filter is null || Matches(entry.Metadata, filter)) page.Add(entry.Listing);
        }
        return new RoomList(page, null, request.Tag);
    }

    private static bool Matches(JsonObject metadata, JsonObject filter)
    {
        foreach (var (name, wanted) in filter)
            if (!metadata.TryGetPropertyValue(name, out var value) || !JsonNode.DeepEquals(value, wanted)) return false;
        return true;
    }
}
