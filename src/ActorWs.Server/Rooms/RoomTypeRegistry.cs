namespace ActorWs.Server.Rooms;

/// <summary>Policies of one room type: reconnection, seats, and protection against abusive clients.</summary>
/// <remarks>Set while configuring the server; read-only once it runs.</remarks>
public sealed class RoomTypeOptions
{
    /// <summary>How long a member whose connection dropped stays in the room, waiting to resume. Null uses the server's.</summary>
    public TimeSpan? ReconnectionWindow { get; set; }

    /// <summary>How long a seat reserved by matchmaking is held for the client to take it.</summary>
    public TimeSpan SeatReservationTime { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Largest message a member may send to a room of this type; larger ones get an error reply. Null: the connection's limit only.</summary>
    public int? MaxMessageSize { get; set; }

    /// <summary>Messages per second one member may send (token bucket, bursts up to one second's worth); 0 for no limit.</summary>
    public double MessagesPerSecond { get; set; }

    /// <summary>Bytes per second one member may send (token bucket, bursts up to one second's worth); 0 for no limit.</summary>
    public double BytesPerSecond { get; set; }

    /// <summary>Messages dropped for the rate limit within <see cref="AbuseWindow"/> after which the client is closed with 1008.</summary>
    public int AbuseThreshold { get; set; } = 20;

    /// <summary>The window <see cref="AbuseThreshold"/> counts in.</summary>
    public TimeSpan AbuseWindow { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Most rooms of this type at once; a client's join or create that would make one more is refused. Null uses the
    /// server's <see cref="Options.RoomOptions.MaxRooms"/>. Rooms the application makes through <see cref="RoomDirectory"/> count but are not refused.
    /// </summary>
    public int? MaxRooms { get; set; }
}

/// <summary>A registered room type, and how many rooms of it exist now.</summary>
internal sealed class RoomType(string name, Func<Room> factory, RoomTypeOptions options)
{
    private int _live;

    public string Name { get; } = name;

    public Func<Room> Factory { get; } = factory;

    public RoomTypeOptions Options { get; } = options;

    /// <summary>
    /// Rooms of this type that exist now. Written only by the room manager; read from any thread (an accept hook that
    /// refuses an upgrade early when the type is full), so a read may be a moment old.
    /// </summary>
    public int LiveRooms
    {
        get => Volatile.Read(ref _live);
        set => Volatile.Write(ref _live, value);
    }

    /// <summary>The cap on rooms of this type: its own, or the server's.</summary>
    public int MaxRooms(ActorWs.Server.Options.RoomOptions server) => Options.MaxRooms ?? server.MaxRooms;
}

/// <summary>The room types a server knows, by name.</summary>
/// <remarks>Filled while configuring the server, read-only once it runs; reads are thread-safe.</remarks>
internal sealed class RoomTypeRegistry
{
    private readonly Dictionary<string, RoomType> _types = new(StringComparer.Ordinal);

    public void Define(string name, Func<Room> factory, RoomTypeOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(factory);
        if (name.Contains(':') || name.Contains('/')) throw new ArgumentException($"Room type \"{name}\" may not contain ':' or '/'.", nameof(name));
        if (options?.MaxRooms is < 1) throw new ArgumentOutOfRangeException(nameof(options), options.MaxRooms, $"Room type \"{name}\": MaxRooms must be at least 1 (null: the server's).");
        if (!_types.TryAdd(name, new RoomType(name, factory, options ?? new RoomTypeOptions())))
            throw new ArgumentException($"Room type \"{name}\" is already defined.", nameof(name));
    }

    public bool TryGet(string name, out RoomType type) => _types.TryGetValue(name, out type!);

    public IEnumerable<string> Names => _types.Keys;
}
