namespace ActorWs.Hosting.Configuration;

/// <summary>
/// Finds the known name a mistyped one most likely meant, for "did you mean …?" hints. Names are
/// <c>.</c>-separated paths (<c>http.keep-alive</c>), compared without regard to case.
/// </summary>
/// <remarks>
/// A candidate is suggested when its edit distance (insertions, deletions, substitutions and swaps of two
/// neighbouring characters each count 1) is at most a quarter of the typed name's length, and at least 1 and at
/// most 3; so <c>prot</c> finds <c>port</c> but <c>foo</c> finds nothing. Failing that, a candidate whose last
/// segment is exactly the typed name's last segment is suggested when it is the only such candidate
/// (<c>keep-alive</c> finds <c>http.keep-alive</c>). Stateless and thread-safe.
/// </remarks>
internal static class NearestSettingName
{
    private const char Separator = '.';
    private const int MostEditsSuggested = 3;
    private const int TypedCharactersPerEdit = 4;

    /// <summary>Finds the candidate <paramref name="typed"/> most likely meant.</summary>
    /// <param name="typed">The name as given.</param>
    /// <param name="candidates">The known names.</param>
    /// <param name="openSections">
    /// Known names whose children may have any name (their own children are not in <paramref name="candidates"/>):
    /// a typed name below a mistyped one of them is matched on its leading segments, and the suggestion keeps the rest
    /// (<c>overides.Microsoft</c> finds <c>overrides.Microsoft</c>).
    /// </param>
    /// <returns>The suggestion, or null when no candidate is close enough.</returns>
    public static string? Find(string typed, IReadOnlyCollection<string> candidates, IReadOnlyCollection<string>? openSections = null)
    {
        ArgumentNullException.ThrowIfNull(typed);
        ArgumentNullException.ThrowIfNull(candidates);
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            int distance = Distance(typed, candidate);
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        foreach (var section in openSections ?? [])
        {
            var typedSegments = typed.Split(Separator);
            int depth = section.Split(Separator).Length;
            if (typedSegments.Length <= depth) continue;
            int distance = Distance(string.Join(Separator, typedSegments[..depth]), section);
            if (distance < bestDistance)
            {
                best = section + Separator + string.Join(Separator, typedSegments[depth..]);
                bestDistance = distance;
            }
        }

        if (best is not null && bestDistance <= Math.Clamp(typed.Length / TypedCharactersPerEdit, 1, MostEditsSuggested)) return best;

        var typedLeaf = LastSegment(typed);
        var sameLeaf = candidates.Where(c => string.Equals(LastSegment(c), typedLeaf, StringComparison.OrdinalIgnoreCase)).Take(2).ToList();
        return sameLeaf.Count == 1 ? sameLeaf[0] : null;
    }

    /// <summary>The optimal string alignment distance between two names, ignoring case.</summary>
    /// <param name="a">One name.</param>
    /// <param name="b">The other.</param>
    /// <returns>The fewest insertions, deletions, substitutions and swaps of neighbours turning one into the other.</returns>
    internal static int Distance(string a, string b)
    {
        a = a.ToLowerInvariant();
        b = b.ToLowerInvariant();
        // Three rows of the dynamic-programming table: two back (for swaps), one back, and the one being filled.
        var twoBack = new int[b.Length + 1];
        var oneBack = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) oneBack[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = a[i - 1] == b[j - 1] ? 0 : 1;
                int best = Math.Min(Math.Min(oneBack[j] + 1, current[j - 1] + 1), oneBack[j - 1] + substitution);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) best = Math.Min(best, twoBack[j - 2] + 1);
                current[j] = best;
            }

            (twoBack, oneBack, current) = (oneBack, current, twoBack);
        }

        return oneBack[b.Length];
    }

    private static string LastSegment(string name) => name[(name.LastIndexOf(Separator) + 1)..];
}
