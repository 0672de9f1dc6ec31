namespace ActorWs.Samples.Chat.History;

/// <summary>
/// Every room's history, by room name, kept outside the rooms themselves: a room that fails and is restarted, or
/// that goes away once empty and is made again by the next join, finds its messages (and numbering) still here.
/// </summary>
/// <remarks>
/// <para>Thread-safe (one lock; rooms call it as they start using a history and as they stop).</para>
/// <para>Bounded: at most <see cref="MaxRooms"/> histories are kept for rooms that are not running; making room for
/// a new one forgets the least recently used history of a room that is not running. Histories of running rooms
/// are never forgotten, so the count may pass the bound while that many rooms are in use at once.</para>
/// </remarks>
public sealed class ChatHistoryStore
{
    private sealed class Slot(ChatHistory history)
    {
        public ChatHistory History { get; } = history;
        public int Users;
        public long LastUsed;
    }

    private readonly Dictionary<string, Slot> _slots = new(StringComparer.Ordinal);
    private long _clock;

    /// <summary>A store of histories keeping <paramref name="historyLength"/> messages each, for up to <paramref name="maxRooms"/> rooms.</summary>
    public ChatHistoryStore(int historyLength, int maxRooms)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(historyLength, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRooms, 1);
        HistoryLength = historyLength;
        MaxRooms = maxRooms;
    }

    /// <summary>Messages kept per room.</summary>
    public int HistoryLength { get; }

    /// <summary>Histories kept for rooms that are not running.</summary>
    public int MaxRooms { get; }

    /// <summary>How many histories are kept now.</summary>
    public int Count
    {
        get
        {
            lock (_slots) return _slots.Count;
        }
    }

    /// <summary>Whether a history is kept for <paramref name="room"/>.</summary>
    public bool Contains(string room)
    {
        lock (_slots) return _slots.ContainsKey(room);
    }

    /// <summary>The room's history (a new, empty one the first time): a running room takes it until <see cref="Release"/>.</summary>
    public ChatHistory Acquire(string room)
    {
        ArgumentException.ThrowIfNullOrEmpty(room);
        lock (_slots)
        {
            if (!_slots.TryGetValue(room, out var slot))
            {
                if (_slots.Count >= MaxRooms) EvictLeastRecentlyUsedIdle();
                slot = new Slot(new ChatHistory(HistoryLength));
                _slots[room] = slot;
            }
            slot.Users++;
            slot.LastUsed = ++_clock;
            return slot.History;
        }
    }

    /// <summary>The running room is done with its history (it stops, or is replaced after a failure).</summary>
    public void Release(string room)
    {
        lock (_slots)
        {
            if (!_slots.TryGetValue(room, out var slot) || slot.Users == 0) return;
            slot.Users--;
            slot.LastUsed = ++_clock;
        }
    }

    private void EvictLeastRecentlyUsedIdle()
    {
        string? oldest = null;
        long oldestUse = long.MaxValue;
        foreach (var (name, slot) in _slots)
        {
            if (slot.Users > 0 || slot.LastUsed >= oldestUse) continue;
            oldest = name;
            oldestUse = slot.LastUsed;
        }
        if (oldest is not null) _slots.Remove(oldest);
    }
}
