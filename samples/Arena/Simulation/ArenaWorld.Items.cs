namespace ActorWs.Samples.Arena.Simulation;

/// <summary>Items: where they appear, who picks them up, and what the next frame must say about them.</summary>
public sealed partial class ArenaWorld
{
    private readonly ArenaItem[] _items;
    private readonly bool[] _itemIsNew;
    private readonly ItemPickup[] _pickups;
    private int _itemCount;
    private int _newItemCount;
    private int _pickupCount;
    private byte _nextItemId;
    private TimeSpan _sinceRoomForItem;

    /// <summary>The items on the field.</summary>
    public ReadOnlySpan<ArenaItem> Items => _items.AsSpan(0, _itemCount);

    /// <summary>Items that appeared since <see cref="ClearChanges"/>.</summary>
    public int NewItemCount => _newItemCount;

    /// <summary>Pickups since <see cref="ClearChanges"/> (all of them unless <see cref="PickupsOverflowed"/>).</summary>
    public ReadOnlySpan<ItemPickup> Pickups => _pickups.AsSpan(0, _pickupCount);

    /// <summary>
    /// More pickups happened since <see cref="ClearChanges"/> than a frame lists: only a keyframe describes the
    /// state now (the room sends one instead of a delta).
    /// </summary>
    public bool PickupsOverflowed { get; private set; }

    /// <summary>Whether the item at <paramref name="index"/> of <see cref="Items"/> appeared since <see cref="ClearChanges"/>.</summary>
    public bool IsNewItem(int index) => (uint)index < (uint)_itemCount && _itemIsNew[index];

    private void CollectPickups()
    {
        const long reach = (ArenaRules.PlayerRadius + ArenaRules.ItemRadius) * ArenaRules.FixedPointScale;
        // Backwards, because a picked item is replaced by the last one.
        for (int i = _itemCount - 1; i >= 0; i--)
        {
            var item = _items[i];
            foreach (var player in _slots)
            {
                if (player is null) continue;
                long dx = player.X - item.X, dy = player.Y - item.Y;
                if (dx * dx + dy * dy > reach * reach) continue;
                if (player.Score < ArenaRules.MaxScore) player.Score++;
                player.Changed = true;
                RecordPickup(new ItemPickup(item.Id, (byte)player.Slot));
                RemoveItemAt(i);
                break;
            }
        }
    }

    private void RecordPickup(ItemPickup pickup)
    {
        if (_pickupCount < _pickups.Length) _pickups[_pickupCount++] = pickup;
        else PickupsOverflowed = true;
    }

    private void RemoveItemAt(int index)
    {
        if (_itemIsNew[index]) _newItemCount--;
        int last = _itemCount - 1;
        _items[index] = _items[last];
        _itemIsNew[index] = _itemIsNew[last];
        _itemIsNew[last] = false;
        _itemCount = last;
    }

    private void Respawn(TimeSpan elapsed)
    {
        if (_itemCount >= _items.Length)
        {
            // A full field starts the respawn clock only once something is picked up.
            _sinceRoomForItem = TimeSpan.Zero;
            return;
        }
        _sinceRoomForItem += elapsed;
        if (_sinceRoomForItem < _options.ItemRespawn) return;
        _sinceRoomForItem = TimeSpan.Zero;
        SpawnItem();
    }

    private void SpawnItem()
    {
        byte id = NextFreeItemId();
        int x = ArenaRules.ToFixed(RandomBetween(ArenaRules.ItemMargin, ArenaRules.WorldWidth - ArenaRules.ItemMargin));
        int y = ArenaRules.ToFixed(RandomBetween(ArenaRules.ItemMargin, ArenaRules.WorldHeight - ArenaRules.ItemMargin));
        _items[_itemCount] = new ArenaItem(id, x, y);
        _itemIsNew[_itemCount] = true;
        _itemCount++;
        _newItemCount++;
    }

    /// <summary>Ids cycle through 0–255, skipping those on the field, so a client never confuses a new item with an old one.</summary>
    private byte NextFreeItemId()
    {
        while (true)
        {
            byte candidate = _nextItemId++;
            bool taken = false;
            foreach (var item in Items)
            {
                if (item.Id == candidate)
                {
                    taken = true;
                    break;
                }
            }
            if (!taken) return candidate;
        }
    }
}
