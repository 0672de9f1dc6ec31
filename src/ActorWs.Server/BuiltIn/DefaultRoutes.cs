using ActorWs.Server.Rooms;

namespace ActorWs.Server.BuiltIn;

/// <summary>The routes of the default executable: <c>/echo</c>, <c>/rooms/{name}</c> and <c>/ws</c>.</summary>
public static class DefaultRoutes
{
    /// <summary>Maps the three default routes on <paramref name="server"/>.</summary>
    public static ActorWsServer MapDefaultRoutes(this ActorWsServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        server.MapRoute("/echo", static () => EchoHandler.Shared);
        var relay = server.MapRoute<RelayRoomHandler>("/rooms/{name}");
        relay.RoomType = RelayRoom.TypeName;
        relay.Accept = RelayRoomHandler.AcceptHook(server, RelayRoom.TypeName);
        var ws = server.MapRoute<JsonRoomsHandler>("/ws");
        ws.RoomType = ChatRoom.TypeName;
        ws.Resumable = true;
        return server;
    }
}
