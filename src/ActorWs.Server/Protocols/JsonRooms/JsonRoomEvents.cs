using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ActorWs.Server.Protocols.JsonRooms;

/// <summary>
/// Writes the server's side of the JSON room protocol: replies, errors, room messages and presence.
/// </summary>
/// <remarks>
/// Raw values from clients (<c>ref</c>, <c>data</c>) were validated as JSON when parsed and are copied
/// verbatim. One <see cref="Utf8JsonWriter"/> is kept per thread and reset for each event, so writing
/// allocates nothing once warm. Thread-safety: safe from any thread; a call must not be nested in another.
/// </remarks>
public static class JsonRoomEvents
{
    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>
    /// Strings (error and notice reasons above all) are escaped only as JSON requires (<c>\"</c>, <c>\\</c>, control
    /// characters), not also for HTML as the default encoder does (<c>"</c> as <c>\u0022</c>, <c>&lt;</c>, <c>'</c>, non-ASCII),
    /// so they read as written in a browser's frame viewer. That is safe here: these are WebSocket text frames read by
    /// JSON parsers, never HTML or a script block; a page that puts a value into its DOM must escape it for that itself,
    /// whatever the JSON looked like on the wire.
    /// </summary>
    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static Utf8JsonWriter Writer(IBufferWriter<byte> output)
    {
        var writer = t_writer;
        if (writer is null)
        {
            writer = new Utf8JsonWriter(output, WriterOptions);
            t_writer = writer;
        }
        else
        {
            writer.Reset(output);
        }
        return writer;
    }

    private static void Finish(Utf8JsonWriter writer)
    {
        writer.WriteEndObject();
        writer.Flush();
        writer.Reset(NullBufferWriter.Instance); // drop the reference to the caller's buffer
    }

    private static void WriteRef(Utf8JsonWriter writer, ReadOnlySpan<byte> @ref)
    {
        writer.WritePropertyName("ref"u8);
        if (@ref.IsEmpty) writer.WriteNullValue();
        else writer.WriteRawValue(@ref, skipInputValidation: true);
    }

    /// <summary><c>{"op":"reply","ref":R,"status":"ok"}</c>, with the room and (for a join) its members.</summary>
    public static void WriteOk(IBufferWriter<byte> output, ReadOnlySpan<byte> @ref, ReadOnlySpan<byte> room = default, IReadOnlyCollection<string>? members = null)
    {
        var writer = Writer(output);
        writer.WriteStartObject();
        writer.WriteString("op"u8, "reply"u8);
        WriteRef(writer, @ref);
        writer.WriteString("status"u8, "ok"u8);
        if (!room.IsEmpty) writer.WriteString("room"u8, room);
        if (members is not null)
        {
            writer.WriteStartArray("members"u8);
            foreach (var member in members) writer.WriteStringValue(member);
            writer.WriteEndArray();
        }
        Finish(writer);
    }

    /// <summary>
    /// <c>{"op":"welcome","session":"s-1","token":"…","resumed":false}</c>, with <c>"resumeError"</c> when a resume was
    /// refused and <c>"lastSeq"</c> when one succeeded.
    /// </summary>
    public static void WriteWelcome(IBufferWriter<byte> output, string session, string? token, bool resumed, long lastSeq, string? resumeError) =>
        WriteWelcome(output, session, token, resumed, lastSeq, resumeError, cluster: false);

    /// <summary>
    /// The welcome; with <paramref name="cluster"/>, <c>"cluster":true</c>: the server is a cluster node, and every
    /// numbered room message carries the room's position of it (<c>"pos"</c>), which the client hands back to resume on
    /// another node.
    /// </summary>
    public static void WriteWelcome(IBufferWriter<byte> output, string session, string? token, bool resumed, long lastSeq, string? resumeError, bool cluster)
    {
        var writer = Writer(output);
        writer.WriteStartObject();
        writer.WriteString("op"u8, "welcome"u8);
        writer.WriteString("session"u8, session);
        if (token is null) writer.WriteNull("token"u8);
        else writer.WriteString("token"u8, token);
        writer.WriteBoolean("resumed"u8, resumed);
        if (resumed) writer.WriteNumber("lastSeq"u8, lastSeq);
        if (resumeError is not null) writer.WriteString("resumeError"u8, resumeError);
        if (cluster) writer.WriteBoolean("cluster"u8, true);
        Finish(writer);
    }

    /// <summary><c>{"op":"reply","ref":R,"status":"ok","room":"arena-3","type":"arena","members":[…]}</c> for a join.</summary>
    public static void WriteJoined(IBufferWriter<byte> output, ReadOnlySpan<byte> @ref, string room, string type, IReadOnlyList<string> members) =>
        WriteJoined(output, @ref, room, type, members, incarnation: null);

    /// <summary>The reply to a join; on a cluster node with the room's <c>"incarnation"</c> after its members.</summary>
    public static void WriteJoined(IBufferWriter<byte> output, ReadOnlySpan<byte> @ref, string room, string type, IReadOnlyList<string> members, long? incarnation)
    {
        var writer = Writer(output);
        writer.WriteStartObject();
        writer.WriteString("op"u8, "reply"u8);
        WriteRef(writer, @ref);
        writer.WriteString("status"u8, "ok"u8);
        writer.WriteString("room"u8, room);
        writer.WriteString("type"u8, type);
        writer.WriteStartArray("members"u8);
        foreach (var member in members) writer.WriteStringValue(member);
        writer.WriteEndArray();
        if (incarnation is { } life) writer.WriteNumber("incarnation"u8, life);
        Finish(writer);
    }

    /// <summary>The reply to <c>listRooms</c>: <c>{"op":"reply","ref":R,"status":"ok","rooms":[{…}]}</c>.</summary>
    public static void WriteRoomList(IBufferWriter<byte> output, ReadOnlySpan<byte> @ref, IReadOnlyList<Rooms.RoomInfo> rooms) =>
        WriteRoomList(output, @ref, rooms, next: null);

    /// <summary>
    /// <c>{"op":"reply","ref":R,"status":"ok","rooms":[…],"next":"…"}</c>: one page of a listing, with the cursor of the
    /// next page (<c>null</c> on the last).
    /// </summary>
    public static void WriteRoomList(IBufferWriter<byte> output, ReadOnlySpan<byte> @ref, IReadOnlyList<Rooms.RoomInfo> rooms, string? next)
    {
        var writer = Writer(output);
        writer.WriteStartObject();
        writer.WriteString("op"u8, "reply"u8);
        WriteRef(writer, @ref);
        writer.WriteString("status"u8, "ok"u8);
        writer.WriteStartArray("rooms"u8);
        foreach (var room in rooms)
        {
            writer.WriteStartObject();
            writer.WriteString("room"u8, room.Room);
            writer.WriteString("type"u8, room.RoomType);
            writer.WriteNumber("clients"u8, room.Clients);
            if (room.MaxClients == int.MaxValue) writer.WriteNull("maxClients"u8);
            else writer.WriteNumber("maxClients"u8, room.MaxClients);
            writer.WriteBoolean("locked"u8, room.Locked);
            writer.WritePropertyName("metadata"u8);
            writer.WriteRawValue(room.MetadataJson, skipInputValidation: true);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        if (next is null) writer.WriteNull("next"u8);
        else writer.WriteString("next"u8, next);
        Finish(writer);
    }

    /// <summary><c>{"op":"error","ref":R,"reason":"…"}</c> (ref is null when the request had none).</summary>
    public static void WriteError(IBufferWriter<byte> output, ReadOnlySpan<byte> @ref, string reason)
    {
        var writer = Writer(output);
        writer.WriteStartObject();
        writer.WriteString("op"u8, "error"u8);
        WriteRef(writer, @ref);
        writer.WriteString("reason"u8, reason);
        Finish(writer);
    }

    /// <summary><c>{"op":"message","room":"r","from":"id","data":…}</c>: what every member receives for a send.</summary>
    public static void WriteMessage(IBufferWriter<byte> output, ReadOnlySpan<byte> room, string from, ReadOnlySpan<byte> data)
    {
        var writer = Writer(output);
        writer.WriteStartObject();
        writer.WriteString("op"u8, "message"u8);
        writer.WriteString("room"u8, room);
        writer.WriteString("from"u8, from);
        writer.WritePropertyName("data"u8);
        writer.WriteRawValue(data, skipInputValidation: true);
        Finish(writer);
    }

    /// <summary><c>{"op":"presence","room":"r","event":"join"|"leave","member":"id"}</c>.</summary>
    public static void WritePresence(IBufferWriter<byte> output, string room, bool joined, string member)
    {
        var writer = Writer(output);
        writer.WriteStartObject();
        writer.WriteString("op"u8, "presence"u8);
        writer.WriteString("room"u8, room);
        writer.WriteString("event"u8, joined ? "join"u8 : "leave"u8);
        writer.WriteString("member"u8, member);
        Finish(writer);
    }

    /// <summary>
    /// <c>{"op":"notice","room":"r","event":"restarted"|"closed","reason":"…"}</c>: the room failed and was
    /// restarted (the member is re-joined) or stopped (the member is out).
    /// </summary>
    public static void WriteRoomNotice(IBufferWriter<byte> output, string room, bool restarted, string reason) =>
        WriteRoomNotice(output, room, restarted, reason, incarnation: null);

    /// <summary>A room notice; with <paramref name="incarnation"/>, the room's next incarnation the member is now in (after a loss).</summary>
    public static void WriteRoomNotice(IBufferWriter<byte> output, string room, bool restarted, string reason, long? incarnation)
    {
        var writer = Writer(output);
        writer.WriteStartObject();
        writer.WriteString("op"u8, "notice"u8);
        writer.WriteString("room"u8, room);
        writer.WriteString("event"u8, restarted ? "restarted"u8 : "closed"u8);
        writer.WriteString("reason"u8, reason);
        if (incarnation is { } life) writer.WriteNumber("incarnation"u8, life);
        Finish(writer);
    }

    /// <summary>Accepts and discards writes; parks the per-thread writer between events.</summary>
    private sealed class NullBufferWriter : IBufferWriter<byte>
    {
        public static readonly NullBufferWriter Instance = new();
        private readonly byte[] _scratch = new byte[256];
        public void Advance(int count) { }
        public Memory<byte> GetMemory(int sizeHint = 0) => _scratch;
        public Span<byte> GetSpan(int sizeHint = 0) => _scratch;
    }
}
