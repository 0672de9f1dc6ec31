namespace ActorWs.Hosting.Configuration.Hocon;

/// <summary>
/// A node of the parsed, not yet resolved tree. Substitutions are resolved only after the whole file and its
/// includes have been merged, so parsing produces these nodes and <see cref="HoconResolver"/> turns them into
/// <see cref="HoconValue"/>s. Resolution memoises by node identity, so nodes compare by reference.
/// </summary>
internal abstract class HoconNode(HoconOrigin origin)
{
    public HoconOrigin Origin { get; } = origin;

    /// <summary>True for nodes whose value is only known after resolving a substitution.</summary>
    public virtual bool IsUnresolved => false;
}

/// <summary>An object literal; duplicate keys were merged while parsing.</summary>
internal sealed class ObjectNode(HoconOrigin origin) : HoconNode(origin)
{
    public OrderedDictionary<string, HoconNode> Fields { get; } = new(StringComparer.Ordinal);
}

/// <summary>An array literal.</summary>
internal sealed class ArrayNode(HoconOrigin origin, List<HoconNode> items) : HoconNode(origin)
{
    public List<HoconNode> Items { get; } = items;
}

/// <summary>A string, number, boolean or null literal; <see cref="IsSeparatorWhitespace"/> marks the unquoted
/// whitespace between the parts of a concatenation, which is kept between strings and ignored between arrays or objects.</summary>
internal sealed class ScalarNode(HoconScalar value, bool isSeparatorWhitespace = false) : HoconNode(value.Origin)
{
    public HoconScalar Value { get; } = value;

    public bool IsSeparatorWhitespace { get; } = isSeparatorWhitespace;
}

/// <summary>
/// <c>${path}</c> or <c>${?path}</c>. In an included file the path is "fixed up" with the include's location
/// (<see cref="Path"/>) and the path as written is the fallback (<see cref="FallbackPath"/>), per the spec.
/// </summary>
internal sealed class SubstitutionNode(HoconOrigin origin, HoconPath path, HoconPath? fallbackPath, bool optional) : HoconNode(origin)
{
    public HoconPath Path { get; } = path;

    public HoconPath? FallbackPath { get; } = fallbackPath;

    public bool Optional { get; } = optional;

    /// <summary>The path as the user wrote it, for messages and the environment variable fallback.</summary>
    public HoconPath WrittenPath => FallbackPath ?? Path;

    public override bool IsUnresolved => true;

    public string Describe() => $"${{{(Optional ? "?" : string.Empty)}{WrittenPath}}}";
}

/// <summary>A value concatenation: several values on one line (strings join, arrays append, objects merge).</summary>
internal sealed class ConcatenationNode(HoconOrigin origin, List<HoconNode> pieces) : HoconNode(origin)
{
    public List<HoconNode> Pieces { get; } = pieces;

    public override bool IsUnresolved => true;
}

/// <summary>
/// The successive definitions of one field, oldest first, kept because at least one of them needs a substitution
/// resolved before it can merge with the others. A self-reference inside layer <c>i</c> sees only layers
/// <c>0..i-1</c> ("looking back"), which is how <c>path = ${path} [x]</c> works.
/// </summary>
internal sealed class MergeNode(HoconOrigin origin, List<HoconNode> layers) : HoconNode(origin)
{
    public List<HoconNode> Layers { get; } = layers;

    public override bool IsUnresolved => true;
}

/// <summary>During resolution: the lower <see cref="Count"/> layers of a <see cref="MergeNode"/>, seen from a self-reference.</summary>
internal sealed class MergeViewNode(MergeNode source, int count) : HoconNode(source.Origin)
{
    public MergeNode Source { get; } = source;

    public int Count { get; } = count;
}

/// <summary>During resolution: the same key found in several merged objects, oldest first, not yet resolved.</summary>
internal sealed class SyntheticMergeNode(HoconOrigin origin, List<HoconNode> layers) : HoconNode(origin)
{
    public List<HoconNode> Layers { get; } = layers;
}

/// <summary>During resolution: a value that is already resolved.</summary>
internal sealed class ResolvedNode(HoconValue value) : HoconNode(value.Origin)
{
    public HoconValue Value { get; } = value;
}
