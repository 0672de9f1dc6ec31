namespace ActorWs.Bench.Kestrel.Rooms;

/// <summary>All open rooms by name; a room exists while it has at least one member.</summary>
/// <remarks>
/// Thread-safety: all members are safe to call concurrently. Joins and leaves are serialised by
/// one lock; they copy a room's member array, which is cheap next to a WebSocket handshake and keeps
/// the per-message broadcast path lock-free.
/// </remarks>
public sealed class RoomRegistry
{
    private readonly Dictionary<string, Room> _rooms = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>How many rooms currently have members.</summary>
    public int RoomCount
    {
        get
        {
            lock (_gate)
            {
                return _rooms.Count;
            }
        }
    }

    /// <summary>Adds a member to the named room, creating the room when it is new.</summary>
    /// <param name="roomName">The room name.</param>
    /// <param name="member">The joining member.</param>
    /// <returns>The room joined.</returns>
    public Room Join(string roomName, RoomMember member)
    {
        ArgumentNullException.ThrowIfNull(roomName);
        ArgumentNullException.ThrowIfNull(member);
        lock (_gate)
        {
            if (!_rooms.TryGetValue(roomName, out var room))
            {
                room = new Room(roomName);
                _rooms.Add(roomName, room);
            }

            room.Add(member);
            return room;
        }
    }

    /// <summary>Removes a member; the room is forgotten when its last member leaves.</summary>
    /// <param name="room">The room returned by <see cref="Join"/>.</param>
    /// <param name="member">The leaving member.</param>
    public void Leave(Room room, RoomMember member)
    {
        ArgumentNullException.ThrowIfNull(room);
        ArgumentNullException.ThrowIfNull(member);
        lock (_gate)
        {
            if (room.Remove(member) == 0 && _rooms.TryGetValue(room.Name, out var registered) && ReferenceEquals(registered, room))
            {
                _rooms.Remove(room.Name);
            }
        }
    }
}
