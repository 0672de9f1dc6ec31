using Akka.Actor;
using Akka.Event;

namespace ActorWs.Server.Rooms.Cluster;

/// <summary>
/// Shard → room entity, as its node leaves the cluster (Akka.Cluster.Sharding's hand-off stop message): save the room
/// for its next node, then stop.
/// </summary>
internal sealed record HandOffRoom
{
    public static readonly HandOffRoom Instance = new();
}

/// <summary>Room entity → its room: the room is moving to another node; answer with a <see cref="RoomSnapshot"/> and take nothing more.</summary>
internal sealed record RoomSnapshotWanted
{
    public static readonly RoomSnapshotWanted Instance = new();
}

/// <summary>
/// One member of a room, as it moves with the room to another node: what the room knew of it, and the relay of its
/// session's node (<c>Relay</c>: the room's next node reaches it through it, unless that is the next node's own).
/// </summary>
internal sealed record RoomSnapshotMember(string Id, object? Identity, IActorRef Session, IActorRef Connection, bool Sequenced, IActorRef Relay, string? ResumeToken, long JoinedAt);

/// <summary>
/// What a room takes to its next node when its node leaves the cluster: how it was created, its numbering, its members
/// (with their sessions, relays and resume tokens) and its logic's own state (<see cref="Room.OnSnapshot"/>; null when
/// the logic keeps none). Saved in Distributed Data by the room's entity before it stops (<c>SavedAt</c>: when, in ms
/// since the Unix epoch), read by the room's next entity before it starts.
/// </summary>
internal sealed record RoomSnapshot(string OptionsJson, long Incarnation, long Positions, long JoinsProcessed, IReadOnlyList<RoomSnapshotMember> Members, string? LogicState, long SavedAt);

/// <summary>Room → the relays of its members' nodes, as it moves to another node: forget me without telling my members I closed (I go on elsewhere).</summary>
internal sealed record RelayRoomHandedOff(IActorRef Room) : IDeadLetterSuppression;

/// <summary>
/// Room → each member's session, as it hands itself off to move to another node: what the client sends it (and leaves)
/// wait in the session until <see cref="RoomMoved"/> says where it went (<paramref name="RoomRef"/>: its old address).
/// </summary>
internal sealed record RoomMoving(string Room, IActorRef RoomRef) : IDeadLetterSuppression;

/// <summary>Room (on its new node) → each member's session: the room moved; talk to it at <paramref name="RoomRef"/> from now on.</summary>
internal sealed record RoomMoved(string Room, string RoomType, IActorRef RoomRef) : IDeadLetterSuppression;

/// <summary>
/// Room → a session it no longer has as a member: the member's client resumed on another node, and its new session is
/// the member now. The old session forgets the room (and, if that leaves it in none while it waits for its client,
/// ends quietly).
/// </summary>
internal sealed record MembershipMovedAway(string Room, IActorRef RoomRef) : IDeadLetterSuppression;
