using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using ActorWs.Server.Messaging;
using ActorWs.Server.Rooms;

namespace ActorWs.Client.Tests.Infrastructure;

/// <summary>
/// A small game room for matchmaking tests: seats and a <c>mode</c> from its create options, and every
/// message (JSON or binary) broadcast back to all members.
/// </summary>
internal sealed class TestArenaRoom : Room
{
    public const string TypeName = "arena";
    private const int DefaultSeats = 2;

    protected override void OnCreate(JsonElement options)
    {
        MaxClients = options.TryGetProperty("seats", out var seats) && seats.TryGetInt32(out int n) ? n : DefaultSeats;
        SetMetadata("mode", JsonValue.Create(options.TryGetProperty("mode", out var mode) ? mode.GetString() : "ffa"));
    }

    protected override void OnMessage(RoomMember member, WebSocketMessage message) => Broadcast(message.Span, message.Type);
}
