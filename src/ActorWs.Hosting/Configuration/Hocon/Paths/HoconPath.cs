using System.Text;

namespace ActorWs.Hosting.Configuration.Hocon;

/// <summary>
/// A path through the object tree, such as <c>server.port</c> or <c>foo."hello.world"</c>: one string per key.
/// </summary>
/// <remarks>Immutable; thread-safe.</remarks>
public sealed class HoconPath : IEquatable<HoconPath>
{
    private readonly string[] _elements;

    internal HoconPath(string[] elements) => _elements = elements;

    /// <summary>The keys, outermost first.</summary>
    public IReadOnlyList<string> Elements => _elements;

    /// <summary>
    /// Parses a path expression with the spec's rules: unquoted dots separate keys, quoted parts are taken
    /// literally (<c>a."b.c"</c> has two keys), and empty keys must be quoted.
    /// </summary>
    /// <param name="expression">The path expression.</param>
    /// <returns>The parsed path.</returns>
    /// <exception cref="ArgumentException">The expression is not a valid path expression; the message says why.</exception>
    public static HoconPath Parse(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        List<HoconToken> tokens;
        try
        {
            tokens = HoconTokenizer.Tokenize(expression, "path");
        }
        catch (HoconException e)
        {
            throw new ArgumentException($"\"{expression}\" is not a valid path expression: {e.Problem}", nameof(expression));
        }

        var pieces = tokens.Where(t => t.Kind != HoconTokenKind.End).ToList();
        while (pieces.Count > 0 && pieces[0].Kind == HoconTokenKind.Whitespace) pieces.RemoveAt(0);
        while (pieces.Count > 0 && pieces[^1].Kind == HoconTokenKind.Whitespace) pieces.RemoveAt(pieces.Count - 1);
        if (pieces.Count == 0) throw new ArgumentException("a path expression may not be empty", nameof(expression));
        var bad = pieces.FirstOrDefault(t => !t.IsSimpleValue && t.Kind != HoconTokenKind.Whitespace);
        if (bad.Kind != HoconTokenKind.End)
        {
            throw new ArgumentException($"\"{expression}\" is not a valid path expression: unexpected {bad.Describe()}", nameof(expression));
        }

        var error = HoconPathBuilder.TryBuild(pieces, out var path);
        return error is null ? path! : throw new ArgumentException($"\"{expression}\" is not a valid path expression: {error}", nameof(expression));
    }

    internal HoconPath Append(HoconPath suffix) => new([.. _elements, .. suffix._elements]);

    internal HoconPath Append(string key) => new([.. _elements, key]);

    /// <summary>Renders the path so that parsing the result gives the same keys (quoting keys where needed).</summary>
    /// <returns>For example <c>server.port</c> or <c>a."b.c"</c>.</returns>
    public override string ToString() => Render(_elements);

    /// <summary>Renders a sequence of keys as a path expression.</summary>
    internal static string Render(IEnumerable<string> elements)
    {
        var builder = new StringBuilder();
        foreach (var element in elements)
        {
            if (builder.Length > 0) builder.Append('.');
            builder.Append(NeedsQuotes(element, builder.Length == 0) ? HoconScalar.Quote(element, shorten: false) : element);
        }

        return builder.ToString();
    }

    private static bool NeedsQuotes(string element, bool isFirst)
    {
        if (element.Length == 0) return true;
        if (isFirst && (HoconCharacters.StartsNumber(element[0]) || element == "include")) return true;
        for (var i = 0; i < element.Length; i++)
        {
            var c = element[i];
            if (c == '.' || HoconCharacters.IsWhitespace(c) || HoconCharacters.IsForbiddenInUnquoted(c)) return true;
            if (c == '/' && i + 1 < element.Length && element[i + 1] == '/') return true;
        }

        return false;
    }

    /// <inheritdoc />
    public bool Equals(HoconPath? other) => other is not null && _elements.AsSpan().SequenceEqual(other._elements);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as HoconPath);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var element in _elements) hash.Add(element, StringComparer.Ordinal);
        return hash.ToHashCode();
    }
}
