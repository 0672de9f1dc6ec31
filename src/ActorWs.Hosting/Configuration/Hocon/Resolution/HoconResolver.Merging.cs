namespace ActorWs.Hosting.Configuration.Hocon;

/// <summary>
/// Field definitions stacked by duplicate keys: resolution from the newest layer down (a non-object hides what
/// is below it, objects merge), lazy child lookup through the stack, and the "look back" rule for self-references.
/// </summary>
internal sealed partial class HoconResolver
{
    private enum LayerKind
    {
        Undefined,
        Object,
        NotObject,
    }

    /// <summary>Resolves the lowest <paramref name="count"/> layers of a field.</summary>
    private HoconValue? ResolveLayers(MergeNode merge, int count)
    {
        HoconValue? merged = null;
        for (var i = count - 1; i >= 0; i--)
        {
            if (!Accumulate(ref merged, ResolveLayer(merge, i))) break;
        }

        return merged;
    }

    private HoconValue? ResolveSynthetic(SyntheticMergeNode node)
    {
        HoconValue? merged = null;
        for (var i = node.Layers.Count - 1; i >= 0; i--)
        {
            if (!Accumulate(ref merged, Resolve(node.Layers[i]))) break;
        }

        return merged;
    }

    /// <summary>Adds an older layer below what has been merged so far.</summary>
    /// <returns>False when nothing below can change the result any more.</returns>
    private static bool Accumulate(ref HoconValue? merged, HoconValue? older)
    {
        if (older is null) return true; // undefined ${?x}: the previous value remains
        if (merged is null)
        {
            merged = older;
            return older is HoconObject;
        }

        if (older is not HoconObject olderObject) return false; // an object hides a non-object below it
        merged = HoconObject.Merge((HoconObject)merged, olderObject);
        return true;
    }

    /// <summary>
    /// Resolves layer <paramref name="index"/>; while it resolves, a lookup that reaches this field sees only the
    /// layers below it, which is what makes <c>a = ${a} [x]</c> refer to the earlier <c>a</c>.
    /// </summary>
    private HoconValue? ResolveLayer(MergeNode merge, int index)
    {
        var layer = merge.Layers[index];
        if (!layer.IsUnresolved) return Resolve(layer);
        var hadPrevious = _lookback.TryGetValue(merge, out var previous);
        _lookback[merge] = index;
        try
        {
            return Resolve(layer);
        }
        finally
        {
            if (hadPrevious) _lookback[merge] = previous;
            else _lookback.Remove(merge);
        }
    }

    /// <summary>A field as a lookup sees it: all of it, or only the layers below the one being resolved.</summary>
    private HoconNode? ApplyLookback(HoconNode node)
    {
        if (node is not MergeNode merge || !_lookback.TryGetValue(merge, out var count)) return node;
        return count == 0 ? null : new MergeViewNode(merge, count);
    }

    /// <summary>The child <paramref name="key"/> of a node, resolving as little as possible.</summary>
    private HoconNode? Child(HoconNode node, string key)
    {
        switch (node)
        {
            case ObjectNode obj:
                return obj.Fields.TryGetValue(key, out var field) ? ApplyLookback(field) : null;
            case ResolvedNode { Value: HoconObject resolved }:
                return resolved.TryGetValue(key, out var value) ? new ResolvedNode(value) : null;
            case MergeNode merge:
                return ChildOfLayers(merge, merge.Layers.Count, key);
            case MergeViewNode view:
                return ChildOfLayers(view.Source, view.Count, key);
            case SyntheticMergeNode synthetic:
                return ChildOfSynthetic(synthetic, key);
            case SubstitutionNode or ConcatenationNode:
                return Resolve(node) is HoconObject target && target.TryGetValue(key, out var child) ? new ResolvedNode(child) : null;
            default:
                return null; // scalars and arrays have no children
        }
    }

    private HoconNode? ChildOfLayers(MergeNode merge, int count, string key)
    {
        var found = new List<HoconNode>();
        for (var i = count - 1; i >= 0; i--)
        {
            var layer = merge.Layers[i];
            HoconNode probe;
            if (layer.IsUnresolved)
            {
                var value = ResolveLayer(merge, i);
                if (value is null) continue;
                probe = new ResolvedNode(value);
            }
            else
            {
                probe = layer;
            }

            if (KindOf(probe) != LayerKind.Object) break;
            if (Child(probe, key) is { } child) found.Add(child);
        }

        return Combine(found);
    }

    private HoconNode? ChildOfSynthetic(SyntheticMergeNode node, string key)
    {
        var found = new List<HoconNode>();
        for (var i = node.Layers.Count - 1; i >= 0; i--)
        {
            var layer = node.Layers[i];
            var kind = KindOf(layer);
            if (kind == LayerKind.Undefined) continue;
            if (kind == LayerKind.NotObject) break;
            if (Child(layer, key) is { } child) found.Add(child);
        }

        return Combine(found);
    }

    /// <summary>Children found newest first, as one node (a synthetic merge when several objects define the key).</summary>
    private static HoconNode? Combine(List<HoconNode> newestFirst) => newestFirst.Count switch
    {
        0 => null,
        1 => newestFirst[0],
        _ => new SyntheticMergeNode(newestFirst[0].Origin, [.. Enumerable.Reverse(newestFirst)]),
    };

    /// <summary>Whether a node is an object, resolving only the newest defined layer when it has to.</summary>
    private LayerKind KindOf(HoconNode node)
    {
        switch (node)
        {
            case ObjectNode:
                return LayerKind.Object;
            case ScalarNode or ArrayNode:
                return LayerKind.NotObject;
            case ResolvedNode resolved:
                return resolved.Value is HoconObject ? LayerKind.Object : LayerKind.NotObject;
            case MergeNode merge:
                return KindOfLayers(merge, merge.Layers.Count);
            case MergeViewNode view:
                return KindOfLayers(view.Source, view.Count);
            case SyntheticMergeNode synthetic:
                for (var i = synthetic.Layers.Count - 1; i >= 0; i--)
                {
                    var kind = KindOf(synthetic.Layers[i]);
                    if (kind != LayerKind.Undefined) return kind;
                }

                return LayerKind.Undefined;
            default:
                return KindOfValue(Resolve(node));
        }
    }

    private LayerKind KindOfLayers(MergeNode merge, int count)
    {
        for (var i = count - 1; i >= 0; i--)
        {
            var layer = merge.Layers[i];
            var kind = layer.IsUnresolved ? KindOfValue(ResolveLayer(merge, i)) : KindOf(layer);
            if (kind != LayerKind.Undefined) return kind;
        }

        return LayerKind.Undefined;
    }

    private static LayerKind KindOfValue(HoconValue? value) => value switch
    {
        null => LayerKind.Undefined,
        HoconObject => LayerKind.Object,
        _ => LayerKind.NotObject,
    };
}
