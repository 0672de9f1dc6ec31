using Akka.Actor;

namespace ActorWs.Server.Rooms;

/// <summary>
/// The application's way to the server's rooms from outside the actors (a background service, an HTTP
/// handler, another subsystem): find a room, create it, or tell it something its <see cref="Room.OnActorMessage"/>
/// handles.
/// </summary>
/// <remarks>
/// Thread-safe. Every call is a message to the room manager, answered asynchronously. When the actor system has the
/// cluster provider, the room manager is the node's entry to rooms sharded over the cluster: every node gives the same
/// answers, and the room refs it gives reach the room on whichever node it lives.
/// </remarks>
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

    /// <summary>
    /// Lists every room (of a type, or all) whose metadata has every field of <paramref name="filterJson"/>, asking page by
    /// page (so the room manager is never busy with one long listing).
    /// </summary>
    public async Task<IReadOnlyList<RoomInfo>> ListAsync(string? type = null, string? filterJson = null, CancellationToken cancellationToken = default)
    {
        var all = new List<RoomInfo>();
        string? cursor = null;
        do
        {
            var page = await ListPageAsync(type, filterJson, RoomListCursor.MaxLimit, cursor, cancellationToken).ConfigureAwait(false);
            all.AddRange(page.Rooms);
            cursor = page.Next;
        }
        while (cursor is not null);
        return all;
    }

    /// <summary>
    /// One page of the rooms (of a type, or all) whose metadata has every field of <paramref name="filterJson"/>: at most
    /// <paramref name="limit"/>, after <paramref name="cursor"/> (the previous page's <see cref="RoomPage.Next"/>; null for the first).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is not 1 to <see cref="RoomListCursor.MaxLimit"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="cursor"/> did not come from a listing.</exception>
    public async Task<RoomPage> ListPageAsync(string? type, string? filterJson, int limit = RoomListCursor.DefaultLimit, string? cursor = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, RoomListCursor.MaxLimit);
        string? after = null;
        if (cursor is not null && !RoomListCursor.TryDecode(cursor, out after)) throw new ArgumentException(RoomListCursor.BadCursor, nameof(cursor));
        var list = await _manager().Ask<RoomList>(new ListRoomsRequest(type, filterJson, limit, after, null), AskTimeout, cancellationToken).ConfigureAwait(false);
        return new RoomPage(list.Rooms.Select(r => new RoomInfo(r.Room, r.Type, r.Clients, r.MaxClients, r.Locked, r.MetadataJson)).ToArray(), list.Next);
    }

    /// <summary>How many rooms exist now.</summary>
    public Task<int> CountAsync(CancellationToken cancellationToken = default) =>
        _manager().Ask<int>(RoomManager.CountRooms.Instance, AskTimeout, cancellationToken);
}

/// <summary>One page of a room listing.</summary>
/// <param name="Rooms">The rooms on it, in key order (type, then name).</param>
/// <param name="Next">The cursor of the next page; null when this is the last.</param>
public sealed record RoomPage(IReadOnlyList<RoomInfo> Rooms, string? Next);
