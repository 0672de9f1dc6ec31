using System.Text;

namespace ActorWs.Server.Rooms;

/// <summary>The one bound on room names, the same on every route (the JSON protocol, <c>/rooms/{name}</c>, handlers, the room directory).</summary>
public static class RoomNames
{
    /// <summary>Room names longer than this many UTF-8 bytes are refused.</summary>
    public const int MaxBytes = 128;

    /// <summary>Characters of a name that logs carry; longer names are cut (a refused name may be as long as a request head).</summary>
    internal const int MaxLoggedChars = 64;

    /// <summary>Why <paramref name="name"/> is not a valid room name, or null when it is.</summary>
    public static string? Problem(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0) return "room name is empty";
        // Each char is at most 3 UTF-8 bytes: only names that could be too long are counted.
        if (name.Length * 3 > MaxBytes && Encoding.UTF8.GetByteCount(name) > MaxBytes) return TooLong;
        return null;
    }

    /// <summary>The reason a name over <see cref="MaxBytes"/> is refused with (it never repeats the name).</summary>
    public static readonly string TooLong = $"room name longer than {MaxBytes} bytes";

    /// <summary>What a log line carries of <paramref name="name"/>: the name, or its start and its length when it is long.</summary>
    internal static string ForLog(string name) =>
        name.Length <= MaxLoggedChars ? name : string.Concat(name.AsSpan(0, MaxLoggedChars), "… (", name.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), " chars)");
}
