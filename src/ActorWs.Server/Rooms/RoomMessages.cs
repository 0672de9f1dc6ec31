using ActorWs.Actors;

namespace ActorWs.Server.Rooms;

/// <summary>A session asks to join (to the manager, which forwards to the room, creating it if needed).</summary>
internal sealed record JoinRoomRequest(string RoomType, string Room, string MemberId, object? Identity, IActorRef Connection, object? Tag);

/// <summary>A session asks to leave.</summary>
internal sealed record LeaveRoomRequest(string Room, object? Tag);

/// <summary>Room → session: the join went through.</summary>
internal sealed record RoomJoinAccepted(string Room, IActorRef RoomRef, IReadOnlyList<string> Members, object? Tag);

/// <summary>Room or manager → session: the join was refused.</summary>
internal sealed record RoomJoinRefused(string Room, string Reason, object? Tag);

/// <summary>Room → session: the leave went through.</summary>
internal sealed record RoomLeaveConfirmed(string Room, object? Tag);

/// <summary>Room → members: the room's logic failed and was restarted; the member is still in.</summary>
internal sealed record RoomRestartNotice(string Room, string Reason);

/// <summary>Room → manager: empty for the whole linger time, having processed this many joins.</summary>
internal sealed record RoomIdle(long JoinsProcessed);

/// <summary>Room (to itself): the pause after a restart is over.</summary>
internal sealed record RoomBackoffElapsed
{
    public static readonly RoomBackoffElapsed Instance = new();
}

/// <summary>Room (to itself): the linger time after the last member left is over.</summary>
internal sealed record RoomLingerElapsed
{
    public static readonly RoomLingerElapsed Instance = new();
}
