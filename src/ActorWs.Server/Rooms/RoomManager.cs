using ActorWs.Actors;
using Microsoft.Extensions.Logging;

namespace ActorWs.Server.Rooms;

/// <summary>
/// Parent of all rooms: creates a room on its first join, forwards joins to it, stops it once it has been
/// empty for its linger time, and supervises it (restart with backoff, or stop after too many failures).
/// </summary>
/// <remarks>
/// Every join passes through the manager, which counts the joins it forwarded to each room. A room that
/// reports itself idle also reports how many joins it processed; only when the two counts agree is no
/// join on its way, and only then is the room stopped. A later join creates a fresh room.
/// </remarks>
internal sealed class RoomManager : ActorBase
{
    private sealed class Entry(IActorRef room, RoomLifetime lifetime)
    {
        public IActorRef Room { get; } = room;
        public RoomLifetime Lifetime { get; } = lifetime;
        public long JoinsForwarded;
    }

    private readonly ServerRuntime _runtime;
    private readonly Dictionary<(string Type, string Name), Entry> _rooms = new();
    private readonly Dictionary<IActorRef, (string Type, string Name)> _keys = new();
    private long _nextRoomId;

    public RoomManager(ServerRuntime runtime) => _runtime = runtime;

    protected override SupervisorStrategy SupervisorStrategy()
    {
        var options = _runtime.Options.Rooms;
        // A room that throws is restarted (its actor pauses with backoff); one that keeps failing is stopped.
        return new OneForOneStrategy(options.MaxRestarts, options.RestartWindow, _ => Directive.Restart);
    }

    /// <summary>How many rooms exist (for tests and the status page).</summary>
    internal sealed record CountRooms
    {
        public static readonly CountRooms Instance = new();
    }

    /// <summary>Looks up a room (for embedders): replies with the ref, or <see cref="ActorRefs.Nobody"/> if there is none.</summary>
    internal sealed record FindRoom(string Type, string Name);

    /// <summary>Creates the room if it does not exist; replies with its ref (or a <see cref="RoomJoinRefused"/> for an unknown type).</summary>
    internal sealed record EnsureRoom(string Type, string Name);

    /// <summary>Forwards <paramref name="Message"/> to the room if it exists; replies true/false.</summary>
    internal sealed record TellRoom(string Type, string Name, object Message);

    /// <summary>The room's entry, creating the room if needed; null for an unknown room type.</summary>
    private Entry? GetOrCreate(string type, string name)
    {
        if (_rooms.TryGetValue((type, name), out var entry)) return entry;
        if (!_runtime.RoomTypes.TryGet(type, out var factory)) return null;
        var lifetime = new RoomLifetime();
        var room = Context.ActorOf(Props.Create(() => new RoomActor(_runtime, type, name, factory, lifetime)), "r" + (++_nextRoomId).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Context.Watch(room);
        entry = new Entry(room, lifetime);
        _rooms[(type, name)] = entry;
        _keys[room] = (type, name);
        return entry;
    }

    protected override bool Receive(object message)
    {
        switch (message)
        {
            case JoinRoomRequest join:
                var entry = GetOrCreate(join.RoomType, join.Room);
                if (entry is null)
                {
                    Sender.Tell(new RoomJoinRefused(join.Room, $"unknown room type \"{join.RoomType}\"", join.Tag), Self);
                    return true;
                }
                entry.JoinsForwarded++;
                entry.Room.Forward(join);
                return true;
            case EnsureRoom ensure:
                var ensured = GetOrCreate(ensure.Type, ensure.Name);
                Sender.Tell(ensured is null ? new RoomJoinRefused(ensure.Name, $"unknown room type \"{ensure.Type}\"", null) : ensured.Room, Self);
                return true;
            case TellRoom tell:
                bool exists = _rooms.TryGetValue((tell.Type, tell.Name), out var target);
                if (exists) target!.Room.Forward(tell.Message);
                Sender.Tell(exists, Self);
                return true;
            case RoomIdle idle:
                if (_keys.TryGetValue(Sender, out var key) && _rooms.TryGetValue(key, out var idleEntry)
                    && ReferenceEquals(idleEntry.Room, Sender) && idleEntry.JoinsForwarded == idle.JoinsProcessed)
                {
                    _rooms.Remove(key);
                    Context.Stop(Sender);
                }
                return true;
            case Terminated terminated:
                if (_keys.Remove(terminated.ActorRef, out var gone)
                    && _rooms.TryGetValue(gone, out var goneEntry) && ReferenceEquals(goneEntry.Room, terminated.ActorRef))
                {
                    // Stopped by the supervisor strategy after too many failures.
                    _rooms.Remove(gone);
                    Context.GetLogger().LogWarning("Room {Room} ({Type}) stopped after repeated failures", gone.Name, gone.Type);
                }
                return true;
            case FindRoom find:
                Sender.Tell(_rooms.TryGetValue((find.Type, find.Name), out var found) ? found.Room : ActorRefs.Nobody, Self);
                return true;
            case CountRooms:
                Sender.Tell(_rooms.Count, Self);
                return true;
            default:
                return false;
        }
    }
}
