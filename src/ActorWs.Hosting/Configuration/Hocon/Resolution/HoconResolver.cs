namespace ActorWs.Hosting.Configuration.Hocon;

/// <summary>
/// Resolves substitutions after the whole document (with includes) has been parsed and merged, following the
/// spec's rules: substitutions look forward to the final value of their path; lookups through objects are lazy,
/// so an object may refer to its own fields; a field that refers to itself (directly, or through a
/// concatenation) "looks back" at the definitions below it; every node is resolved once (memoised by identity);
/// anything else that loops is a cycle error, or a missing value for <c>${?...}</c>.
/// </summary>
/// <remarks>One instance resolves one document on one thread.</remarks>
internal sealed partial class HoconResolver
{
    /// <summary>Deepest chain of nested resolutions accepted, so hostile input cannot exhaust the stack.</summary>
    public const int MaxResolutionDepth = 500;

    private readonly ObjectNode _root;
    private readonly Func<string, string?> _environment;
    private readonly Dictionary<HoconNode, HoconValue?> _memo = new(ReferenceEqualityComparer.Instance);

    /// <summary>Nodes being resolved, with the length of <see cref="_substitutionChain"/> when each started (to describe cycles).</summary>
    private readonly Dictionary<HoconNode, int> _inProgress = new(ReferenceEqualityComparer.Instance);

    /// <summary>For a field whose layer <c>i</c> is being resolved: <c>i</c>, the number of layers a self-reference may see.</summary>
    private readonly Dictionary<MergeNode, int> _lookback = new(ReferenceEqualityComparer.Instance);

    private readonly List<SubstitutionNode> _substitutionChain = [];
    private int _depth;

    private HoconResolver(ObjectNode root, Func<string, string?> environment)
    {
        _root = root;
        _environment = environment;
    }

    /// <summary>Resolves a parsed document.</summary>
    /// <param name="root">The merged root object.</param>
    /// <param name="environment">Looks up environment variables for substitutions not found in the document.</param>
    /// <exception cref="HoconException">A substitution cannot be resolved, forms a cycle, or concatenates incompatible values.</exception>
    public static HoconObject ResolveDocument(ObjectNode root, Func<string, string?> environment)
    {
        var resolver = new HoconResolver(root, environment);
        try
        {
            return (HoconObject)resolver.Resolve(root)!;
        }
        catch (SubstitutionCycleException cycle)
        {
            throw cycle.Error;
        }
    }

    /// <summary>Resolves one node; null means "undefined" (an optional substitution with nothing to refer to).</summary>
    private HoconValue? Resolve(HoconNode node)
    {
        switch (node)
        {
            case ScalarNode scalar: return scalar.Value;
            case ResolvedNode resolved: return resolved.Value;
            case MergeViewNode view: return ResolveLayers(view.Source, view.Count);
            case SyntheticMergeNode synthetic: return ResolveSynthetic(synthetic);
        }

        if (_memo.TryGetValue(node, out var memoised)) return memoised;
        if (_inProgress.TryGetValue(node, out var chainStart)) throw Cycle(chainStart);
        if (++_depth > MaxResolutionDepth)
        {
            throw new HoconException(node.Origin, null, $"substitutions and nesting go more than {MaxResolutionDepth} levels deep");
        }

        _inProgress.Add(node, _substitutionChain.Count);
        try
        {
            var result = node switch
            {
                ObjectNode obj => ResolveObject(obj),
                ArrayNode array => ResolveArray(array),
                SubstitutionNode substitution => ResolveSubstitution(substitution),
                ConcatenationNode concatenation => ResolveConcatenation(concatenation),
                MergeNode merge => ResolveLayers(merge, merge.Layers.Count),
                _ => throw new InvalidOperationException($"unexpected node {node.GetType().Name}"),
            };
            _memo[node] = result;
            return result;
        }
        finally
        {
            _inProgress.Remove(node);
            _depth--;
        }
    }

    private HoconObject ResolveObject(ObjectNode node)
    {
        var fields = new OrderedDictionary<string, HoconValue>(node.Fields.Count, StringComparer.Ordinal);
        foreach (var (key, child) in node.Fields)
        {
            if (Resolve(child) is { } value) fields.Add(key, value); // an undefined ${?x} means the field is not set
        }

        return new HoconObject(fields, node.Origin);
    }

    private HoconArray ResolveArray(ArrayNode node)
    {
        var items = new List<HoconValue>(node.Items.Count);
        foreach (var item in node.Items)
        {
            if (Resolve(item) is { } value) items.Add(value); // an undefined ${?x} element is not added
        }

        return new HoconArray([.. items], node.Origin);
    }

    private HoconValue? ResolveSubstitution(SubstitutionNode node)
    {
        _substitutionChain.Add(node);
        try
        {
            if (TryLookup(node.Path, out var value, out var selfReference)) return value;
            if (node.FallbackPath is { } written)
            {
                if (TryLookup(written, out value, out var fallbackSelfReference)) return value;
                selfReference ??= fallbackSelfReference;
            }

            // Environment variable fallback: the path as written, keys joined by '.'; empty counts as unset.
            var variable = string.Join('.', node.WrittenPath.Elements);
            var fromEnvironment = _environment(variable);
            if (!string.IsNullOrEmpty(fromEnvironment)) return HoconScalar.String(fromEnvironment, node.Origin);
            if (node.Optional) return null;
            throw Unresolvable(node, variable, selfReference);
        }
        catch (SubstitutionCycleException) when (node.Optional)
        {
            return null; // the spec treats a cycle like a missing value for ${?...}
        }
        finally
        {
            _substitutionChain.RemoveAt(_substitutionChain.Count - 1);
        }
    }

    private HoconException Unresolvable(SubstitutionNode node, string variable, MergeNode? selfReference)
    {
        if (selfReference is not null && _inProgress.TryGetValue(selfReference, out var chainStart) && _substitutionChain.Count - chainStart > 1)
        {
            return Cycle(chainStart).Error; // the field refers back to itself through other substitutions
        }

        var problem = selfReference is not null
            ? $"{node.Describe()} refers to the field it defines, and there is no earlier value of '{node.WrittenPath}' and no environment variable {variable} to refer to"
            : $"{node.Describe()} cannot be resolved: there is no setting '{node.WrittenPath}' and no environment variable {variable} (use ${{?{node.WrittenPath}}} if it is optional)";
        return new HoconException(node.Origin, null, problem);
    }

    /// <summary>Walks <paramref name="path"/> from the root, resolving only what lies on the way.</summary>
    /// <param name="path">The path to find.</param>
    /// <param name="value">The resolved value when found.</param>
    /// <param name="selfReference">When not found because the path leads back to a field being defined with nothing before it: that field.</param>
    private bool TryLookup(HoconPath path, out HoconValue value, out MergeNode? selfReference)
    {
        selfReference = null;
        HoconNode? node = _root;
        foreach (var key in path.Elements)
        {
            var parent = node!;
            node = Child(parent, key);
            if (node is null)
            {
                if (parent is ObjectNode obj && obj.Fields.TryGetValue(key, out var field) && field is MergeNode merge && _lookback.ContainsKey(merge))
                {
                    selfReference = merge;
                }

                value = null!;
                return false;
            }
        }

        var resolved = Resolve(node!);
        value = resolved!;
        return resolved is not null;
    }

    private SubstitutionCycleException Cycle(int chainStart)
    {
        var chain = _substitutionChain.Skip(chainStart).Select(s => s.Describe()).ToList();
        if (chain.Count == 0) chain.Add(_substitutionChain[^1].Describe());
        chain.Add(chain[0]);
        var at = _substitutionChain[^1];
        return new SubstitutionCycleException(new HoconException(at.Origin, null, $"substitution cycle: {string.Join(" -> ", chain)}"));
    }

    /// <summary>Carries a cycle error up to where it is either reported or, for <c>${?...}</c>, treated as missing.</summary>
    private sealed class SubstitutionCycleException(HoconException error) : Exception(error.Message)
    {
        public HoconException Error { get; } = error;
    }
}
