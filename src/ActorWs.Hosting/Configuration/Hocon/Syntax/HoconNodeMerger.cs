namespace ActorWs.Hosting.Configuration.Hocon;

/// <summary>
/// Applies the spec's duplicate-key rules while parsing: a later object merges into an earlier object, any other
/// later value replaces what was there, and a later value that needs a substitution is stacked on top of the
/// earlier definitions (a <see cref="MergeNode"/>) so resolution can merge it or let it refer back to them.
/// </summary>
internal static class HoconNodeMerger
{
    /// <summary>Sets <paramref name="path"/> (relative to <paramref name="target"/>) to <paramref name="value"/>.</summary>
    public static void Assign(ObjectNode target, IReadOnlyList<string> path, int index, HoconNode value, HoconOrigin keyOrigin)
    {
        var key = path[index];
        if (index == path.Count - 1)
        {
            SetField(target, key, value);
            return;
        }

        target.Fields.TryGetValue(key, out var existing);
        switch (existing)
        {
            case ObjectNode existingObject:
                Assign(existingObject, path, index + 1, value, keyOrigin);
                return;
            case MergeNode { Layers: [.., ObjectNode topObject] }:
                Assign(topObject, path, index + 1, value, keyOrigin);
                return;
            default:
                var child = new ObjectNode(keyOrigin);
                Assign(child, path, index + 1, value, keyOrigin);
                SetField(target, key, child);
                return;
        }
    }

    /// <summary>Merges every field of <paramref name="source"/> into <paramref name="target"/>, in order.</summary>
    public static void MergeInto(ObjectNode target, ObjectNode source)
    {
        foreach (var (key, value) in source.Fields) SetField(target, key, value);
    }

    private static void SetField(ObjectNode target, string key, HoconNode value)
    {
        target.Fields.TryGetValue(key, out var existing);
        target.Fields[key] = Combine(existing, value);
    }

    private static HoconNode Combine(HoconNode? existing, HoconNode value)
    {
        switch (value)
        {
            case ObjectNode newObject:
                switch (existing)
                {
                    case ObjectNode existingObject:
                        MergeInto(existingObject, newObject);
                        return existingObject;
                    case MergeNode merge:
                        AddLayer(merge, newObject);
                        return merge;
                    default:
                        return newObject; // nothing before, or a non-object that the object replaces
                }

            case MergeNode newMerge:
                if (existing is null) return newMerge;
                var combined = existing as MergeNode ?? new MergeNode(existing.Origin, [existing]);
                foreach (var layer in newMerge.Layers) AddLayer(combined, layer);
                return combined;

            case SubstitutionNode or ConcatenationNode:
                if (existing is MergeNode stack)
                {
                    stack.Layers.Add(value);
                    return stack;
                }

                return existing is null ? new MergeNode(value.Origin, [value]) : new MergeNode(existing.Origin, [existing, value]);

            default:
                return value; // scalars and arrays replace whatever was there
        }
    }

    private static void AddLayer(MergeNode merge, HoconNode layer)
    {
        if (layer is ObjectNode newObject && merge.Layers[^1] is ObjectNode topObject)
        {
            MergeInto(topObject, newObject); // adjacent objects merge now
            return;
        }

        if (layer is not ObjectNode && !layer.IsUnresolved)
        {
            merge.Layers.Clear(); // a plain value hides everything below it
        }

        merge.Layers.Add(layer);
    }
}
