using System.Text;
using ActorWs.Client.Protocol;
using FsCheck;
using FsCheck.Fluent;

namespace ActorWs.Client.Tests.Protocol;

public class ServerMessageTests
{
    private static bool Parse(string json, out ServerMessage message) => ServerMessage.TryParse(Encoding.UTF8.GetBytes(json), out message);

    [Fact]
    public void Reads_a_room_message_with_its_data_and_seq()
    {
        Assert.True(Parse("""{"op":"message","room":"lobby","from":"s-2","data":{"text":"hi","n":[1,2]},"seq":42}""", out var m));
        Assert.Equal(ServerOp.Message, m.Op);
        Assert.Equal("lobby", m.Room);
        Assert.Equal("s-2", m.From);
        Assert.Equal(42, m.Seq);
        Assert.Equal("hi", m.Data!.Value.GetProperty("text").GetString());
    }

    [Fact]
    public void Reads_a_cluster_position_and_leaves_a_malformed_one_out()
    {
        Assert.True(Parse("""{"seq":12,"pos":{"extra":[1],"rseq":57,"room":"lobby"},"op":"message","room":"lobby","data":1}""", out var m));
        Assert.Equal(("lobby", 57L, 12L), (m.PosRoom, m.PosRseq!.Value, m.Seq!.Value));
        foreach (var pos in new[] { "\"lobby:57\"", "{\"room\":\"lobby\"}", "{\"room\":\"lobby\",\"rseq\":-1}", "{\"room\":1,\"rseq\":5}", "null" })
        {
            Assert.True(Parse($$"""{"op":"message","room":"lobby","data":1,"seq":3,"pos":{{pos}}}""", out var bad), pos);
            Assert.Equal((null, null, 3L), (bad.PosRoom, bad.PosRseq, bad.Seq!.Value));
        }
    }

    [Fact]
    public void Reads_the_cluster_flag_of_a_welcome_true_only_when_it_says_true()
    {
        Assert.True(Parse("""{"op":"welcome","session":"s-1","token":"t","resumed":false,"cluster":true}""", out var yes));
        Assert.True(yes.Cluster);
        Assert.True(Parse("""{"op":"welcome","session":"s-1","token":"t","resumed":false,"cluster":"yes"}""", out var no));
        Assert.False(no.Cluster);
    }

    [Fact]
    public void Field_order_does_not_matter_and_unknown_fields_are_skipped()
    {
        Assert.True(Parse("""{"extra":{"deep":[{"op":"error"}]},"seq":7,"member":"s-9","event":"leave","room":"r","op":"presence"}""", out var m));
        Assert.Equal(ServerOp.Presence, m.Op);
        Assert.Equal("s-9", m.Member);
        Assert.Equal("leave", m.Event);
        Assert.Equal(7, m.Seq);
    }

    [Fact]
    public void Reads_a_welcome()
    {
        Assert.True(Parse("""{"op":"welcome","session":"s-1f","token":"abc","resumed":false,"resumeError":"expired"}""", out var m));
        Assert.Equal(ServerOp.Welcome, m.Op);
        Assert.Equal(("s-1f", "abc", false, "expired"), (m.Session, m.Token, m.Resumed, m.ResumeError));
    }

    [Theory]
    [InlineData("""{"op":"reply","ref":12,"status":"ok"}""", 12L)]
    [InlineData("""{"op":"reply","ref":"12","status":"ok"}""", null)]   // the client sends numbers only
    [InlineData("""{"op":"error","ref":null,"reason":"x"}""", null)]
    [InlineData("""{"op":"reply","ref":1.5}""", null)]
    public void Ref_is_read_only_as_an_integer(string json, long? expected)
    {
        Assert.True(Parse(json, out var m));
        Assert.Equal(expected, m.Ref);
    }

    [Theory]
    [InlineData("""{"op":"message","seq":-3,"room":"r","data":1}""")]
    [InlineData("""{"op":"message","seq":"3","room":"r","data":1}""")]
    [InlineData("""{"op":"message","seq":0,"room":"r","data":1}""")]
    public void A_seq_that_is_not_a_positive_integer_is_absent(string json)
    {
        Assert.True(Parse(json, out var m));
        Assert.Null(m.Seq);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("\"op\"")]
    [InlineData("""{"op":"message",""")]
    [InlineData("""{"op":"message"} trailing""")]
    [InlineData("""{"op":"message"}{"op":"message"}""")]
    public void Anything_but_one_object_is_refused(string json) => Assert.False(Parse(json, out _));

    [Fact]
    public void Unknown_or_mistyped_ops_are_unknown()
    {
        Assert.True(Parse("""{"op":"teleport"}""", out var a));
        Assert.Equal(ServerOp.Unknown, a.Op);
        Assert.True(Parse("""{"op":7}""", out var b));
        Assert.Equal(ServerOp.Unknown, b.Op);
    }

    [Fact]
    public void Invalid_utf8_in_a_string_is_refused_not_thrown()
    {
        byte[] json = [.. "{\"op\":\"message\",\"room\":\""u8, 0xC3, 0x28, .. "\"}"u8];
        Assert.False(ServerMessage.TryParse(json, out _));
    }

    [Fact]
    public void Arbitrary_bytes_never_throw() =>
        Prop.ForAll<byte[]>(bytes =>
        {
            ServerMessage.TryParse(bytes, out _);
            return true;
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Arbitrary_json_like_text_never_throws()
    {
        var fragments = new[] { "{", "}", "[", "]", ",", ":", "\"op\"", "\"message\"", "\"seq\"", "1", "-1", "1e400", "null", "true", "\"data\"", "\"\\u0000\"", " " };
        var soup = Gen.Elements(fragments).ArrayOf().Select(parts => string.Concat(parts));
        Prop.ForAll(soup.ToArbitrary(), text =>
        {
            ServerMessage.TryParse(Encoding.UTF8.GetBytes(text), out _);
            return true;
        }).QuickCheckThrowOnFailure();
    }
}
