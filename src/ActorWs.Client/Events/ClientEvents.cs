using System.Text.Json;
using ActorWs.Client.Connection;

namespace ActorWs.Client.Events;

/// <summary>
/// Something that happened on an <see cref="ActorWsClient"/>, read from <see cref="ActorWsClient.Events"/>.
/// </summary>
/// <remarks>Events are immutable records, safe to pass between threads.</remarks>
public abstract record ClientEvent;

/// <summary>The connection state changed.</summary>
/// <param name="State">The new state.</param>
/// <param name="Attempt">While reconnecting: the number of the attempt about to be made (1 for the first); else 0.</param>
/// <param name="RetryIn">While reconnecting: how long the client waits before that attempt; else null.</param>
/// <param name="Reason">Why the previous connection ended, or why the client closed; null when it opened.</param>
public sealed record ConnectionStateChanged(ConnectionState State, int Attempt, TimeSpan? RetryIn, string? Reason) : ClientEvent;

/// <summary>The server's <c>welcome</c>: the session the connection belongs to and its resume token.</summary>
/// <param name="Session">The session id, also the client's member id in rooms (<c>s-1f</c>).</param>
/// <param name="Token">The resume token for the next reconnection; null when the route does not resume sessions.</param>
/// <param name="Resumed">Whether the connection resumed the previous session (its rooms and numbering kept).</param>
/// <param name="LastSeq">On a resume: the last sequence number the server saw the client process.</param>
/// <param name="ResumeError">When a resume was asked for and refused: the server's reason.</param>
public sealed record Welcomed(string Session, string? Token, bool Resumed, long? LastSeq, string? ResumeError) : ClientEvent
{
    /// <summary>Whether the server is a cluster node (<c>"cluster":true</c>): the client then tracks and resumes with room positions.</summary>
    public bool Cluster { get; init; }
}

/// <summary>
/// A reconnection could not resume the previous session (the server refused, sent no welcome, or does not
/// support resume): the client is in a fresh session. It re-joins <paramref name="ChatRooms"/> by name next
/// (see <see cref="RoomRejoined"/>); game rooms are reported by <see cref="GameRoomLost"/> for the application to decide.
/// </summary>
/// <param name="Reason">The server's <c>resumeError</c>, or why no resume was possible.</param>
/// <param name="ChatRooms">The chat rooms the client will join again.</param>
/// <param name="GameRooms">The game rooms the client was in and is not in any more.</param>
public sealed record ResumeFailed(string Reason, IReadOnlyList<string> ChatRooms, IReadOnlyList<GameRoomMembership> GameRooms) : ClientEvent;

/// <summary>After a lost session, the client joined this chat room again.</summary>
/// <param name="Room">The room name.</param>
/// <param name="Members">All members, the client included, in join order.</param>
public sealed record RoomRejoined(string Room, IReadOnlyList<string> Members) : ClientEvent;

/// <summary>After a lost session, joining this chat room again failed; the client no longer counts itself in it.</summary>
/// <param name="Room">The room name.</param>
/// <param name="Reason">Why.</param>
public sealed record RoomRejoinFailed(string Room, string Reason) : ClientEvent;

/// <summary>The session holding a game room seat was lost; the application decides whether to join again.</summary>
/// <param name="Room">The room id (<c>arena-3</c>).</param>
/// <param name="Type">The room type, when the server said it.</param>
public sealed record GameRoomLost(string Room, string? Type) : ClientEvent;

/// <summary>A room sent a JSON message (<c>{"op":"message",…}</c>).</summary>
/// <param name="Room">The room.</param>
/// <param name="From">The member who sent it (chat rooms); null when the room itself speaks.</param>
/// <param name="Data">The message's <c>data</c>.</param>
/// <param name="Seq">The session sequence number; null from a server that does not number messages.</param>
public sealed record RoomMessage(string Room, string? From, JsonElement Data, long? Seq) : ClientEvent;

/// <summary>A member joined or left a room (<c>{"op":"presence",…}</c>).</summary>
/// <param name="Room">The room.</param>
/// <param name="Member">The member's id.</param>
/// <param name="Joined">True for a join, false for a leave.</param>
/// <param name="Seq">The session sequence number, when numbered.</param>
public sealed record PresenceChanged(string Room, string Member, bool Joined, long? Seq) : ClientEvent;

/// <summary>A room failed and was restarted, or was closed (<c>{"op":"notice",…}</c>).</summary>
/// <param name="Room">The room.</param>
/// <param name="Event"><c>restarted</c> (the client is still a member) or <c>closed</c> (it is out).</param>
/// <param name="Reason">What the server said.</param>
/// <param name="Seq">The session sequence number, when numbered.</param>
public sealed record RoomNotice(string Room, string Event, string? Reason, long? Seq) : ClientEvent;

/// <summary>A game room sent a binary message; the 4-byte sequence number (and a cluster node's room position) is already stripped.</summary>
/// <param name="Payload">The room's bytes (a copy the application may keep).</param>
/// <param name="Seq">The session sequence number.</param>
public sealed record BinaryReceived(ReadOnlyMemory<byte> Payload, long Seq) : ClientEvent
{
    /// <summary>The room that sent it, when the server names it (a cluster node does); null otherwise.</summary>
    public string? Room { get; init; }
}

/// <summary>An <c>error</c> from the server that answers no pending request (e.g. <c>rate limit exceeded</c>).</summary>
/// <param name="Reason">The server's reason.</param>
public sealed record ServerError(string Reason) : ClientEvent;

/// <summary>A game room the client is in: its id and type.</summary>
/// <param name="Room">The room id.</param>
/// <param name="Type">The room type, when the server said it.</param>
public sealed record GameRoomMembership(string Room, string? Type);
