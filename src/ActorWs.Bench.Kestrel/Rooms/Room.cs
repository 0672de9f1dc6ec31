namespace ActorWs.Bench.Kestrel.Rooms;

/// <summary>A named relay room: the set of members a message is delivered to.</summary>
/// <remarks>
/// Thread-safety: <see cref="Members"/> may be read from any thread at any time and returns an
/// immutable snapshot, so broadcasting never takes a lock; membership changes happen only through
/// <see cref="RoomRegistry"/>, which serialises them.
/// </remarks>
public sealed class Room
{
    private RoomMember[] _members = [];

    /// <summary>Creates an empty room.</summary>
    /// <param name="name">The room name from the route.</param>
    public Room(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        Name = name;
    }

    /// <summary>The room name from the route.</summary>
    public string Name { get; }

    /// <summary>The current members; the array is a snapshot and is never modified.</summary>
    public IReadOnlyList<RoomMember> Members => Volatile.Read(ref _members);

    /// <summary>The members array itself, for allocation-free iteration by broadcasters.</summary>
    internal RoomMember[] MemberSnapshot => Volatile.Read(ref _members);

    /// <summary>Adds a member; the caller holds the registry lock.</summary>
    internal void Add(RoomMember member)
    {
        var current = _members;
        var next = new RoomMember[current.Length + 1];
        current.CopyTo(next, 0);
        next[^1] = member;
        Volatile.Write(ref _members, next);
    }

    /// <summary>Removes a member and returns how many remain; the caller holds the registry lock.</summary>
    internal int Remove(RoomMember member)
    {
        var current = _members;
        var index = Array.IndexOf(current, member);
        if (index < 0)
        {
            return current.Length;
        }

        var next = new RoomMember[current.Length - 1];
        Array.Copy(current, 0, next, 0, index);
        Array.Copy(current, index + 1, next, index, current.Length - index - 1);
        Volatile.Write(ref _members, next);
        return next.Length;
    }
}
