using System.Net.WebSockets;
using System.Text;
using Akka.Actor;
using Akka.Event;

namespace ActorWs.Server.Rooms;

/// <summary>How a matchmaking request picks its room.</summary>
internal enum MatchmakeKind
{
    /// <summary>By name, creating it if needed (chat rooms, embedders' rooms).</summary>
    ByName,
    /// <summary>The first room of the type with a free seat that is not locked; a new one if none.</summary>
    JoinOrCreate,
    /// <summary>Always a new room.</summary>
    Create,
    /// <summary>An existing room by id.</summary>
    JoinById,
}

/// <summary>
/// A session asks the room manager for a seat in a room (and then to be admitted). With clustered rooms,
/// <c>Relay</c> is the room relay of the session's node (<see cref="Cluster.RoomRelay"/>): a room on another node reaches
/// this member only through it. Null on a single node. <c>ResumeToken</c>, in a cluster, is the resumable session's
/// current token: the room keeps it so that the client can resume its membership from another node.
/// </summary>
internal sealed record JoinRoomRequest(
    MatchmakeKind Kind,
    string RoomType,
    string? Room,
    string OptionsJson,
    string MemberId,
    object? Identity,
    IActorRef Connection,
    bool Sequenced,
    object? Tag,
    IActorRef? Relay = null,
    string? ResumeToken = null);

/// <summary>
/// Session → room on another node: the member's messages of one turn of its session, in the order sent, in one remote
/// message instead of one each (each is taken as if told alone, sender the session). The room releases them.
/// </summary>
/// <remarks>
/// Why: a sender's messages to a room on another node each crossed remoting on their own (serialized, framed, read and
/// resolved one by one), which on a busy room cost more than the room's own work. A session holds them until its turn
/// ends, and sends whatever else it tells the room (a leave) after them, so the room sees everything in order.
/// </remarks>
/// <param name="Messages">The messages, in the order sent.</param>
/// <param name="Remainder">
/// Made by the room itself (never sent between nodes): what was left of a batch when its logic failed on one of them,
/// taken after the restart (and not counted as received again).
/// </param>
internal sealed record MemberMessages(Messaging.WebSocketMessage[] Messages, bool Remainder = false);

/// <summary>Manager → room: a seat is reserved for the sender (the session) until <paramref name="ExpiresAt"/> (a timestamp).</summary>
internal sealed record ReservedJoin(long ReservationId, long ExpiresAt, JoinRoomRequest Request);

/// <summary>Room → manager: the reservation was used (the member is in) or given up (refused, expired).</summary>
internal sealed record SeatSettled(long ReservationId);

/// <summary>Room → manager: the room was full or locked after all; find another (join-or-create only).</summary>
internal sealed record SeatRefused(long ReservationId, JoinRoomRequest Request, IActorRef Session);

/// <summary>Room → manager: what listings show (sent whenever it changes).</summary>
internal sealed record RoomListing(string Room, string Type, int Clients, int MaxClients, bool Locked, string MetadataJson);

/// <summary>
/// Session → manager: one page of the rooms of a type (or all) whose metadata matches a filter (JSON object): at most
/// <paramref name="Limit"/>, starting after the room keyed <paramref name="AfterKey"/> (a decoded cursor; null: from the start).
/// </summary>
internal sealed record ListRoomsRequest(string? RoomType, string? FilterJson, int Limit, string? AfterKey, object? Tag);

/// <summary>Manager → session: no listing could be made (a directory did not answer in time), and why.</summary>
internal sealed record RoomListRefused(string Reason, object? Tag);

/// <summary>Manager → session: a page of the rooms that matched, and the cursor of the next page (null: this is the last).</summary>
internal sealed record RoomList(IReadOnlyList<RoomListing> Rooms, string? Next, object? Tag);

/// <summary>A session asks to leave.</summary>
internal sealed record LeaveRoomRequest(string Room, object? Tag) : IDeadLetterSuppression;

/// <summary>
/// Room → session: the join went through. In a cluster, <c>Incarnation</c> names the room's current life (see
/// <see cref="RoomLifetime.Incarnation"/>); 0 on a single node.
/// </summary>
internal sealed record RoomJoinAccepted(string Room, string RoomType, IActorRef RoomRef, IReadOnlyList<string> Members, object? Tag, long Incarnation = 0) : IDeadLetterSuppression;

/// <summary>Room or manager → session: the join was refused.</summary>
internal sealed record RoomJoinRefused(string Room, string Reason, object? Tag);

/// <summary>Room → session: the leave went through.</summary>
internal sealed record RoomLeaveConfirmed(string Room, object? Tag) : IDeadLetterSuppression;

/// <summary>
/// Room → member's session: its message was refused (validation, size, rate limit, or the room failed handling it); the
/// member stays. <paramref name="Tag"/> is the message's tag, null for an untagged message.
/// </summary>
internal sealed record RoomMessageRefused(string Room, string Reason, object? Tag) : IDeadLetterSuppression;

/// <summary>
/// Room → member's session: the room's logic took its tagged message (within the limits, not refused). Sent only for
/// tagged messages, after whatever the room sent in handling it.
/// </summary>
internal sealed record RoomMessageTaken(string Room, object Tag) : IDeadLetterSuppression;

/// <summary>Room → members: the room's logic failed and was restarted; the member is still in.</summary>
internal sealed record RoomRestartNotice(string Room, string Reason) : IDeadLetterSuppression;

/// <summary>
/// Manager → members of a room that stopped for good (it failed too often), or a node's relay → its members of a room
/// that was lost with its node: they are no longer in it (<paramref name="Reason"/> is what their clients are told).
/// </summary>
internal sealed record RoomStopped(string Room, IActorRef RoomRef, string Reason = RoomStopped.StoppedForGood) : IDeadLetterSuppression
{
    /// <summary>The reason of a room that stopped after failing too often.</summary>
    public const string StoppedForGood = "the room stopped";

    /// <summary>The reason of a room lost with the node it lived on (its members then join its next incarnation by themselves).</summary>
    public const string NodeLost = "the room was lost with its node; join it again to continue in its new incarnation";

    /// <summary>What a member is told when the room it was in was lost with its node and it is in the room's next incarnation.</summary>
    public const string CameBackEmpty = "the room was lost with its node and started again, empty, on another node; this is its new incarnation";
}

/// <summary>
/// Tell a room this (from any actor or thread, e.g. with the <see cref="IActorRef"/> that
/// <see cref="RoomDirectory.GetOrCreateAsync"/> gives) to send <paramref name="Payload"/> to every member, as a
/// broadcast of the room's own: encoded once, numbered for resumable members.
/// </summary>
/// <param name="Payload">The message's bytes (kept as given; do not change them after telling).</param>
/// <param name="Type">Text or binary. Members on the JSON room protocol get text as the <c>data</c> of a message event, so text must be JSON there.</param>
public sealed record RoomBroadcast(ReadOnlyMemory<byte> Payload, WebSocketMessageType Type)
{
    /// <summary>A text broadcast of <paramref name="text"/> (UTF-8).</summary>
    public static RoomBroadcast Text(string text) => new(Encoding.UTF8.GetBytes(text ?? throw new ArgumentNullException(nameof(text))), WebSocketMessageType.Text);
}

/// <summary>
/// Ask the room manager (<see cref="RoomDirectory.Manager"/>; <c>IRequiredActor&lt;RoomDirectory&gt;</c> with Akka.Hosting)
/// for a room's actor; it answers the sender with a <see cref="RoomLookup"/>.
/// </summary>
/// <param name="Type">The registered room type (<c>chat</c> for rooms of the JSON protocol, <c>relay</c> for <c>/rooms/{name}</c>).</param>
/// <param name="Name">The room's name.</param>
/// <param name="CreateIfMissing">Whether to create the room (empty) when it does not exist.</param>
public sealed record GetRoom(string Type, string Name, bool CreateIfMissing = false);

/// <summary>The answer to <see cref="GetRoom"/>.</summary>
/// <param name="Type">The room type asked for.</param>
/// <param name="Name">The room name asked for.</param>
/// <param name="Room">The room's actor; null when it does not exist (and was not to be created) or could not be.</param>
/// <param name="Error">Why there is no room when it was to be created (an unknown room type); null otherwise.</param>
public sealed record RoomLookup(string Type, string Name, IActorRef? Room, string? Error);

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

/// <summary>Room (to itself): time for the next tick.</summary>
internal sealed record RoomTickDue : IDeadLetterSuppression
{
    public static readonly RoomTickDue Instance = new();
}

/// <summary>How a room's delivery is framed for JSON-protocol members.</summary>
internal enum RoomPayload : byte
{
    /// <summary>Room data: JSON members get it wrapped as <c>{"op":"message","room":…,"data":…}</c>.</summary>
    Data,
    /// <summary>A complete protocol event (presence, chat message): only the sequence number is added.</summary>
    Event,
}
