using Akka.Actor;
using Akka.Event;

namespace ActorWs.Server.Rooms.Cluster;

/// <summary>
/// Session → room (through its node's <see cref="ClusterRoomManager"/> and the room's entity): a client came back to
/// this node with the resume token of a session that lived on another node (crashed, stopped, or simply not the one the
/// load balancer picked), saying it has processed the room's deliveries up to <paramref name="FromPosition"/>. The
/// room takes the sender as that member's session if <paramref name="Token"/> is the member's current token and the
/// identity matches, and sends it what it missed after that position.
/// </summary>
/// <param name="Token">The token the client came back with (the member's, as the room last heard it).</param>
/// <param name="FromPosition">The room's position of the last delivery the client processed (0: none).</param>
/// <param name="Request">The new session's side: its identity, connection, relay, and its own new token.</param>
internal sealed record ResumeMembership(string Token, long FromPosition, JoinRoomRequest Request);

/// <summary>
/// Room → the session that resumed its membership (through the relay of the session's node, so that it comes before
/// what the room replays): the member is in the room again, reached through the new session.
/// </summary>
internal sealed record MembershipResumed(string Room, string RoomType, IActorRef RoomRef) : IDeadLetterSuppression;

/// <summary>Room, room entity or room manager → session: the membership was not resumed, and why.</summary>
internal sealed record MembershipNotResumed(string Room, string Reason) : IDeadLetterSuppression;

/// <summary>
/// Session → each of its rooms (in a cluster): its resume token changed (a resume rotated it), or, null, the session is
/// over and can be resumed nowhere (its reconnection window expired). A client resuming on another node proves who it
/// is with this token, and the rooms are where such a resume asks.
/// </summary>
internal sealed record MemberTokenChanged(string? Token) : IDeadLetterSuppression
{
    /// <summary>The session is over: no resume of it, here or from another node.</summary>
    public static readonly MemberTokenChanged Ended = new((string?)null);
}

/// <summary>A room's delivery kept for replay that went to every member but <paramref name="Member"/>.</summary>
internal sealed record ReplayedExcept(RoomMember Member);
