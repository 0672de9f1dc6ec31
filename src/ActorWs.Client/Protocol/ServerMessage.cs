using System.Text.Json;

namespace ActorWs.Client.Protocol;

/// <summary>The operations a server sends on the JSON room protocol; anything else is <see cref="Unknown"/> and ignored.</summary>
internal enum ServerOp
{
    Unknown,
    Reply,
    Error,
    Welcome,
    Message,
    Presence,
    Notice,
}

/// <summary>
/// The fields of one text message from the server, read in one pass. Fields the operation does not use, or
/// that have the wrong JSON type, are left null: the dispatcher decides what is missing.
/// </summary>
internal struct ServerMessage
{
    public ServerOp Op;
    /// <summary>The numeric <c>ref</c> (the client only sends numbers); null when absent, null or not a number.</summary>
    public long? Ref;
    public long? Seq;
    public string? Room;
    public string? From;
    public string? Member;
    public string? Event;
    public string? Reason;
    public string? Session;
    public string? Token;
    public string? ResumeError;
    public bool? Resumed;
    public long? LastSeq;
    public JsonElement? Data;
    /// <summary>The room type of a join reply.</summary>
    public string? Type;
    /// <summary>A welcome's <c>cluster</c>: true only when the server says so.</summary>
    public bool Cluster;
    /// <summary>A numbered message's <c>pos.room</c> (cluster nodes only); null unless <see cref="PosRseq"/> is set too.</summary>
    public string? PosRoom;
    /// <summary>A numbered message's <c>pos.rseq</c>: the room's position number of the message.</summary>
    public long? PosRseq;
    /// <summary>A notice's <c>incarnation</c>: the room was lost with its node and this is its next life.</summary>
    public long? Incarnation;

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64 };

    /// <summary>
    /// Reads <paramref name="json"/>. False when it is not one well-formed JSON object; never throws.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> json, out ServerMessage message)
    {
        message = default;
        try
        {
            var reader = new Utf8JsonReader(json, ReaderOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("op"u8)) { reader.Read(); message.Op = OpOf(ref reader); }
                else if (reader.ValueTextEquals("ref"u8)) { reader.Read(); message.Ref = Int64Of(ref reader); }
                else if (reader.ValueTextEquals("seq"u8)) { reader.Read(); message.Seq = Int64Of(ref reader) is > 0 and var s ? s : null; }
                else if (reader.ValueTextEquals("room"u8)) message.Room = StringOf(ref reader);
                else if (reader.ValueTextEquals("from"u8)) message.From = StringOf(ref reader);
                else if (reader.ValueTextEquals("member"u8)) message.Member = StringOf(ref reader);
                else if (reader.ValueTextEquals("event"u8)) message.Event = StringOf(ref reader);
                else if (reader.ValueTextEquals("reason"u8)) message.Reason = StringOf(ref reader);
                else if (reader.ValueTextEquals("incarnation"u8)) { reader.Read(); message.Incarnation = Int64Of(ref reader); }
                else if (reader.ValueTextEquals("session"u8)) message.Session = StringOf(ref reader);
                else if (reader.ValueTextEquals("token"u8)) message.Token = StringOf(ref reader);
                else if (reader.ValueTextEquals("resumeError"u8)) message.ResumeError = StringOf(ref reader);
                else if (reader.ValueTextEquals("lastSeq"u8)) { reader.Read(); message.LastSeq = Int64Of(ref reader) is >= 0 and var l ? l : null; }
                else if (reader.ValueTextEquals("resumed"u8))
                {
                    reader.Read();
                    message.Resumed = reader.TokenType switch { JsonTokenType.True => true, JsonTokenType.False => false, _ => null };
                    reader.Skip();
                }
                else if (reader.ValueTextEquals("data"u8)) { reader.Read(); message.Data = JsonElement.ParseValue(ref reader); }
                else if (reader.ValueTextEquals("type"u8)) message.Type = StringOf(ref reader);
                else if (reader.ValueTextEquals("cluster"u8)) { reader.Read(); message.Cluster = reader.TokenType == JsonTokenType.True; reader.Skip(); }
                else if (reader.ValueTextEquals("pos"u8)) { reader.Read(); ReadPosition(ref reader, ref message); }
                else { reader.Read(); reader.Skip(); }
            }
            if (reader.TokenType != JsonTokenType.EndObject) return false;
            // Nothing but whitespace may follow the object.
            while (reader.Read()) return false;
            return true;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a string that is not valid UTF-8 cannot be decoded.
            return false;
        }
    }

    /// <summary>The whole message as a <see cref="JsonElement"/> (a copy, independent of <paramref name="json"/>).</summary>
    public static JsonElement ParseWhole(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, ReaderOptions);
        return JsonElement.ParseValue(ref reader);
    }

    /// <summary>
    /// <c>{"room":"lobby","rseq":57}</c>; anything else (another type, a field missing or of the wrong type, a negative
    /// number) leaves the message without a position.
    /// </summary>
    private static void ReadPosition(ref Utf8JsonReader reader, ref ServerMessage message)
    {
        if (reader.TokenType != JsonTokenType.StartObject) { reader.Skip(); return; }
        string? room = null;
        long? rseq = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("room"u8)) room = StringOf(ref reader);
            else if (reader.ValueTextEquals("rseq"u8)) { reader.Read(); rseq = Int64Of(ref reader) is >= 0 and var r ? r : null; }
            else { reader.Read(); reader.Skip(); }
        }
        if (room is null || rseq is null) return;
        message.PosRoom = room;
        message.PosRseq = rseq;
    }

    private static ServerOp OpOf(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String) { reader.Skip(); return ServerOp.Unknown; }
        if (reader.ValueTextEquals("reply"u8)) return ServerOp.Reply;
        if (reader.ValueTextEquals("error"u8)) return ServerOp.Error;
        if (reader.ValueTextEquals("message"u8)) return ServerOp.Message;
        if (reader.ValueTextEquals("presence"u8)) return ServerOp.Presence;
        if (reader.ValueTextEquals("notice"u8)) return ServerOp.Notice;
        if (reader.ValueTextEquals("welcome"u8)) return ServerOp.Welcome;
        return ServerOp.Unknown;
    }

    private static long? Int64Of(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long value)) return value;
        reader.Skip();
        return null;
    }

    private static string? StringOf(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.String) return reader.GetString();
        reader.Skip();
        return null;
    }
}
