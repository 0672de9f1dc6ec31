namespace ActorWs.Server.Routing;

/// <summary>
/// A path template such as <c>/rooms/{name}</c>: literal segments match exactly (case-sensitive), a
/// <c>{parameter}</c> segment matches any one non-empty segment and captures it percent-decoded.
/// </summary>
/// <remarks>Immutable; thread-safe.</remarks>
public sealed class RouteTemplate
{
    private readonly string[] _segments;
    private readonly bool[] _isParameter;

    /// <summary>Parses a template; it must start with <c>/</c>.</summary>
    /// <exception cref="ArgumentException">The template is malformed.</exception>
    public RouteTemplate(string template)
    {
        ArgumentException.ThrowIfNullOrEmpty(template);
        if (template[0] != '/') throw new ArgumentException($"Route template \"{template}\" must start with '/'.", nameof(template));
        Text = template;
        _segments = template.Length == 1 ? [] : template[1..].Split('/');
        _isParameter = new bool[_segments.Length];
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < _segments.Length; i++)
        {
            string s = _segments[i];
            if (s.Length == 0) throw new ArgumentException($"Route template \"{template}\" has an empty segment.", nameof(template));
            if (s[0] == '{')
            {
                if (s.Length < 3 || s[^1] != '}' || s.AsSpan(1, s.Length - 2).ContainsAny("{}/"))
                    throw new ArgumentException($"Route template \"{template}\" has a malformed parameter \"{s}\".", nameof(template));
                _segments[i] = s[1..^1];
                _isParameter[i] = true;
                if (!names.Add(_segments[i])) throw new ArgumentException($"Route template \"{template}\" repeats parameter \"{_segments[i]}\".", nameof(template));
            }
            else if (s.AsSpan().ContainsAny("{}"))
            {
                throw new ArgumentException($"Route template \"{template}\" mixes text and a parameter in \"{s}\".", nameof(template));
            }
        }
    }

    /// <summary>The template as written.</summary>
    public string Text { get; }

    /// <summary>How many literal segments it has (more literal = more specific).</summary>
    internal int LiteralCount => _isParameter.Count(p => !p);

    /// <summary>Matches a request path (without query); on success, <paramref name="values"/> holds the parameters.</summary>
    public bool TryMatch(string path, out IReadOnlyDictionary<string, string> values)
    {
        values = EmptyValues;
        if (string.IsNullOrEmpty(path) || path[0] != '/') return false;
        string[] parts = path.Length == 1 ? [] : path[1..].Split('/');
        if (parts.Length != _segments.Length) return false;
        Dictionary<string, string>? captured = null;
        for (int i = 0; i < parts.Length; i++)
        {
            if (parts[i].Length == 0) return false;
            if (_isParameter[i])
            {
                captured ??= new Dictionary<string, string>(StringComparer.Ordinal);
                captured[_segments[i]] = Uri.UnescapeDataString(parts[i]);
            }
            else if (!string.Equals(parts[i], _segments[i], StringComparison.Ordinal))
            {
                return false;
            }
        }
        if (captured is not null) values = captured;
        return true;
    }

    private static readonly IReadOnlyDictionary<string, string> EmptyValues = new Dictionary<string, string>();

    /// <inheritdoc />
    public override string ToString() => Text;
}
