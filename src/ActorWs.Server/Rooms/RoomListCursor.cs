using System.Buffers.Text;
using System.Text;

namespace ActorWs.Server.Rooms;

/// <summary>
/// Pages of room listings: their sizes, and the cursor a page ends with. A cursor is opaque to clients; it holds the
/// position of the last room looked at (base64url of its <c>type:name</c> key), so the next page starts right after it
/// whatever was created or stopped meanwhile.
/// </summary>
public static class RoomListCursor
{
    /// <summary>Rooms per page when the request names no limit.</summary>
    public const int DefaultLimit = 50;

    /// <summary>The largest page a request may ask for.</summary>
    public const int MaxLimit = 200;

    /// <summary>
    /// Rooms one request looks at, at most: with a filter that few rooms match, a page ends (with a cursor) after this
    /// many, so one request costs the same however many rooms exist.
    /// </summary>
    public const int ScanBudget = 1000;

    /// <summary>The reason a limit out of range is refused with.</summary>
    public static readonly string BadLimit = $"\"limit\" must be an integer from 1 to {MaxLimit}";

    /// <summary>The reason a cursor the server did not give is refused with.</summary>
    public const string BadCursor = "\"cursor\" is not a cursor from a listing";

    // A key is a type name, ':' and a room name of at most RoomNames.MaxBytes bytes; the type's length is not bounded by
    // the protocol, so this is generous, and it keeps an absurd cursor from being decoded at all.
    private const int MaxCursorChars = 1024;

    internal static string Encode(string key) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(key));

    /// <summary>Decodes a cursor to its key; false when it is not one the server could have given.</summary>
    internal static bool TryDecode(string cursor, out string key)
    {
        key = "";
        if (cursor.Length is 0 or > MaxCursorChars || !Base64Url.IsValid(cursor)) return false;
        byte[] bytes = Base64Url.DecodeFromChars(cursor);
        try
        {
            key = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
        return key.Contains(':');
    }
}
