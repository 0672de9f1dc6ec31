using System.Text;
using System.Text.Json;
using ActorWs.Server.Rooms;

namespace ActorWs.Server.Protocols.JsonRooms;

/// <summary>The operations a client may ask for on the JSON room protocol.</summary>
public enum JsonRoomOp
{
    /// <summary>Join a room: <c>{"op":"join","room":"r","ref":1}</c>.</summary>
    Join,
    /// <summary>Leave a room: <c>{"op":"leave","room":"r","ref":2}</c>.</summary>
    Leave,
    /// <summary>Send to every member of a room: <c>{"op":"send","room":"r","data":…,"ref":3}</c>.</summary>
    Send,
    /// <summary>Application-level heartbeat (browsers cannot send WebSocket pings): <c>{"op":"ping","ref":4}</c>.</summary>
    Ping,
    /// <summary>Matchmaking: <c>{"op":"joinOrCreate","type":"arena","options":{…}}</c>.</summary>
    JoinOrCreate,
    /// <summary>Matchmaking: <c>{"op":"create","type":"arena","options":{…}}</c>.</summary>
    Create,
    /// <summary>Matchmaking: <c>{"op":"joinById","room":"arena-3","options":{…}}</c>.</summary>
    JoinById,
    /// <summary><c>{"op":"listRooms","type":"arena","filter":{…},"limit":50,"cursor":"…"}</c>: one page.</summary>
    ListRooms,
    /// <summary><c>{"op":"ack","seq":57}</c>: processed up to 57.</summary>
    Ack,
    /// <summary><c>{"op":"end"}</c>: end the session now.</summary>
    End,
}

/// <summary>
/// One parsed client command. It points into the message it was parsed from (no copies), so it
/// lives only as long as that message's bytes.
/// </summary>
public readonly ref struct JsonRoomCommand
{
    /// <summary>What the client asks for.</summary>
    public JsonRoomOp Op { get; init; }

    /// <summary>The room name, unescaped UTF-8; empty for <see cref="JsonRoomOp.Ping"/>.</summary>
    public ReadOnlySpan<byte> Room { get; init; }

    /// <summary>The <c>ref</c> value as raw JSON (a number or a string), echoed verbatim in replies; empty when absent.</summary>
    public ReadOnlySpan<byte> Ref { get; init; }

    /// <summary>The <c>data</c> value as raw JSON, forwarded verbatim; empty when absent.</summary>
    public ReadOnlySpan<byte> Data { get; init; }

    /// <summary>The room type (unescaped UTF-8) of a matchmaking or listing request; empty when absent.</summary>
    public ReadOnlySpan<byte> Type { get; init; }

    /// <summary>The <c>options</c> object as raw JSON; empty when absent.</summary>
    public ReadOnlySpan<byte> Options { get; init; }

    /// <summary>The <c>filter</c> object as raw JSON; empty when absent.</summary>
    public ReadOnlySpan<byte> Filter { get; init; }

    /// <summary>The <c>seq</c> of an <c>ack</c>.</summary>
    public long Seq { get; init; }

    /// <summary>The <c>limit</c> of a listing (1 to <see cref="RoomListCursor.MaxLimit"/>); 0 when absent.</summary>
    public int Limit { get; init; }

    /// <summary>The <c>cursor</c> of a listing (plain ASCII, as the server gave it); empty when absent or null.</summary>
    public ReadOnlySpan<byte> Cursor { get; init; }
}

/// <summary>
/// Parses client commands of the JSON room protocol straight from the message bytes.
/// </summary>
/// <remarks>
/// Allocation-free for commands whose room name has no JSON escapes (the room name is then a slice of
/// the input); an escaped name is unescaped into the caller's scratch span. Unknown fields are ignored
/// so clients can add their own. Thread-safety: stateless, safe from any thread.
/// </remarks>
public static class JsonRoomCommandParser
{
    /// <summary>Room names longer than this (in UTF-8 bytes) are refused: <see cref="RoomNames.MaxBytes"/>, the bound of every route.</summary>
    public const int MaxRoomNameBytes = RoomNames.MaxBytes;

    /// <summary>
    /// Parses <paramref name="json"/>. On failure returns false with a short reason for the client and,
    /// when the <c>ref</c> could be read before the fault, that ref so the error reply can carry it.
    /// </summary>
    /// <param name="json">The message payload.</param>
    /// <param name="roomScratch">At least <see cref="MaxRoomNameBytes"/> bytes for unescaping a room name.</param>
    /// <param name="command">The command, when parsing succeeded.</param>
    /// <param name="error">Why parsing failed; null on success.</param>
    /// <param name="errorRef">The ref read before the failure, if any.</param>
    public static bool TryParse(ReadOnlySpan<byte> json, Span<byte> roomScratch, out JsonRoomCommand command, out string? error, out ReadOnlySpan<byte> errorRef)
    {
        command = default;
        errorRef = default;
        ReadOnlySpan<byte> op = default, room = default, @ref = default, data = default, type = default, options = default, filter = default, cursor = default;
        bool hasOp = false, hasRoom = false, hasSeq = false;
        long seq = 0;
        int limit = 0;
        // Checked once the op is known: other ops ignore these fields, as they ignore any field not theirs.
        bool badLimit = false, badCursor = false;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                error = "expected a JSON object";
                return false;
            }
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.EndObject) break;
                // Property names of the protocol are plain ASCII; escaped names are simply not ours.
                var name = reader.ValueSpan;
                bool escaped = reader.ValueIsEscaped;
                reader.Read();
                long start = reader.TokenStartIndex;
                if (!escaped && name.SequenceEqual("op"u8))
                {
                    if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped) { error = "\"op\" must be a string"; errorRef = @ref; return false; }
                    op = reader.ValueSpan;
                    hasOp = true;
                }
                else if (!escaped && name.SequenceEqual("room"u8))
                {
                    if (reader.TokenType != JsonTokenType.String) { error = "\"room\" must be a string"; errorRef = @ref; return false; }
                    if (!reader.ValueIsEscaped)
                    {
                        room = reader.ValueSpan;
                    }
                    else if (reader.ValueSpan.Length <= roomScratch.Length)
                    {
                        // Unescaping never makes a string longer, so the raw length bounds it.
                        room = roomScratch[..reader.CopyString(roomScratch)];
                    }
                    else
                    {
                        // A long escaped name: unescape to see whether it still fits.
                        var unescaped = Encoding.UTF8.GetBytes(reader.GetString()!);
                        if (unescaped.Length > roomScratch.Length) { error = RoomNames.TooLong; errorRef = @ref; return false; }
                        unescaped.CopyTo(roomScratch);
                        room = roomScratch[..unescaped.Length];
                    }
                    hasRoom = true;
                }
                else if (!escaped && name.SequenceEqual("ref"u8))
                {
                    if (reader.TokenType is not (JsonTokenType.Number or JsonTokenType.String)) { error = "\"ref\" must be a number or a string"; return false; }
                    // The raw token, quotes and escapes included: replies echo it verbatim.
                    @ref = json[(int)start..(int)reader.BytesConsumed];
                }
                else if (!escaped && name.SequenceEqual("data"u8))
                {
                    reader.Skip();
                    data = json[(int)start..(int)reader.BytesConsumed];
                }
                else if (!escaped && name.SequenceEqual("type"u8))
                {
                    if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped) { error = "\"type\" must be a plain string"; errorRef = @ref; return false; }
                    type = reader.ValueSpan;
                }
                else if (!escaped && (name.SequenceEqual("options"u8) || name.SequenceEqual("filter"u8)))
                {
                    bool isOptions = name.SequenceEqual("options"u8);
                    if (reader.TokenType != JsonTokenType.StartObject) { error = isOptions ? "\"options\" must be an object" : "\"filter\" must be an object"; errorRef = @ref; return false; }
                    reader.Skip();
                    if (isOptions) options = json[(int)start..(int)reader.BytesConsumed];
                    else filter = json[(int)start..(int)reader.BytesConsumed];
                }
                else if (!escaped && name.SequenceEqual("seq"u8))
                {
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out seq) || seq < 0) { error = "\"seq\" must be a non-negative integer"; errorRef = @ref; return false; }
                    hasSeq = true;
                }
                else if (!escaped && name.SequenceEqual("limit"u8))
                {
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out limit) || limit is < 1 or > RoomListCursor.MaxLimit) badLimit = true;
                    reader.Skip();
                }
                else if (!escaped && name.SequenceEqual("cursor"u8))
                {
                    // null is "no cursor" (the first page), so a client may always send the previous page's next.
                    if (reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped) cursor = reader.ValueSpan;
                    else if (reader.TokenType != JsonTokenType.Null) badCursor = true;
                    reader.Skip();
                }
                else
                {
                    reader.Skip();
                }
            }
            if (reader.BytesConsumed != json.Length && !OnlyWhitespace(json[(int)reader.BytesConsumed..]))
            {
                error = "trailing data after the JSON object";
                errorRef = @ref;
                return false;
            }
        }
        catch (JsonException)
        {
            error = "invalid JSON";
            errorRef = @ref;
            return false;
        }

        errorRef = @ref;
        if (!hasOp) { error = "missing \"op\""; return false; }
        JsonRoomOp parsed;
        if (op.SequenceEqual("join"u8)) parsed = JsonRoomOp.Join;
        else if (op.SequenceEqual("leave"u8)) parsed = JsonRoomOp.Leave;
        else if (op.SequenceEqual("send"u8)) parsed = JsonRoomOp.Send;
        else if (op.SequenceEqual("ping"u8)) parsed = JsonRoomOp.Ping;
        else if (op.SequenceEqual("joinOrCreate"u8)) parsed = JsonRoomOp.JoinOrCreate;
        else if (op.SequenceEqual("create"u8)) parsed = JsonRoomOp.Create;
        else if (op.SequenceEqual("joinById"u8)) parsed = JsonRoomOp.JoinById;
        else if (op.SequenceEqual("listRooms"u8)) parsed = JsonRoomOp.ListRooms;
        else if (op.SequenceEqual("ack"u8)) parsed = JsonRoomOp.Ack;
        else if (op.SequenceEqual("end"u8)) parsed = JsonRoomOp.End;
        else { error = $"unknown op \"{Truncate(op)}\""; return false; }

        if (parsed is JsonRoomOp.Join or JsonRoomOp.Leave or JsonRoomOp.Send or JsonRoomOp.JoinById)
        {
            if (!hasRoom) { error = "missing \"room\""; return false; }
            if (room.IsEmpty) { error = "room name is empty"; return false; }
            if (room.Length > MaxRoomNameBytes) { error = RoomNames.TooLong; return false; }
        }
        if (parsed == JsonRoomOp.Send && data.IsEmpty) { error = "missing \"data\""; return false; }
        if (parsed is JsonRoomOp.JoinOrCreate or JsonRoomOp.Create && type.IsEmpty) { error = "missing \"type\""; return false; }
        if (parsed == JsonRoomOp.Ack && !hasSeq) { error = "missing \"seq\""; return false; }
        if (parsed == JsonRoomOp.ListRooms && badLimit) { error = RoomListCursor.BadLimit; return false; }
        if (parsed == JsonRoomOp.ListRooms && badCursor) { error = RoomListCursor.BadCursor; return false; }

        command = new JsonRoomCommand { Op = parsed, Room = room, Ref = @ref, Data = data, Type = type, Options = options, Filter = filter, Seq = seq, Limit = limit, Cursor = cursor };
        error = null;
        return true;
    }

    private static bool OnlyWhitespace(ReadOnlySpan<byte> rest) => rest.IndexOfAnyExcept(" \t\r\n"u8) < 0;

    private static string Truncate(ReadOnlySpan<byte> value) =>
        Encoding.UTF8.GetString(value[..Math.Min(value.Length, 32)]);
}
