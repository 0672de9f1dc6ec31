namespace ActorWs.Samples.Chat.Rooms;

/// <summary>
/// The rules for room names (shown as <c>#name</c>): 1 to <see cref="MaxLength"/> lowercase ASCII letters, digits,
/// <c>-</c> and <c>_</c>, starting with a letter or a digit. The page lowercases and checks them too.
/// </summary>
/// <remarks>
/// The server creates a room for any name a client joins; a room with a name outside these rules admits nobody,
/// so it stays empty and goes away after the server's linger time, and keeps no history. Stateless; thread-safe.
/// </remarks>
public static class ChannelName
{
    /// <summary>Longest room name.</summary>
    public const int MaxLength = 32;

    /// <summary>Refusal of a name outside the rules.</summary>
    public static readonly string Invalid = $"room names are 1 to {MaxLength} characters: lowercase letters, digits, - and _, starting with a letter or digit";

    /// <summary>Whether <paramref name="name"/> follows the rules; <paramref name="problem"/> says why not.</summary>
    public static bool TryValidate(string? name, out string? problem)
    {
        problem = IsValid(name) ? null : Invalid;
        return problem is null;
    }

    private static bool IsValid(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxLength) return false;
        if (!char.IsAsciiLetterLower(name[0]) && !char.IsAsciiDigit(name[0])) return false;
        foreach (char c in name)
            if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c is not ('-' or '_')) return false;
        return true;
    }
}
