namespace ActorWs.Server.Rooms;

/// <summary>Something that happened to a session's membership of a room.</summary>
/// <param name="Room">The room's name.</param>
public abstract record RoomEvent(string Room);

/// <summary>The session is now a member; <paramref name="Members"/> are the ids of all members, itself included.</summary>
public sealed record RoomJoined(string Room, IReadOnlyList<string> Members, object? Tag) : RoomEvent(Room);

/// <summary>A join was refused (unknown room type, the room refused it, or the room failed).</summary>
public sealed record RoomJoinFailed(string Room, string Reason, object? Tag) : RoomEvent(Room);

/// <summary>The session left the room on its own request.</summary>
public sealed record RoomLeft(string Room, object? Tag) : RoomEvent(Room);

/// <summary>The room's logic failed and was restarted; the session is still a member (of the fresh logic).</summary>
public sealed record RoomRestarted(string Room, string Reason) : RoomEvent(Room);

/// <summary>The room stopped (it failed too often, or was shut down); the session is no longer a member.</summary>
public sealed record RoomClosed(string Room, string Reason) : RoomEvent(Room);
