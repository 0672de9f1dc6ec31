using System.Net.WebSockets;
using ActorWs.Server;
using ActorWs.Server.BuiltIn;
using ActorWs.Server.Messaging;
using ActorWs.Server.Rooms;
using ActorWs.Server.Sessions;

namespace ActorWs.Soak;

/// <summary>
/// Fault injection for the load tool's soak mode (<c>--soak</c>), compiled into the executable but mapped only when the
/// environment variable <see cref="EnvironmentVariable"/> is <c>1</c>: a production server never exposes it.
/// </summary>
/// <remarks>
/// It adds the room type <see cref="ChaosRoom.TypeName"/> (a room whose logic throws on demand, so the server restarts it
/// and tells its members) and the route <see cref="Route"/> (the JSON room protocol of <c>/ws</c>, resumable, plus one op that
/// makes the session's handler throw, so the server stops the session and closes its connection with 1011).
/// </remarks>
public static class SoakChaos
{
    /// <summary>Set to <c>1</c> to map the chaos room type and route.</summary>
    public const string EnvironmentVariable = "ACTORWS_SOAK_CHAOS";

    /// <summary>The JSON room protocol with a session-killing op.</summary>
    public const string Route = "/soak/ws";

    /// <summary>Whether the environment asks for the chaos hooks.</summary>
    public static bool Enabled => Environment.GetEnvironmentVariable(EnvironmentVariable) == "1";

    /// <summary>Maps the chaos room type and route on <paramref name="server"/>.</summary>
    /// <param name="server">The server, before it starts.</param>
    public static void Map(ActorWsServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        server.DefineRoom<ChaosRoom>(ChaosRoom.TypeName);
        var route = server.MapRoute(Route, static () => new CrashableJsonRoomsHandler());
        route.RoomType = ChatRoom.TypeName;
        route.Resumable = true;
    }
}

/// <summary>The exception every injected fault throws, so that the soak can tell injected failures from real ones in the log.</summary>
/// <param name="message">What was injected.</param>
public sealed class SoakInjectedFaultException(string message) : Exception(message);

/// <summary>
/// A game room for the soak: a member's <c>send</c> is broadcast as-is to every member, except the JSON string <c>"boom"</c>,
/// which makes the room's logic throw. It seats <see cref="Seats"/> so that matchmaking spreads members over several rooms.
/// </summary>
public sealed class ChaosRoom : Room
{
    /// <summary>The room type's name.</summary>
    public const string TypeName = "chaos";

    /// <summary>Members per room.</summary>
    public const int Seats = 50;

    private static readonly byte[] Boom = "\"boom\""u8.ToArray();

    /// <inheritdoc />
    protected override void OnCreate(System.Text.Json.JsonElement options) => MaxClients = Seats;

    /// <inheritdoc />
    protected override void OnMessage(RoomMember member, WebSocketMessage message)
    {
        if (message.Span.SequenceEqual(Boom))
        {
            throw new SoakInjectedFaultException($"room {Name} fails on purpose (soak fault injection)");
        }

        Broadcast(message.Span, WebSocketMessageType.Text);
    }
}

/// <summary>
/// The JSON room protocol (<see cref="JsonRoomsHandler"/>, delegated to) plus the text message <c>{"op":"soak-crash"}</c>,
/// on which the handler throws: the server's answer to a failing session handler is what the soak exercises.
/// </summary>
public sealed class CrashableJsonRoomsHandler : WebSocketHandler
{
    private static readonly byte[] Crash = """{"op":"soak-crash"}"""u8.ToArray();
    private readonly JsonRoomsHandler _inner = new();

    /// <inheritdoc />
    public override void OnOpen(IWebSocketSession session) => _inner.OnOpen(session);

    /// <inheritdoc />
    public override void OnReattached(IWebSocketSession session, long lastSeq) => _inner.OnReattached(session, lastSeq);

    /// <inheritdoc />
    public override void OnMessage(IWebSocketSession session, WebSocketMessage message)
    {
        if (message.Type == WebSocketMessageType.Text && message.Span.SequenceEqual(Crash))
        {
            throw new SoakInjectedFaultException($"session {session.Id} fails on purpose (soak fault injection)");
        }

        _inner.OnMessage(session, message);
    }

    /// <inheritdoc />
    public override void OnRoomEvent(IWebSocketSession session, RoomEvent roomEvent) => _inner.OnRoomEvent(session, roomEvent);

    /// <inheritdoc />
    public override bool OnActorMessage(IWebSocketSession session, object message) => _inner.OnActorMessage(session, message);

    /// <inheritdoc />
    public override void OnClose(IWebSocketSession session, WebSocketClosed status) => _inner.OnClose(session, status);
}
