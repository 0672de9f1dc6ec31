using System.Text;
using System.Text.Json;

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
    /// <summary>Room names longer than this (in UTF-8 bytes) are refused.</summary>
    public const int MaxRoomNameBytes = 128;

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
        ReadOnlySpan<byte> op = default, room = default, @ref = default, data = default;
        bool hasOp = false, hasRoom = false;
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
                        if (unescaped.Length > roomScratch.Length) { error = $"room name longer than {MaxRoomNameBytes} bytes"; errorRef = @ref; return false; }
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
        else { error = $"unknown op \"{Truncate(op)}\""; return false; }

        if (parsed != JsonRoomOp.Ping)
        {
            if (!hasRoom) { error = "missing \"room\""; return false; }
            if (room.IsEmpty) { error = "room name is empty"; return false; }
            if (room.Length > MaxRoomNameBytes) { error = $"room name longer than {MaxRoomNameBytes} bytes"; return false; }
        }
        if (parsed == JsonRoomOp.Send && data.IsEmpty) { error = "missing \"data\""; return false; }

        command = new JsonRoomCommand { Op = parsed, Room = room, Ref = @ref, Data = data };
        error = null;
        return true;
    }

    private static bool OnlyWhitespace(ReadOnlySpan<byte> rest) => rest.IndexOfAnyExcept(" \t\r\n"u8) < 0;

    private static string Truncate(ReadOnlySpan<byte> value) =>
        Encoding.UTF8.GetString(value[..Math.Min(value.Length, 32)]);
}
