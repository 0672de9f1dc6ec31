using ActorWs.Client.Resume;

namespace ActorWs.Client.Protocol;

/// <summary>
/// The client's position in each room it is in, when the server is a cluster node: per room, its type and the
/// highest room position number (<c>rseq</c>) delivered. Sent back on resume, so that another node can replay.
/// </summary>
/// <remarks>
/// A room has an entry from its join reply until the client leaves it, is told it closed, or the session is lost: a
/// position for a room without an entry is ignored, because its type (needed to resume) is unknown. Positions only
/// go up. Thread-safety: all members may be called from any thread (the receive loop writes, request
/// continuations forget rooms, <see cref="Snapshot"/> is read by the application).
/// </remarks>
internal sealed class PositionTracker
{
    private readonly Dictionary<string, (string Type, long Rseq)> _rooms = new(StringComparer.Ordinal);

    /// <summary>Starts from positions saved by an earlier run (none: empty).</summary>
    public PositionTracker(IEnumerable<RoomPosition>? saved = null)
    {
        foreach (var position in saved ?? []) _rooms[position.Room] = (position.Type, position.Rseq);
    }

    /// <summary>Whether there is no entry.</summary>
    public bool IsEmpty
    {
        get
        {
            lock (_rooms) return _rooms.Count == 0;
        }
    }

    /// <summary>A join succeeded: the room starts at 0 (an entry already there, from a join repeated, is kept).</summary>
    public void Joined(string room, string type)
    {
        lock (_rooms)
        {
            if (!_rooms.TryGetValue(room, out var entry) || entry.Type != type) _rooms[room] = (type, 0);
        }
    }

    /// <summary>A message from <paramref name="room"/> at <paramref name="rseq"/> was delivered.</summary>
    public void Advance(string room, long rseq)
    {
        lock (_rooms)
        {
            if (_rooms.TryGetValue(room, out var entry) && rseq > entry.Rseq) _rooms[room] = (entry.Type, rseq);
        }
    }

    /// <summary>
    /// The full position whose low 32 bits are <paramref name="low"/> (a binary message carries no more), nearest the
    /// room's last known one.
    /// </summary>
    public long Widen(string room, uint low)
    {
        long last;
        lock (_rooms) last = _rooms.TryGetValue(room, out var entry) ? entry.Rseq : 0;
        return SequenceTracker.Widen(last, low);
    }

    /// <summary>The room started again as a new incarnation (it was lost with its node): its positions start again from 0.</summary>
    public void Restarted(string room)
    {
        lock (_rooms)
        {
            if (_rooms.TryGetValue(room, out var entry)) _rooms[room] = (entry.Type, 0);
        }
    }

    public void Forget(string room)
    {
        lock (_rooms) _rooms.Remove(room);
    }

    public void Clear()
    {
        lock (_rooms) _rooms.Clear();
    }

    /// <summary>Every entry, ordered by room name (ordinal), so that the resume URL is the same for the same state.</summary>
    public RoomPosition[] Snapshot()
    {
        lock (_rooms)
        {
            var positions = new RoomPosition[_rooms.Count];
            int i = 0;
            foreach (var (room, entry) in _rooms) positions[i++] = new RoomPosition(room, entry.Type, entry.Rseq);
            Array.Sort(positions, static (a, b) => string.CompareOrdinal(a.Room, b.Room));
            return positions;
        }
    }
}
