using System.Text;
using ActorWs.Samples.Chat.Identity;
using ActorWs.Samples.Chat.Protocol;
using ActorWs.Samples.Chat.Rooms;

namespace ActorWs.Samples.Tests.Chat;

/// <summary>What members may send and call themselves: the command parser, display names and room names.</summary>
public sealed class ChatRulesTests
{
    private const int Max = 2000;

    private static (bool Ok, ChatCommand Command, string? Error) Parse(string json, int max = Max)
    {
        bool ok = ChatCommandParser.TryParse(Encoding.UTF8.GetBytes(json), max, out var command, out var error);
        return (ok, command, error);
    }

    [Fact]
    public void Say_IsTrimmed_AndKeepsItsClientId()
    {
        var (ok, command, error) = Parse("""{"kind":"say","text":"  hello\nworld \t","cid":"a1-B_2","extra":{"ignored":[1,2]}}""");
        Assert.True(ok, error);
        Assert.Equal(ChatCommandKind.Say, command.Kind);
        Assert.Equal("hello\nworld", command.Text);
        Assert.Equal("a1-B_2", command.ClientId);
    }

    [Fact]
    public void Say_FieldsInAnyOrder_EscapesDecoded()
    {
        var (ok, command, _) = Parse("""{"text":"caf\u00e9 \ud83d\ude00","kind":"say"}""");
        Assert.True(ok);
        Assert.Equal("café 😀", command.Text);
        Assert.Null(command.ClientId);
    }

    [Theory]
    [InlineData("""{"kind":"say","text":""}""", ChatCommandParser.EmptyText)]
    [InlineData("""{"kind":"say","text":" \n\t "}""", ChatCommandParser.EmptyText)]
    [InlineData("""{"kind":"say"}""", ChatCommandParser.TextNotString)]
    [InlineData("""{"kind":"say","text":42}""", ChatCommandParser.TextNotString)]
    [InlineData("""{"kind":"say","text":{"a":"b"}}""", ChatCommandParser.TextNotString)]
    [InlineData("""{"kind":"say","text":"bell\u0007"}""", ChatCommandParser.ControlCharacters)]
    [InlineData("""{"kind":"say","text":"half \ud800 a pair"}""", ChatCommandParser.InvalidText)]
    [InlineData("""{"kind":"say","text":"hi","cid":""}""", "\"cid\" must be 1 to 64 letters, digits, - or _")]
    [InlineData("""{"kind":"say","text":"hi","cid":"no spaces"}""", "\"cid\" must be 1 to 64 letters, digits, - or _")]
    [InlineData("""{"kind":"say","text":"hi","cid":7}""", "\"cid\" must be 1 to 64 letters, digits, - or _")]
    [InlineData("""{"kind":"typing","active":"yes"}""", ChatCommandParser.ActiveNotBoolean)]
    [InlineData("""{"text":"hi"}""", ChatCommandParser.MissingKind)]
    [InlineData("""{"kind":5}""", ChatCommandParser.MissingKind)]
    [InlineData("""{"kind":"shout","text":"hi"}""", "unknown kind \"shout\" (expected say, typing or sync)")]
    [InlineData("\"just a string\"", ChatCommandParser.NotAnObject)]
    [InlineData("[1,2]", ChatCommandParser.NotAnObject)]
    [InlineData("null", ChatCommandParser.NotAnObject)]
    [InlineData("{\"kind\":", ChatCommandParser.NotAnObject)]
    public void BadCommands_AreRefusedWithAPreciseReason(string json, string reason)
    {
        var (ok, _, error) = Parse(json);
        Assert.False(ok);
        Assert.Equal(reason, error);
    }

    [Fact]
    public void Say_LongerThanTheLimit_IsRefused_TheLimitItselfIsFine()
    {
        string atLimit = new('x', Max);
        Assert.True(Parse($$"""{"kind":"say","text":" {{atLimit}} "}""").Ok);
        var (ok, _, error) = Parse($$"""{"kind":"say","text":"{{atLimit}}y"}""");
        Assert.False(ok);
        Assert.Equal("message longer than 2000 characters", error);
    }

    [Fact]
    public void UnknownKind_IsEchoedShort()
    {
        var (_, _, error) = Parse($$"""{"kind":"{{new string('k', 500)}}"}""");
        Assert.Equal($"unknown kind \"{new string('k', 24)}\" (expected say, typing or sync)", error);
    }

    [Theory]
    [InlineData("""{"kind":"typing"}""", true)]
    [InlineData("""{"kind":"typing","active":true}""", true)]
    [InlineData("""{"kind":"typing","active":false}""", false)]
    public void Typing_DefaultsToActive(string json, bool active)
    {
        var (ok, command, _) = Parse(json);
        Assert.True(ok);
        Assert.Equal(ChatCommandKind.Typing, command.Kind);
        Assert.Equal(active, command.Active);
    }

    [Fact]
    public void Sync_IsUnderstood() => Assert.Equal(ChatCommandKind.Sync, Parse("""{"kind":"sync","whatever":[{}]}""").Command.Kind);

    [Fact]
    public void ArbitraryBytes_NeverThrow()
    {
        var random = new Random(8);
        var buffer = new byte[64];
        string[] seeds = ["""{"kind":"say","text":"hi"}""", """{"kind":"typing","active":true}""", "{\"kind\":\"sync\"}"];
        for (int i = 0; i < 5000; i++)
        {
            byte[] input;
            if (i % 2 == 0)
            {
                random.NextBytes(buffer);
                input = buffer[..random.Next(buffer.Length)];
            }
            else
            {
                // Mutations of valid commands reach deeper into the parser than noise does.
                input = Encoding.UTF8.GetBytes(seeds[i % seeds.Length]);
                input[random.Next(input.Length)] = (byte)random.Next(256);
                input = input[..random.Next(1, input.Length + 1)];
            }
            bool ok = ChatCommandParser.TryParse(input, Max, out _, out var error);
            Assert.True(ok || error is { Length: > 0 });
        }
    }

    [Theory]
    [InlineData("Ada")]
    [InlineData("Ada Lovelace")]
    [InlineData("o'Brien-2.0_x")]
    [InlineData("Zoë")]
    [InlineData("Jürgen Müller")]
    [InlineData("山田太郎")]
    [InlineData("देवनागरी")]
    [InlineData("7")]
    [InlineData("abcdefghijklmnopqrstuvwx")]
    public void DisplayNames_Accepted(string name) => Assert.True(DisplayNameRules.TryValidate(name, out var problem), problem);

    [Theory]
    [InlineData(null, DisplayNameRules.Missing)]
    [InlineData("", DisplayNameRules.Missing)]
    [InlineData("abcdefghijklmnopqrstuvwxy", "display names are at most 24 characters")]
    [InlineData(" Ada", DisplayNameRules.BadEdge)]
    [InlineData("Ada ", DisplayNameRules.BadEdge)]
    [InlineData("\u0301Ada", DisplayNameRules.BadEdge)]
    [InlineData("<script>", DisplayNameRules.BadCharacter)]
    [InlineData("Ada\nBob", DisplayNameRules.BadCharacter)]
    [InlineData("Ada😀", DisplayNameRules.BadCharacter)]
    [InlineData("x@y", DisplayNameRules.BadCharacter)]
    public void DisplayNames_Refused(string? name, string reason)
    {
        Assert.False(DisplayNameRules.TryValidate(name, out var problem));
        Assert.Equal(reason, problem);
    }

    [Fact]
    public void DisplayNames_WithALoneSurrogate_Refused()
    {
        Assert.False(DisplayNameRules.TryValidate("a\ud800b", out var problem));
        Assert.Equal(DisplayNameRules.BadCharacter, problem);
    }

    [Theory]
    [InlineData("general", true)]
    [InlineData("a", true)]
    [InlineData("9lives", true)]
    [InlineData("team-b_2", true)]
    [InlineData("abcdefghijklmnopqrstuvwxyz012345", true)]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456", false)]
    [InlineData("", false)]
    [InlineData("General", false)]
    [InlineData("-general", false)]
    [InlineData("_x", false)]
    [InlineData("with space", false)]
    [InlineData("#general", false)]
    [InlineData("café", false)]
    public void RoomNames(string name, bool valid)
    {
        Assert.Equal(valid, ChannelName.TryValidate(name, out var problem));
        Assert.Equal(valid ? null : ChannelName.Invalid, problem);
    }
}
