using System.Collections;

namespace ActorWs.Hosting.Configuration.Hocon;

/// <summary>A resolved array.</summary>
/// <remarks>Immutable; thread-safe.</remarks>
public sealed class HoconArray : HoconValue, IReadOnlyList<HoconValue>
{
    private readonly HoconValue[] _items;

    internal HoconArray(HoconValue[] items, HoconOrigin origin) : base(origin) => _items = items;

    /// <inheritdoc />
    public override HoconValueKind Kind => HoconValueKind.Array;

    /// <inheritdoc />
    public int Count => _items.Length;

    /// <inheritdoc />
    public HoconValue this[int index] => _items[index];

    /// <inheritdoc />
    public override string Describe() => "an array";

    /// <inheritdoc />
    public IEnumerator<HoconValue> GetEnumerator() => ((IEnumerable<HoconValue>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
