using System.Buffers;

namespace ActorWs.Protocol.Http;

/// <summary>Character classes of RFC 9110 §5.6 used by the parsers and writers.</summary>
internal static class HttpSyntax
{
    public const byte Space = (byte)' ';
    public const byte HorizontalTab = (byte)'\t';
    public const byte CarriageReturn = (byte)'\r';
    public const byte LineFeed = (byte)'\n';
    public const byte Colon = (byte)':';

    /// <summary>tchar: "!" / "#" / "$" / "%" / "&amp;" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA.</summary>
    private static readonly SearchValues<byte> TokenBytes = SearchValues.Create(
        "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);

    private static readonly SearchValues<char> TokenChars = SearchValues.Create(
        "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    public static bool IsToken(ReadOnlySpan<byte> value) => !value.IsEmpty && !value.ContainsAnyExcept(TokenBytes);

    public static bool IsToken(ReadOnlySpan<char> value) => !value.IsEmpty && !value.ContainsAnyExcept(TokenChars);

    public static bool IsTokenChar(char c) => TokenChars.Contains(c);

    /// <summary>OWS: optional spaces and horizontal tabs.</summary>
    public static bool IsWhitespace(byte b) => b is Space or HorizontalTab;

    public static bool IsWhitespace(char c) => c is ' ' or '\t';

    /// <summary>field-content bytes: VCHAR, obs-text, SP and HTAB; never CR, LF, NUL or other controls.</summary>
    public static bool IsFieldValue(ReadOnlySpan<byte> value)
    {
        foreach (byte b in value)
        {
            if (b < 0x20 ? b != HorizontalTab : b == 0x7F)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>What this server writes into response header values: visible ASCII, SP and HTAB.</summary>
    public static bool IsWritableFieldValue(ReadOnlySpan<char> value)
    {
        foreach (char c in value)
        {
            if (c < 0x20 ? c != '\t' : c >= 0x7F)
            {
                return false;
            }
        }

        return true;
    }

    public static ReadOnlySpan<byte> TrimWhitespace(ReadOnlySpan<byte> value)
    {
        int start = 0;
        int end = value.Length;
        while (start < end && IsWhitespace(value[start]))
        {
            start++;
        }

        while (end > start && IsWhitespace(value[end - 1]))
        {
            end--;
        }

        return value[start..end];
    }

    public static ReadOnlySpan<char> TrimWhitespace(ReadOnlySpan<char> value) => value.Trim(" \t");
}
