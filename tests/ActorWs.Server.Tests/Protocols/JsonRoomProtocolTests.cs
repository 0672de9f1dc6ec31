using System.Buffers;
using System.Text;
using System.Text.Json;
using ActorWs.Server.Protocols.JsonRooms;
using Xunit;

namespace ActorWs.Server.Tests.Protocols;

public sealed class JsonRoomProtocolTests
{
    private delegate void Check(JsonRoomCommand command);

    private static void Parse(string json, Check check)
    {
        var scratch = new byte[JsonRoomCommandParser.MaxRoomNameBytes];
        Assert.True(JsonRoomCommandParser.TryParse(Encoding.UTF8.GetBytes(json), scratch, out var command, out var error, out _), error);
        check(command);
    }

    private static (string Error, string Ref) Fail(string json)
    {
        var scratch = new byte[JsonRoomCommandParser.MaxRoomNameBytes];
        Assert.False(JsonRoomCommandParser.TryParse(Encoding.UTF8.GetBytes(json), scratch, out _, out var error, out var errorRef));
        return (error!, Encoding.UTF8.GetString(errorRef));
    }

    [Fact]
    public void Join_WithNumberRef()
    {
        Parse("""{"op":"join","room":"lobby","ref":1}""", c =>
        {
            Assert.Equal(JsonRoomOp.Join, c.Op);
            Assert.Equal("lobby", Encoding.UTF8.GetString(c.Room));
            Assert.Equal("1", Encoding.UTF8.GetString(c.Ref));
        });
    }

    [Fact]
    public void Send_KeepsDataAndStringRefAsRawJson_InAnyFieldOrder()
    {
        Parse("""{ "data" : {"x":[1,2,{"y":"z"}]}, "ref":"a\"b", "room":"r", "op":"send", "extra": [true] }""", c =>
        {
            Assert.Equal(JsonRoomOp.Send, c.Op);
            Assert.Equal("""{"x":[1,2,{"y":"z"}]}""", Encoding.UTF8.GetString(c.Data));
            Assert.Equal("\"a\\\"b\"", Encoding.UTF8.GetString(c.Ref));
        });
        Parse("""{"op":"send","room":"r","data":42}""", c => Assert.Equal("42", Encoding.UTF8.GetString(c.Data)));
        Parse("""{"op":"send","room":"r","data":"hi"}""", c => Assert.Equal("\"hi\"", Encoding.UTF8.GetString(c.Data)));
    }

    [Fact]
    public void EscapedRoomName_IsUnescaped()
    {
        Parse("""{"op":"leave","room":"caf\u00e9"}""", c => Assert.Equal("café", Encoding.UTF8.GetString(c.Room)));
    }

    [Fact]
    public void Ping_NeedsNoRoom()
    {
        Parse("""{"op":"ping","ref":7}""", c => Assert.Equal(JsonRoomOp.Ping, c.Op));
    }

    [Theory]
    [InlineData("not json", "invalid JSON")]
    [InlineData("[1,2]", "expected a JSON object")]
    [InlineData("""{"room":"r"}""", "missing \"op\"")]
    [InlineData("""{"op":"dance","room":"r"}""", "unknown op \"dance\"")]
    [InlineData("""{"op":"join"}""", "missing \"room\"")]
    [InlineData("""{"op":"join","room":""}""", "room name is empty")]
    [InlineData("""{"op":"join","room":5}""", "\"room\" must be a string")]
    [InlineData("""{"op":"send","room":"r"}""", "missing \"data\"")]
    [InlineData("""{"op":"join","room":"r"} {}""", "trailing data after the JSON object")]
    [InlineData("""{"op":"join","room":"r","ref":[1]}""", "\"ref\" must be a number or a string")]
    public void BadCommands_GetAPreciseReason(string json, string reason)
    {
        Assert.Equal(reason, Fail(json).Error);
    }

    [Fact]
    public void ALongRoomName_IsRefused_EvenWhenEscaped()
    {
        string name = new('a', JsonRoomCommandParser.MaxRoomNameBytes + 1);
        Assert.Equal("room name longer than 128 bytes", Fail($$"""{"op":"join","room":"{{name}}"}""").Error);
        string escaped = string.Concat(Enumerable.Repeat("\\u0061", JsonRoomCommandParser.MaxRoomNameBytes + 1));
        Assert.Equal("room name longer than 128 bytes", Fail($$"""{"op":"join","room":"{{escaped}}"}""").Error);
    }

    [Fact]
    public void AnErrorAfterTheRef_CarriesTheRef()
    {
        Assert.Equal("9", Fail("""{"ref":9,"op":"dance"}""").Ref);
    }

    private static JsonElement Written(Action<IBufferWriter<byte>> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(buffer);
        return JsonDocument.Parse(buffer.WrittenMemory).RootElement;
    }

    [Fact]
    public void Events_AreValidJson_WithTheDocumentedShape()
    {
        var ok = Written(b => JsonRoomEvents.WriteOk(b, "\"x\""u8, "lobby"u8, ["s-1", "s-2"]));
        Assert.Equal("reply", ok.GetProperty("op").GetString());
        Assert.Equal("x", ok.GetProperty("ref").GetString());
        Assert.Equal("ok", ok.GetProperty("status").GetString());
        Assert.Equal(["s-1", "s-2"], ok.GetProperty("members").EnumerateArray().Select(e => e.GetString()!).ToArray());

        var error = Written(b => JsonRoomEvents.WriteError(b, default, "invalid JSON"));
        Assert.Equal(JsonValueKind.Null, error.GetProperty("ref").ValueKind);
        Assert.Equal("invalid JSON", error.GetProperty("reason").GetString());

        var message = Written(b => JsonRoomEvents.WriteMessage(b, "r"u8, "s-3", """{"n":1}"""u8));
        Assert.Equal(1, message.GetProperty("data").GetProperty("n").GetInt32());
        Assert.Equal("s-3", message.GetProperty("from").GetString());

        var presence = Written(b => JsonRoomEvents.WritePresence(b, "r", joined: false, "s-4"));
        Assert.Equal("leave", presence.GetProperty("event").GetString());

        var notice = Written(b => JsonRoomEvents.WriteRoomNotice(b, "r", restarted: true, "boom"));
        Assert.Equal("restarted", notice.GetProperty("event").GetString());
    }
}
