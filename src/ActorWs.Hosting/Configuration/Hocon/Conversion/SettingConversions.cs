using System.Globalization;

namespace ActorWs.Hosting.Configuration.Hocon;

/// <summary>
/// The spec's automatic type conversions for typed reads (string to number with JSON rules; string to boolean
/// from true/yes/on/false/no/off), shared by <see cref="HoconObject"/> accessors and the configuration reader.
/// </summary>
internal static class SettingConversions
{
    /// <summary>Parses a JSON number whose value is a whole number (<c>80</c>, <c>8e1</c>, <c>80.0</c>).</summary>
    public static bool TryParseInteger(string text, out long value)
    {
        value = 0;
        if (!IsJsonNumber(text)) return false;
        if (!decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        if (number != decimal.Truncate(number) || number > long.MaxValue || number < long.MinValue) return false;
        value = (long)number;
        return true;
    }

    /// <summary>Parses a JSON number as a double.</summary>
    public static bool TryParseDouble(string text, out double value)
    {
        value = 0;
        return IsJsonNumber(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>The six spellings the spec recommends: true/yes/on and false/no/off.</summary>
    public static bool TryParseBoolean(string text, out bool value)
    {
        switch (text)
        {
            case "true" or "yes" or "on":
                value = true;
                return true;
            case "false" or "no" or "off":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    /// <summary>JSON's number grammar: <c>-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?</c>.</summary>
    public static bool IsJsonNumber(string text)
    {
        var i = 0;
        if (i < text.Length && text[i] == '-') i++;
        if (i >= text.Length) return false;
        if (text[i] == '0') i++;
        else if (text[i] is >= '1' and <= '9') while (i < text.Length && HoconCharacters.IsDigit(text[i])) i++;
        else return false;
        if (i < text.Length && text[i] == '.')
        {
            i++;
            if (i >= text.Length || !HoconCharacters.IsDigit(text[i])) return false;
            while (i < text.Length && HoconCharacters.IsDigit(text[i])) i++;
        }

        if (i < text.Length && text[i] is 'e' or 'E')
        {
            i++;
            if (i < text.Length && text[i] is '+' or '-') i++;
            if (i >= text.Length || !HoconCharacters.IsDigit(text[i])) return false;
            while (i < text.Length && HoconCharacters.IsDigit(text[i])) i++;
        }

        return i == text.Length;
    }
}
