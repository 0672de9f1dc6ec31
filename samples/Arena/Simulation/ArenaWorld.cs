namespace ActorWs.Samples.Arena.Simulation;

/// <summary>
/// The server-authoritative simulation of one arena: players in slots steering their dots at a capped speed inside
/// the field, items that appear and are picked up for a point. The room steps it once per tick and writes a state
/// frame of what changed (<see cref="Protocol.StateFrameWriter"/>), then calls <see cref="ClearChanges"/>.
/// </summary>
/// <remarks>
/// Not thread-safe: it lives inside one room actor. Stepping allocates nothing: players live in a fixed slot array,
/// items in a fixed array, and the pickups of the current frame in a fixed buffer.
/// </remarks>
public sealed partial class ArenaWorld
{
    private readonly ArenaWorldOptions _options;
    private readonly Random _random;
    private readonly ArenaPlayer?[] _slots;
    private int _playerCount;

    /// <summary>Creates the world and scatters its first items.</summary>
    /// <param name="options">Slots, item count and respawn time.</param>
    /// <param name="random">Where spawn positions come from (seed it for a reproducible world).</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is outside its documented range.</exception>
    public ArenaWorld(ArenaWorldOptions options, Random random)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxPlayers, 1, nameof(options.MaxPlayers));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.MaxPlayers, ArenaRules.MaxPlayers, nameof(options.MaxPlayers));
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxItems, nameof(options.MaxItems));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.MaxItems, ArenaRules.MaxItemsLimit, nameof(options.MaxItems));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ItemRespawn, TimeSpan.Zero, nameof(options.ItemRespawn));
        _options = options;
        _random = random;
        _slots = new ArenaPlayer?[options.MaxPlayers];
        _items = new ArenaItem[options.MaxItems];
        _itemIsNew = new bool[options.MaxItems];
        _pickups = new ItemPickup[ArenaRules.MaxItemsLimit];
        while (_itemCount < options.MaxItems) SpawnItem();
    }

    /// <summary>Steps simulated so far (the tick number state frames carry).</summary>
    public uint Tick { get; private set; }

    /// <summary>Slots (seats) this world has.</summary>
    public int MaxPlayers => _slots.Length;

    /// <summary>Players in the world.</summary>
    public int PlayerCount => _playerCount;

    /// <summary>The player in <paramref name="slot"/>, or null when it is free.</summary>
    public ArenaPlayer? PlayerInSlot(int slot) => (uint)slot < (uint)_slots.Length ? _slots[slot] : null;

    /// <summary>The player with member id <paramref name="id"/>, or null.</summary>
    public ArenaPlayer? Find(string id)
    {
        foreach (var player in _slots)
        {
            if (player is not null && player.Id == id) return player;
        }
        return null;
    }

    /// <summary>
    /// Puts a player in the lowest free slot at a random spot (or returns the one already there with that id).
    /// </summary>
    /// <param name="id">The member id.</param>
    /// <param name="name">A name, or null for the slot's colour name.</param>
    /// <returns>The player; null when every slot is taken.</returns>
    public ArenaPlayer? Join(string id, string? name)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        if (Find(id) is { } existing) return existing;
        int slot = Array.IndexOf(_slots, null);
        if (slot < 0) return null;
        double x = RandomBetween(ArenaPlayer.MinX, ArenaPlayer.MaxX);
        double y = RandomBetween(ArenaPlayer.MinY, ArenaPlayer.MaxY);
        var player = new ArenaPlayer(slot, id, name ?? ArenaRules.SlotLooks[slot].Name, x, y);
        _slots[slot] = player;
        _playerCount++;
        return player;
    }

    /// <summary>Takes a player out of the world, freeing its slot.</summary>
    /// <returns>Whether there was such a player.</returns>
    public bool Leave(string id)
    {
        var player = Find(id);
        if (player is null) return false;
        _slots[player.Slot] = null;
        _playerCount--;
        return true;
    }

    /// <summary>
    /// Sets how a player steers: a direction whose length (up to <see cref="ArenaRules.MaxSteer"/>) scales the top
    /// speed. The input holds for <see cref="ArenaRules.InputHold"/> unless repeated; (0, 0) stops.
    /// </summary>
    public static void Steer(ArenaPlayer player, int x, int y)
    {
        ArgumentNullException.ThrowIfNull(player);
        player.SetSteer(x, y);
    }

    /// <summary>
    /// Advances the world by <paramref name="elapsed"/> (capped at <see cref="ArenaRules.MaxStep"/> for movement):
    /// one tick. Moves every player, hands out pickups (an item goes to the lowest slot touching it), then lets a
    /// new item appear once the respawn time has passed since the field was last full.
    /// </summary>
    public void Step(TimeSpan elapsed)
    {
        if (elapsed < TimeSpan.Zero) elapsed = TimeSpan.Zero;
        double seconds = Math.Min(elapsed.TotalSeconds, ArenaRules.MaxStep.TotalSeconds);
        Tick++;
        foreach (var player in _slots) player?.Move(elapsed, seconds);
        CollectPickups();
        Respawn(elapsed);
    }

    /// <summary>Whether anything changed since <see cref="ClearChanges"/>: a delta frame has something to say.</summary>
    public bool HasChanges
    {
        get
        {
            if (_pickupCount > 0 || _newItemCount > 0) return true;
            foreach (var player in _slots)
            {
                if (player is { Changed: true }) return true;
            }
            return false;
        }
    }

    /// <summary>Players whose position or score changed since <see cref="ClearChanges"/>.</summary>
    public int ChangedPlayerCount
    {
        get
        {
            int count = 0;
            foreach (var player in _slots)
            {
                if (player is { Changed: true }) count++;
            }
            return count;
        }
    }

    /// <summary>The frame describing the changes was written: start collecting the next one.</summary>
    public void ClearChanges()
    {
        foreach (var player in _slots)
        {
            if (player is not null) player.Changed = false;
        }
        Array.Clear(_itemIsNew, 0, _itemCount);
        _newItemCount = 0;
        _pickupCount = 0;
        PickupsOverflowed = false;
    }

    private double RandomBetween(double min, double max) => min + _random.NextDouble() * (max - min);
}
