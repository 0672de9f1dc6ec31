namespace ActorWs.Server.Rooms;

/// <summary>The room types a server knows, by name.</summary>
/// <remarks>Filled while configuring the server, read-only once it runs; reads are thread-safe.</remarks>
internal sealed class RoomTypeRegistry
{
    private readonly Dictionary<string, Func<Room>> _factories = new(StringComparer.Ordinal);

    public void Define(string name, Func<Room> factory)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(factory);
        if (!_factories.TryAdd(name, factory)) throw new ArgumentException($"Room type \"{name}\" is already defined.", nameof(name));
    }

    public bool TryGet(string name, out Func<Room> factory) => _factories.TryGetValue(name, out factory!);

    public IEnumerable<string> Names => _factories.Keys;
}
