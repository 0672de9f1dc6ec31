using System.Globalization;

namespace ActorWs.Hosting.Configuration.Hocon;

/// <summary>Character classes from the HOCON spec's "Whitespace" and "Unquoted strings" sections.</summary>
internal static class HoconCharacters
{
    /// <summary>The only character HOCON treats as a newline (fields and elements may be separated by it).</summary>
    public const char Newline = '\n';

    private const char ByteOrderMark = '\uFEFF';
    private const char FileSeparator = '\u001C';
    private const char UnitSeparator = '\u001F';

    /// <summary>
    /// HOCON whitespace: Unicode Zs/Zl/Zp (including non-breaking spaces), the BOM, tab, newline, vertical tab,
    /// form feed, carriage return and the four ASCII separators 0x1C–0x1F.
    /// </summary>
    public static bool IsWhitespace(char c)
    {
        if (c < 0x80)
        {
            return c is ' ' or '\t' or '\n' or '\v' or '\f' or '\r' || (c >= FileSeparator && c <= UnitSeparator);
        }

        if (c == ByteOrderMark) return true;
        var category = CharUnicodeInfo.GetUnicodeCategory(c);
        return category is UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
    }

    /// <summary>Characters that may not appear in an unquoted string (whitespace is checked separately).</summary>
    public static bool IsForbiddenInUnquoted(char c) => c is '$' or '"' or '{' or '}' or '[' or ']' or ':' or '=' or ','
        or '+' or '#' or '`' or '^' or '?' or '!' or '@' or '*' or '&' or '\\';

    /// <summary>True when the character starts a JSON number (which an unquoted string may not start with).</summary>
    public static bool StartsNumber(char c) => c is '-' or (>= '0' and <= '9');

    public static bool IsDigit(char c) => c is >= '0' and <= '9';
}
