using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using ActorWs.Samples.Chat.History;
using ActorWs.Server.Rooms;

namespace ActorWs.Samples.Chat.Rooms;

/// <summary>What the room sends, written straight into the outgoing frame with one reused JSON writer.</summary>
public sealed partial class ChannelRoom
{
    /// <summary>Kinds of what the room sends (the <c>kind</c> field of the data).</summary>
    public static class Kinds
    {
        /// <summary>To a newcomer (or on <c>sync</c>): <c>{"kind":"snapshot","members":[{"id","name"}],"history":[message…]}</c>.</summary>
        public const string Snapshot = "snapshot";

        /// <summary>A chat message: <c>{"kind":"say","id":7,"from":"s-1f","name":"Ada","text":"…","ts":1735689600000,"cid":"…"}</c>.</summary>
        public const string Say = "say";

        /// <summary>Someone came in: <c>{"kind":"joined","id":"s-1f","name":"Ada"}</c>.</summary>
        public const string Joined = "joined";

        /// <summary>Someone left: <c>{"kind":"left","id":"s-1f","name":"Ada"}</c>.</summary>
        public const string Left = "left";

        /// <summary>Someone is typing, or stopped: <c>{"kind":"typing","id":"s-1f","name":"Ada","active":true}</c>.</summary>
        public const string Typing = "typing";
    }

    /// <summary>
    /// Writer settings: non-ASCII text goes out as UTF-8 rather than <c>\uXXXX</c> escapes (a third of the bytes for
    /// most scripts). The relaxed encoder is safe here: the output is only ever read by <c>JSON.parse</c>, never
    /// pasted into HTML, and the page shows text with <c>textContent</c>.
    /// </summary>
    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private Utf8JsonWriter? _json;

    /// <summary>The room's writer, pointed at <paramref name="output"/> (one allocation per room, none per message).</summary>
    private Utf8JsonWriter Json(IBufferWriter<byte> output)
    {
        if (_json is null) _json = new Utf8JsonWriter(output, WriterOptions);
        else _json.Reset(output);
        return _json;
    }

    private void WriteSay(IBufferWriter<byte> output, ChatEntry entry)
    {
        var json = Json(output);
        json.WriteStartObject();
        json.WriteString("kind"u8, "say"u8);
        WriteEntryFields(json, entry);
        json.WriteEndObject();
        json.Flush();
    }

    private void WritePresence(IBufferWriter<byte> output, RoomMember member, bool joined)
    {
        var json = Json(output);
        json.WriteStartObject();
        json.WriteString("kind"u8, joined ? "joined"u8 : "left"u8);
        WriteMember(json, member);
        json.WriteEndObject();
        json.Flush();
    }

    private void WriteTyping(IBufferWriter<byte> output, RoomMember member, bool active)
    {
        var json = Json(output);
        json.WriteStartObject();
        json.WriteString("kind"u8, "typing"u8);
        WriteMember(json, member);
        json.WriteBoolean("active"u8, active);
        json.WriteEndObject();
        json.Flush();
    }

    private void WriteSnapshot(IBufferWriter<byte> output)
    {
        var json = Json(output);
        json.WriteStartObject();
        json.WriteString("kind"u8, "snapshot"u8);
        json.WriteStartArray("members"u8);
        foreach (var member in Members)
        {
            json.WriteStartObject();
            WriteMember(json, member);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartArray("history"u8);
        var history = History;
        for (int i = 0; i < history.Count; i++)
        {
            json.WriteStartObject();
            WriteEntryFields(json, history[i]);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteNumber("historyLimit"u8, history.Capacity);
        json.WriteEndObject();
        json.Flush();
    }

    private static void WriteMember(Utf8JsonWriter json, RoomMember member)
    {
        json.WriteString("id"u8, member.Id);
        json.WriteString("name"u8, ((ChatMember)member.State!).Name);
    }

    private static void WriteEntryFields(Utf8JsonWriter json, ChatEntry entry)
    {
        json.WriteNumber("id"u8, entry.Id);
        json.WriteString("from"u8, entry.AuthorId);
        json.WriteString("name"u8, entry.AuthorName);
        json.WriteString("text"u8, entry.Text);
        json.WriteNumber("ts"u8, entry.SentAtUnixMs);
        if (entry.ClientId is not null) json.WriteString("cid"u8, entry.ClientId);
    }
}
