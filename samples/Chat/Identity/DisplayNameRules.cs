using System.Globalization;
using System.Text;

namespace ActorWs.Samples.Chat.Identity;

/// <summary>
/// The rules for display names, checked by the room before it admits a member (the page checks the same rules
/// first, in <c>chat.js</c>, so that people see the problem before they connect).
/// </summary>
/// <remarks>
/// A name is 1 to <see cref="MaxLength"/> UTF-16 code units (what JavaScript's <c>length</c> counts) of letters,
/// combining marks, decimal digits, spaces and <c>- _ . '</c>; it does not start with a mark or a space and does not
/// end with a space. Stateless; thread-safe.
/// </remarks>
public static class DisplayNameRules
{
    /// <summary>Longest display name, in UTF-16 code units.</summary>
    public const int MaxLength = 24;

    /// <summary>Refusal: no name at all.</summary>
    public const string Missing = "a display name is required";

    /// <summary>Refusal: too long.</summary>
    public static readonly string TooLong = $"display names are at most {MaxLength} characters";

    /// <summary>Refusal: leading or trailing space (or a leading combining mark).</summary>
    public const string BadEdge = "display names may not start or end with a space";

    /// <summary>Refusal: a character outside the allowed set.</summary>
    public const string BadCharacter = "display names may contain only letters, digits, spaces and - _ . '";

    /// <summary>Whether <paramref name="name"/> follows the rules; <paramref name="problem"/> says why not.</summary>
    public static bool TryValidate(string? name, out string? problem)
    {
        problem = Check(name);
        return problem is null;
    }

    private static string? Check(string? name)
    {
        if (string.IsNullOrEmpty(name)) return Missing;
        if (name.Length > MaxLength) return TooLong;
        if (name[0] == ' ' || name[^1] == ' ') return BadEdge;
        bool first = true;
        foreach (var rune in name.EnumerateRunes())
        {
            // A lone surrogate comes out as U+FFFD, a symbol: refused below like any other symbol.
            var category = Rune.GetUnicodeCategory(rune);
            bool mark = category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;
            if (first && mark) return BadEdge;
            first = false;
            if (IsLetter(category) || mark || category == UnicodeCategory.DecimalDigitNumber) continue;
            if (rune.Value is ' ' or '-' or '_' or '.' or '\'') continue;
            return BadCharacter;
        }
        return null;
    }

    private static bool IsLetter(UnicodeCategory category) => category is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter
        or UnicodeCategory.TitlecaseLetter or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter;
}
