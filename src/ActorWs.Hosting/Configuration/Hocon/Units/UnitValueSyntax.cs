using System.Globalization;

namespace ActorWs.Hosting.Configuration.Hocon;

/// <summary>
/// The spec's "units format": optional whitespace, a number, optional whitespace, an optional unit made only of
/// letters, optional whitespace.
/// </summary>
internal static class UnitValueSyntax
{
    /// <summary>Splits text into its number and unit.</summary>
    /// <returns>The reason it does not match the format, or null.</returns>
    public static string? TrySplit(string text, out decimal number, out string unit)
    {
        number = 0;
        unit = string.Empty;
        var span = text.AsSpan();
        var start = 0;
        while (start < span.Length && HoconCharacters.IsWhitespace(span[start])) start++;
        var end = span.Length;
        while (end > start && HoconCharacters.IsWhitespace(span[end - 1])) end--;
        span = span[start..end];
        if (span.IsEmpty) return "it is empty";

        var numberEnd = 0;
        if (numberEnd < span.Length && span[numberEnd] == '-') numberEnd++;
        var seenDecimalPoint = false;
        while (numberEnd < span.Length && (HoconCharacters.IsDigit(span[numberEnd]) || (span[numberEnd] == '.' && !seenDecimalPoint)))
        {
            seenDecimalPoint |= span[numberEnd] == '.';
            numberEnd++;
        }
        if (numberEnd < span.Length && span[numberEnd] is 'e' or 'E')
        {
            var exponent = numberEnd + 1;
            if (exponent < span.Length && span[exponent] is '+' or '-') exponent++;
            if (exponent < span.Length && HoconCharacters.IsDigit(span[exponent]))
            {
                numberEnd = exponent;
                while (numberEnd < span.Length && HoconCharacters.IsDigit(span[numberEnd])) numberEnd++;
            }
        }

        var numberText = span[..numberEnd];
        if (numberText.IsEmpty || !HasDigit(numberText)
            || !decimal.TryParse(numberText, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out number))
        {
            return "it does not start with a number";
        }

        var rest = span[numberEnd..];
        var unitStart = 0;
        while (unitStart < rest.Length && HoconCharacters.IsWhitespace(rest[unitStart])) unitStart++;
        rest = rest[unitStart..];
        foreach (var c in rest)
        {
            if (!char.IsLetter(c)) return $"the unit \"{rest}\" must consist of letters only";
        }

        unit = rest.ToString();
        return null;
    }

    private static bool HasDigit(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (HoconCharacters.IsDigit(c)) return true;
        }

        return false;
    }
}
