namespace ActorWs.Server.Rooms;

/// <summary>Something that happened to a session's membership of a room.</summary>
/// <param name="Room">The room's name.</param>
public abstract record RoomEvent(string Room);

/// <summary>The session is now a member of <paramref name="Room"/> (of <paramref name="RoomType"/>); <paramref name="Members"/> are the ids of all members, itself included.</summary>
public sealed record RoomJoined(string Room, string RoomType, IReadOnlyList<string> Members, object? Tag) : RoomEvent(Room)
{
    /// <summary>
    /// In a cluster: the room's incarnation, a number that changes when the room starts afresh (it was lost with its
    /// node, or stopped) and stays the same while it lives, also when it moves to another node with its state; null on a
    /// single node.
    /// </summary>
    public long? Incarnation { get; init; }
}

/// <summary>A join was refused (unknown room type, the room refused it, or the room failed).</summary>
public sealed record RoomJoinFailed(string Room, string Reason, object? Tag) : RoomEvent(Room);

/// <summary>The session left the room on its own request.</summary>
public sealed record RoomLeft(string Room, object? Tag) : RoomEvent(Room);

/// <summary>The room's logic failed and was restarted; the session is still a member (of the fresh logic).</summary>
public sealed record RoomRestarted(string Room, string Reason) : RoomEvent(Room)
{
    /// <summary>
    /// In a cluster, set when the room was lost with its node and the session is now in its next incarnation (started
    /// afresh, empty, on another node; its positions start again); null when the same room restarted its logic.
    /// </summary>
    public long? Incarnation { get; init; }
}

/// <summary>The room stopped (it failed too often, or was shut down); the session is no longer a member.</summary>
public sealed record RoomClosed(string Room, string Reason) : RoomEvent(Room);

/// <summary>
/// A room refused one of the session's messages (too large, over the rate limit, invalid, or the room failed handling
/// it); the session stays in.
/// </summary>
public sealed record RoomMessageRejected(string Room, string Reason) : RoomEvent(Room)
{
    /// <summary>
    /// The tag the message was sent with (<see cref="Sessions.IWebSocketSession.SendToRoom(ReadOnlySpan{char}, ReadOnlySpan{byte}, System.Net.WebSockets.WebSocketMessageType, object?)"/>);
    /// null for a message sent without one.
    /// </summary>
    public object? Tag { get; init; }
}

/// <summary>
/// A room took a message the session sent with a tag: it was within the room type's limits and the room's logic ran
/// without refusing it. Comes after whatever the room sent in handling the message; never for untagged messages.
/// </summary>
/// <param name="Room">The room's name.</param>
/// <param name="Tag">The tag the message was sent with.</param>
public sealed record RoomMessageAccepted(string Room, object? Tag) : RoomEvent(Room);

/// <summary>
/// The answer to <c>IWebSocketSession.ListRooms</c> when no listing could be made (in a cluster, a room type's directory
/// did not answer in time): why.
/// </summary>
public sealed record RoomListFailed(string Reason, object? Tag) : RoomEvent("");

/// <summary>The answer to <c>IWebSocketSession.ListRooms</c>: one page of a listing.</summary>
public sealed record RoomsListed(IReadOnlyList<RoomInfo> Rooms, object? Tag) : RoomEvent("")
{
    /// <summary>
    /// The cursor of the next page, null when this is the last. A page may hold fewer rooms than asked for (even none)
    /// and still have a next one, when a filter skipped many rooms (a request looks at <see cref="RoomListCursor.ScanBudget"/> at most).
    /// </summary>
    public string? Next { get; init; }
}

/// <summary>One room in a listing.</summary>
/// <param name="Room">Its id.</param>
/// <param name="RoomType">Its type.</param>
/// <param name="Clients">Members now.</param>
/// <param name="MaxClients">Its capacity (<see cref="int.MaxValue"/> when unlimited).</param>
/// <param name="Locked">Whether it takes new members.</param>
/// <param name="MetadataJson">Its metadata as a JSON object.</param>
public sealed record RoomInfo(string Room, string RoomType, int Clients, int MaxClients, bool Locked, string MetadataJson);
