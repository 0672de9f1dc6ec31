using Akka.Actor;

namespace ActorWs.Server.Rooms;

/// <summary>
/// The application's way to the server's rooms from outside the actors (a background service, an HTTP
/// handler, another subsystem): find a room, create it, or tell it something its <see cref="Room.OnActorMessage"/>
/// handles.
/// </summary>
/// <remarks>Thread-safe. Every call is a message to the room manager, answered asynchronously.</remarks>
public sealed class RoomDirectory
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);
    private readonly Func<IActorRef> _manager;

    internal RoomDirectory(Func<IActorRef> manager) => _manager = manager;

    /// <summary>
    /// The room manager actor, for actors that would rather talk to it directly: it answers <see cref="GetRoom"/> with a
    /// <see cref="RoomLookup"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The server is not started.</exception>
    public IActorRef Manager => _manager();

    /// <summary>The room's actor (an actor to <c>Tell</c> a <see cref="RoomBroadcast"/> or its own messages, and to <c>Watch</c>), or null when no room of that type and name exists now.</summary>
    public async Task<IActorRef?> FindAsync(string type, string name, CancellationToken cancellationToken = default)
    {
        var reply = await _manager().Ask<IActorRef>(new RoomManager.FindRoom(type, name), AskTimeout, cancellationToken).ConfigureAwait(false);
        return ReferenceEquals(reply, ActorRefs.Nobody) ? null : reply;
    }

    /// <summary>The room's actor, creating the room (empty) if it does not exist.</summary>
    /// <exception cref="ArgumentException">No room type of that name is defined.</exception>
    public async Task<IActorRef> GetOrCreateAsync(string type, string name, CancellationToken cancellationToken = default)
    {
        var reply = await _manager().Ask<object>(new RoomManager.EnsureRoom(type, name), AskTimeout, cancellationToken).ConfigureAwait(false);
        return reply as IActorRef ?? throw new ArgumentException(((RoomJoinRefused)reply).Reason, nameof(type));
    }

    /// <summary>Delivers <paramref name="message"/> to the room's <see cref="Room.OnActorMessage"/>; false when the room does not exist.</summary>
    public Task<bool> TellAsync(string type, string name, object message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        return _manager().Ask<bool>(new RoomManager.TellRoom(type, name, message), AskTimeout, cancellationToken);
    }

    /// <summary>Creates a room of <paramref name="type"/> for matchmaking (clients find it with <c>joinOrCreate</c>, <c>joinById</c>, <c>listRooms</c>).</summary>
    /// <returns>Its id, e.g. <c>arena-4</c>.</returns>
    /// <exception cref="ArgumentException">No room type of that name is defined.</exception>
    public async Task<string> CreateAsync(string type, string optionsJson = "{}", CancellationToken cancellationToken = default)
    {
        var reply = await _manager().Ask<object>(new RoomManager.CreateRoom(type, optionsJson), AskTimeout, cancellationToken).ConfigureAwait(false);
        return reply as string ?? throw new ArgumentException(((RoomJoinRefused)reply).Reason, nameof(type));
    }

    /// <summary>Lists rooms (of a type, or all) whose metadata has every field of <paramref name="filterJson"/>.</summary>
    public async Task<IReadOnlyList<RoomInfo>> ListAsync(string? type = null, string? filterJson = null, CancellationToken cancellationToken = default)
    {
        var list = await _manager().Ask<RoomList>(new ListRoomsRequest(type, filterJson, null), AskTimeout, cancellationToken).ConfigureAwait(false);
        return list.Rooms.Select(r => new RoomInfo(r.Room, r.Type, r.Clients, r.MaxClients, r.Locked, r.MetadataJson)).ToArray();
    }

    /// <summary>How many rooms exist now.</summary>
    public Task<int> CountAsync(CancellationToken cancellationToken = default) =>
        _manager().Ask<int>(RoomManager.CountRooms.Instance, AskTimeout, cancellationToken);
}
