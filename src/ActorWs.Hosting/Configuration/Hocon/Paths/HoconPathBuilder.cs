using System.Text;

namespace ActorWs.Hosting.Configuration.Hocon;

/// <summary>
/// Turns the tokens of a path expression (a key or the inside of <c>${...}</c>) into keys: dots outside quotes
/// separate keys, including the dots of numbers as written (<c>10.0foo</c> is <c>10</c>, <c>0foo</c>), whitespace
/// between tokens is kept, and an empty key is an error unless it was quoted.
/// </summary>
internal static class HoconPathBuilder
{
    /// <summary>Builds the path, or returns the reason it is invalid.</summary>
    /// <param name="pieces">Simple-value and whitespace tokens, already trimmed of leading and trailing whitespace.</param>
    /// <param name="path">The path when valid.</param>
    public static string? TryBuild(IReadOnlyList<HoconToken> pieces, out HoconPath? path)
    {
        path = null;
        var elements = new List<string>();
        var current = new StringBuilder();
        var currentQuoted = false;
        foreach (var piece in pieces)
        {
            if (piece.Kind == HoconTokenKind.QuotedString)
            {
                current.Append(piece.Text);
                currentQuoted = true;
                continue;
            }

            if (piece.Kind == HoconTokenKind.Whitespace)
            {
                current.Append(piece.Text);
                continue;
            }

            var parts = piece.Text.Split('.');
            current.Append(parts[0]);
            for (var i = 1; i < parts.Length; i++)
            {
                if (current.Length == 0 && !currentQuoted) return EmptyElementProblem(pieces);
                elements.Add(current.ToString());
                current.Clear();
                currentQuoted = false;
                current.Append(parts[i]);
            }
        }

        if (current.Length == 0 && !currentQuoted) return EmptyElementProblem(pieces);
        elements.Add(current.ToString());
        path = new HoconPath([.. elements]);
        return null;
    }

    private static string EmptyElementProblem(IReadOnlyList<HoconToken> pieces)
    {
        var written = string.Concat(pieces.Select(p => p.Kind == HoconTokenKind.QuotedString ? HoconScalar.Quote(p.Text) : p.Text));
        return $"the path '{written}' has an empty key (a path may not start or end with '.' or contain '..'; quote an empty key as \"\")";
    }
}
