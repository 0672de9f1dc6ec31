using static ActorWs.Hosting.Tests.Configuration.Hocon.HoconTestSupport;

namespace ActorWs.Hosting.Tests.Configuration.Hocon;

/// <summary>Duplicate keys: objects merge, anything else replaces; the spec's examples.</summary>
public sealed class MergeTests
{
    [Theory]
    [InlineData("\"foo\" : { \"a\" : 42 },\n\"foo\" : { \"b\" : 43 }", "{\"foo\":{\"a\":42,\"b\":43}}")]
    [InlineData("\"foo\" : { \"a\" : 42 },\n\"foo\" : null,\n\"foo\" : { \"b\" : 43 }", "{\"foo\":{\"b\":43}}")]
    [InlineData("a : 1\na : 2", "{\"a\":2}")]
    [InlineData("a : { x : 1 }\na : 2", "{\"a\":2}")]
    [InlineData("a : [1]\na : [2]", "{\"a\":[2]}")]
    [InlineData("a : { x : { y : 1, z : 2 } }\na : { x : { y : 3 } }", "{\"a\":{\"x\":{\"y\":3,\"z\":2}}}")]
    [InlineData("a : { b : 1 }\na : { c : 2 }\na.d : 3", "{\"a\":{\"b\":1,\"c\":2,\"d\":3}}")]
    [InlineData("a.b.c : 1\na.b.d : 2\na { b { e : 3 } }", "{\"a\":{\"b\":{\"c\":1,\"d\":2,\"e\":3}}}")]
    [InlineData("a : 1\na.b : 2", "{\"a\":{\"b\":2}}")]
    public void Later_keys_override_earlier_ones_unless_both_are_objects(string text, string expected)
        => Assert.Equal(expected, Json(text));

    [Fact]
    public void The_three_ways_to_define_the_same_object_agree()
    {
        var expected = Json("a : { b : 1, c : 2 }");
        Assert.Equal(expected, Json("a : { b : 1 } { c : 2 }"));
        Assert.Equal(expected, Json("a : { b : 1 }\na : { c : 2 }"));
    }

    [Fact]
    public void Merged_values_keep_the_origin_of_the_definition_that_won()
    {
        var root = Parse("a : { x : 1, y : 2 }\n\na : { y : 3 }");
        Assert.Equal(1, root.GetObject("a")["x"].Origin.Line);
        Assert.Equal(3, root.GetObject("a")["y"].Origin.Line);
    }
}
