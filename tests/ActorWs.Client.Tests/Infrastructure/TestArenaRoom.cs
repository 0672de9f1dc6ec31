using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using ActorWs.Server.Messaging;
using ActorWs.Server.Rooms;

namespace ActorWs.Client.Tests.Infrastructure;

/// <summary>
/// A small game room for matchmaking tests: seats and a <c>mode</c> from its create options, and every
/// message (JSON or binary) broadcast back to all members, but <see cref="Forbidden"/>, which it refuses with
/// <see cref="ForbiddenReason"/>.
/// </summary>
internal sealed class TestArenaRoom : Room
{
    public const string TypeName = "arena";
    private const int DefaultSeats = 2;

    /// <summary>The JSON data (a string) the room refuses.</summary>
    public const string Forbidden = "forbidden";

    /// <summary>Why it refuses it.</summary>
    public const string ForbiddenReason = "that move is not allowed";

    protected override void OnCreate(JsonElement options)
    {
        MaxClients = options.TryGetProperty("seats", out var seats) && seats.TryGetInt32(out int n) ? n : DefaultSeats;
        SetMetadata("mode", JsonValue.Create(options.TryGetProperty("mode", out var mode) ? mode.GetString() : "ffa"));
    }

    protected override void OnMessage(RoomMember member, WebSocketMessage message)
    {
        if (message.Type == WebSocketMessageType.Text && message.Span.SequenceEqual("\"forbidden\""u8)) throw new RoomMessageRejectedException(ForbiddenReason);
        Broadcast(message.Span, message.Type);
    }
}
