using Akka.Actor;
using ActorWs.Server.Connections;

namespace ActorWs.Server.Listener;

/// <summary>One open connection as the listener tracks it: its actor and its next deadline.</summary>
/// <remarks>
/// <see cref="Deadline"/> is written by the connection actor and read (and claimed) by the listener's
/// periodic scan, always through <see cref="Volatile"/>/<see cref="Interlocked"/>.
/// </remarks>
internal sealed class ConnectionEntry
{
    public ConnectionEntry(long id) => Id = id;

    public long Id { get; }

    /// <summary>Set by the connection actor as it starts.</summary>
    public IActorRef? Actor;

    /// <summary>A <see cref="TimeProvider"/> timestamp; <see cref="long.MaxValue"/> when none is due.</summary>
    public long Deadline = long.MaxValue;

    /// <summary>The address this connection counts against (<see cref="AddressLimits.TryOpen"/>), released as it goes.</summary>
    public System.Net.IPAddress? CountedAddress;

    /// <summary>Position in the registry's array (swap-remove).</summary>
    internal int Index = -1;

    /// <summary>Sets the next deadline (called by the connection actor).</summary>
    public void SetDeadline(long timestamp) => Volatile.Write(ref Deadline, timestamp);
}

/// <summary>
/// All connections of one listener, so that deadlines can be checked in one periodic pass (instead of a
/// timer per connection) and shutdown can reach every connection.
/// </summary>
/// <remarks>
/// Thread-safety: guarded by a lock. Entries are added by the listener and removed by each connection
/// actor as it stops (on its own thread).
/// </remarks>
internal sealed class ConnectionRegistry
{
    private readonly object _gate = new();
    private ConnectionEntry[] _entries = new ConnectionEntry[256];
    private int _count;
    private Action? _onEmpty;
    private readonly AddressLimits? _addressLimits;

    /// <summary>A registry; <paramref name="addressLimits"/> hears of every counted connection that goes.</summary>
    public ConnectionRegistry(AddressLimits? addressLimits = null) => _addressLimits = addressLimits;

    public int Count
    {
        get { lock (_gate) return _count; }
    }

    public ConnectionEntry Add(long id)
    {
        var entry = new ConnectionEntry(id);
        lock (_gate)
        {
            if (_count == _entries.Length) Array.Resize(ref _entries, _entries.Length * 2);
            entry.Index = _count;
            _entries[_count++] = entry;
        }
        return entry;
    }

    public void Remove(ConnectionEntry entry)
    {
        Action? notify = null;
        lock (_gate)
        {
            int index = entry.Index;
            if (index < 0 || index >= _count || !ReferenceEquals(_entries[index], entry)) return;
            var last = _entries[--_count];
            _entries[index] = last;
            last.Index = index;
            _entries[_count] = null!;
            entry.Index = -1;
            if (_count == 0) notify = _onEmpty;
        }
        if (entry.CountedAddress is { } address) _addressLimits?.Release(address);
        notify?.Invoke();
    }

    /// <summary>Calls <paramref name="onEmpty"/> (once per time it empties) whenever the last connection goes; null to stop.</summary>
    public void WhenEmpty(Action? onEmpty)
    {
        lock (_gate) _onEmpty = onEmpty;
    }

    /// <summary>Tells every connection whose deadline is at or before <paramref name="now"/> (each deadline is claimed once).</summary>
    public int SignalDue(long now)
    {
        int signalled = 0;
        lock (_gate)
        {
            for (int i = 0; i < _count; i++)
            {
                var entry = _entries[i];
                long deadline = Volatile.Read(ref entry.Deadline);
                if (deadline > now || entry.Actor is null) continue;
                // Claim it: a deadline the connection sets meanwhile is newer and stays.
                if (Interlocked.CompareExchange(ref entry.Deadline, long.MaxValue, deadline) != deadline) continue;
                entry.Actor.Tell(DeadlineReached.Instance, ActorRefs.NoSender);
                signalled++;
            }
        }
        return signalled;
    }

    /// <summary>Tells every connection <paramref name="message"/>.</summary>
    public void TellAll(object message)
    {
        lock (_gate)
        {
            for (int i = 0; i < _count; i++) _entries[i].Actor?.Tell(message, ActorRefs.NoSender);
        }
    }
}
