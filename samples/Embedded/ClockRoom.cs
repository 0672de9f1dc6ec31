using System.Net.WebSockets;
using System.Text.Json;
using ActorWs.Server.Messaging;
using ActorWs.Server.Rooms;
using ActorWs.Server.Sessions;

namespace ActorWs.Samples.Embedded;

/// <summary>A tick the clock service tells the room.</summary>
public sealed record ClockTick(DateTimeOffset At);

/// <summary>The room every <c>/clock</c> connection joins; it relays the application's ticks to its members.</summary>
public sealed class ClockRoom : Room
{
    /// <summary>The room type's registered name.</summary>
    public const string TypeName = "clock";

    /// <summary>The one clock room.</summary>
    public const string RoomName = "clock";

    /// <inheritdoc />
    protected override bool OnActorMessage(object message)
    {
        if (message is not ClockTick tick) return false;
        Broadcast(tick, static (writer, t) =>
        {
            using var json = new Utf8JsonWriter(writer);
            json.WriteStartObject();
            json.WriteString("time", t.At);
            json.WriteEndObject();
        }, WebSocketMessageType.Text);
        return true;
    }
}

/// <summary><c>/clock</c>: joins the clock room; the client only listens.</summary>
public sealed class ClockHandler : WebSocketHandler
{
    /// <inheritdoc />
    public override void OnOpen(IWebSocketSession session) => session.JoinRoom(ClockRoom.TypeName, ClockRoom.RoomName, tag: null);

    /// <inheritdoc />
    public override void OnMessage(IWebSocketSession session, WebSocketMessage message)
    {
    }
}
