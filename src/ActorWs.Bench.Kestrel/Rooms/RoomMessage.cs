using System.Net.WebSockets;

namespace ActorWs.Bench.Kestrel.Rooms;

/// <summary>One complete message a member sent to its room, queued for delivery to every member.</summary>
/// <param name="Payload">
/// The message bytes. One array is shared by every recipient and never written after creation,
/// so a broadcast costs one allocation however many members the room has.
/// </param>
/// <param name="Type">Text or binary, as the sender sent it.</param>
/// <remarks>Immutable; safe to share between threads.</remarks>
public readonly record struct RoomMessage(byte[] Payload, WebSocketMessageType Type);
