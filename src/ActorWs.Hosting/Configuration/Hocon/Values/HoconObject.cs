using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace ActorWs.Hosting.Configuration.Hocon;

/// <summary>
/// A resolved object: fields in the order they were first defined. Typed accessors that take a path
/// (<c>server.port</c>) live in the <c>Accessors</c> part of this class.
/// </summary>
/// <remarks>Immutable; thread-safe.</remarks>
public sealed partial class HoconObject : HoconValue, IReadOnlyDictionary<string, HoconValue>
{
    private readonly OrderedDictionary<string, HoconValue> _fields;

    internal HoconObject(OrderedDictionary<string, HoconValue> fields, HoconOrigin origin) : base(origin) => _fields = fields;

    /// <inheritdoc />
    public override HoconValueKind Kind => HoconValueKind.Object;

    /// <inheritdoc />
    public int Count => _fields.Count;

    /// <inheritdoc />
    public IEnumerable<string> Keys => _fields.Keys;

    /// <inheritdoc />
    public IEnumerable<HoconValue> Values => _fields.Values;

    /// <inheritdoc />
    public HoconValue this[string key] => _fields[key];

    /// <inheritdoc />
    public bool ContainsKey(string key) => _fields.ContainsKey(key);

    /// <inheritdoc />
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out HoconValue value) => _fields.TryGetValue(key, out value);

    /// <inheritdoc />
    public override string Describe() => "an object";

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, HoconValue>> GetEnumerator() => _fields.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>
    /// Merges two objects the way duplicate keys merge: fields only in one side are kept, fields in both take
    /// the newer value unless both values are objects, which merge recursively.
    /// </summary>
    internal static HoconObject Merge(HoconObject newer, HoconObject older)
    {
        var fields = new OrderedDictionary<string, HoconValue>(older._fields, StringComparer.Ordinal);
        foreach (var (key, value) in newer._fields)
        {
            fields[key] = value is HoconObject newerChild && fields.TryGetValue(key, out var existing) && existing is HoconObject olderChild
                ? Merge(newerChild, olderChild)
                : value;
        }

        return new HoconObject(fields, newer.Origin);
    }
}
