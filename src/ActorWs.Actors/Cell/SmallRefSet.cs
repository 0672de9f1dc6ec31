namespace ActorWs.Actors;

/// <summary>
/// A set of actor refs that costs nothing for zero or one element and spills to a <see cref="HashSet{T}"/> only
/// from the second: DeathWatch sets almost always hold one entry (a connection and its session watching each
/// other), and a hash set per watch would dominate the memory of an idle actor.
/// </summary>
/// <remarks>A mutable struct: keep it in a field and use it through that field only. Not thread-safe.</remarks>
internal struct SmallRefSet
{
    private InternalActorRef? _single;
    private HashSet<InternalActorRef>? _many;

    public readonly int Count => _many?.Count ?? (_single is null ? 0 : 1);

    public bool Add(InternalActorRef item)
    {
        if (_many is not null) return _many.Add(item);
        if (_single is null)
        {
            _single = item;
            return true;
        }
        if (ReferenceEquals(_single, item)) return false;
        _many = [_single, item];
        _single = null;
        return true;
    }

    public bool Remove(InternalActorRef item)
    {
        if (_many is not null) return _many.Remove(item);
        if (!ReferenceEquals(_single, item)) return false;
        _single = null;
        return true;
    }

    public readonly bool Contains(InternalActorRef item) =>
        _many?.Contains(item) ?? ReferenceEquals(_single, item);

    /// <summary>The elements, copied (so the set may change while the caller iterates).</summary>
    public readonly InternalActorRef[] ToArray() =>
        _many is not null ? [.. _many] : _single is null ? [] : [_single];

    public void Clear()
    {
        _single = null;
        _many = null;
    }
}

/// <summary>
/// A map from actor refs to a value (DeathWatch: whom an actor watches, and the custom message for each) that costs
/// nothing for zero or one entry and spills to a <see cref="Dictionary{TKey,TValue}"/> from the second.
/// </summary>
/// <remarks>A mutable struct: keep it in a field and use it through that field only. Not thread-safe.</remarks>
internal struct SmallRefMap
{
    private InternalActorRef? _singleKey;
    private object? _singleValue;
    private Dictionary<InternalActorRef, object?>? _many;

    public readonly int Count => _many?.Count ?? (_singleKey is null ? 0 : 1);

    public readonly bool ContainsKey(InternalActorRef key) =>
        _many?.ContainsKey(key) ?? ReferenceEquals(_singleKey, key);

    /// <summary>Adds or replaces the value for <paramref name="key"/>.</summary>
    public void Set(InternalActorRef key, object? value)
    {
        if (_many is not null)
        {
            _many[key] = value;
        }
        else if (_singleKey is null || ReferenceEquals(_singleKey, key))
        {
            _singleKey = key;
            _singleValue = value;
        }
        else
        {
            _many = new Dictionary<InternalActorRef, object?> { [_singleKey] = _singleValue, [key] = value };
            _singleKey = null;
            _singleValue = null;
        }
    }

    public bool Remove(InternalActorRef key, out object? value)
    {
        if (_many is not null) return _many.Remove(key, out value);
        if (ReferenceEquals(_singleKey, key))
        {
            value = _singleValue;
            _singleKey = null;
            _singleValue = null;
            return true;
        }
        value = null;
        return false;
    }

    /// <summary>The keys, copied.</summary>
    public readonly InternalActorRef[] Keys() =>
        _many is not null ? [.. _many.Keys] : _singleKey is null ? [] : [_singleKey];

    public void Clear()
    {
        _singleKey = null;
        _singleValue = null;
        _many = null;
    }
}
