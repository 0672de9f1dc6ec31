using ActorWs.Hosting.Configuration.Hocon;
using FsCheck;
using FsCheck.Fluent;
using static ActorWs.Hosting.Tests.Configuration.Hocon.HoconTestSupport;

namespace ActorWs.Hosting.Tests.Configuration.Hocon;

/// <summary>Each syntax feature of the HOCON spec, mostly with the spec's own examples.</summary>
public sealed class SyntaxTests
{
    [Theory]
    [InlineData("{ \"a\" : 1, \"b\" : [true, false, null], \"c\" : { \"d\" : \"x\" } }", "{\"a\":1,\"b\":[true,false,null],\"c\":{\"d\":\"x\"}}")]
    [InlineData("a : 1\nb : 2", "{\"a\":1,\"b\":2}")]
    [InlineData("", "{}")]
    [InlineData("# only a comment\n", "{}")]
    [InlineData("{}", "{}")]
    public void Json_and_omitted_root_braces_parse_to_the_same_tree(string text, string expected)
        => Assert.Equal(expected, Json(text));

    [Theory]
    [InlineData("a = 1", "{\"a\":1}")]
    [InlineData("a : 1", "{\"a\":1}")]
    [InlineData("a { b : 1 }", "{\"a\":{\"b\":1}}")]
    [InlineData("\"foo\" {}", "{\"foo\":{}}")]
    [InlineData("a =\n  1", "{\"a\":1}")]
    public void Key_value_separators_are_colon_equals_or_omitted_before_a_brace(string text, string expected)
        => Assert.Equal(expected, Json(text));

    [Theory]
    [InlineData("a : [1,2,3,]", "{\"a\":[1,2,3]}")]
    [InlineData("a : [1\n2\n3]", "{\"a\":[1,2,3]}")]
    [InlineData("a : [\n  1,\n  2\n]", "{\"a\":[1,2]}")]
    [InlineData("a : [1\n,2]", "{\"a\":[1,2]}")]
    [InlineData("a : []", "{\"a\":[]}")]
    [InlineData("a : 1,\nb : 2,", "{\"a\":1,\"b\":2}")]
    [InlineData("{ a : 1, }", "{\"a\":1}")]
    public void Commas_are_optional_across_newlines_and_one_trailing_comma_is_allowed(string text, string expected)
        => Assert.Equal(expected, Json(text));

    [Theory]
    [InlineData("a : 1 # comment\nb : 2 // another", "{\"a\":1,\"b\":2}")]
    [InlineData("a : \"# not a comment\"", "{\"a\":\"# not a comment\"}")]
    [InlineData("a : \"// not a comment\"", "{\"a\":\"// not a comment\"}")]
    [InlineData("a : x//comment", "{\"a\":\"x\"}")]
    public void Comments_start_with_hash_or_double_slash_outside_quotes(string text, string expected)
        => Assert.Equal(expected, Json(text));

    [Fact]
    public void An_unquoted_url_is_an_error_because_colon_is_forbidden_outside_quotes()
        => Assert.Equal("test.conf:1: unexpected ':' in a value; quote strings that contain it", ParseError("a : http://example").Message);

    [Theory]
    [InlineData("a : \"tab\\there\\nnew \\\"q\\\" \\\\ \\/ \\u0041\"", "tab\there\nnew \"q\" \\ / A")]
    [InlineData("a : \"\"", "")]
    [InlineData("a : \"\"\"multi\nline \"quoted\" \\n raw\"\"\"", "multi\nline \"quoted\" \\n raw")]
    [InlineData("a : \"\"\"foo\"\"\"\"", "foo\"")]
    [InlineData("a : \"\"\"\"\"\"", "")]
    public void Quoted_and_triple_quoted_strings(string text, string expected)
        => Assert.Equal(expected, Parse(text).GetString("a"));

    [Theory]
    [InlineData("a : 42", HoconValueKind.Number, "42")]
    [InlineData("a : -3.5e10", HoconValueKind.Number, "-3.5e10")]
    [InlineData("a : 0.5", HoconValueKind.Number, "0.5")]
    [InlineData("a : true", HoconValueKind.Boolean, "true")]
    [InlineData("a : false", HoconValueKind.Boolean, "false")]
    [InlineData("a : null", HoconValueKind.Null, "null")]
    [InlineData("a : foo", HoconValueKind.String, "foo")]
    [InlineData("a : footrue", HoconValueKind.String, "footrue")]
    [InlineData("a : truefoo", HoconValueKind.String, "truefoo")]
    [InlineData("a : 10.0bar", HoconValueKind.String, "10.0bar")]
    [InlineData("a : bar10.0", HoconValueKind.String, "bar10.0")]
    [InlineData("a : 1.2.3", HoconValueKind.String, "1.2.3")]
    [InlineData("a : \"42\"", HoconValueKind.String, "42")]
    [InlineData("a : include", HoconValueKind.String, "include")]
    [InlineData("a : /usr/local/bin", HoconValueKind.String, "/usr/local/bin")]
    public void Numbers_booleans_null_and_unquoted_strings(string text, HoconValueKind kind, string expected)
    {
        var value = Assert.IsType<HoconScalar>(Parse(text)["a"]);
        Assert.Equal(kind, value.Kind);
        Assert.Equal(expected, value.Text);
    }

    [Theory]
    [InlineData("a : foo bar baz ", "foo bar baz")]
    [InlineData("a :   foo   bar", "foo   bar")]
    [InlineData("a : foo \"bar\" 1.5 true null", "foo bar 1.5 true null")]
    [InlineData("a : \"foo\"\"bar\"", "foobar")]
    [InlineData("a : 10 s", "10 s")]
    public void Simple_values_on_one_line_concatenate_into_a_string_keeping_inner_whitespace(string text, string expected)
    {
        var value = Assert.IsType<HoconScalar>(Parse(text)["a"]);
        Assert.Equal(HoconValueKind.String, value.Kind);
        Assert.Equal(expected, value.Text);
    }

    [Theory]
    [InlineData("a : [ 1, 2 ] [ 3, 4 ]", "{\"a\":[1,2,3,4]}")]
    [InlineData("a : { b : 1 } { c : 2 }", "{\"a\":{\"b\":1,\"c\":2}}")]
    [InlineData("a : { b : 1 } { b : 2 }", "{\"a\":{\"b\":2}}")]
    [InlineData("a : [ [ 1, 2 ] [ 3, 4 ] ]", "{\"a\":[[1,2,3,4]]}")]
    [InlineData("a : [ [ 1, 2 ]\n [ 3, 4 ] ]", "{\"a\":[[1,2],[3,4]]}")]
    [InlineData("a : [ 1 2 3 4 ]", "{\"a\":[\"1 2 3 4\"]}")]
    public void Arrays_concatenate_and_objects_merge_when_on_one_line(string text, string expected)
        => Assert.Equal(expected, Json(text));

    [Theory]
    [InlineData("foo.bar : 42", "{\"foo\":{\"bar\":42}}")]
    [InlineData("foo.bar.baz : 42", "{\"foo\":{\"bar\":{\"baz\":42}}}")]
    [InlineData("a.x : 42, a.y : 43", "{\"a\":{\"x\":42,\"y\":43}}")]
    [InlineData("a b c : 42", "{\"a b c\":42}")]
    [InlineData("true : 42", "{\"true\":42}")]
    [InlineData("3 : 42", "{\"3\":42}")]
    [InlineData("3.14 : 42", "{\"3\":{\"14\":42}}")]
    [InlineData("10.0foo : 1", "{\"10\":{\"0foo\":1}}")]
    [InlineData("foo10.0 : 1", "{\"foo10\":{\"0\":1}}")]
    [InlineData("foo\"10.0\" : 1", "{\"foo10.0\":1}")]
    [InlineData("1.2.3 : 1", "{\"1\":{\"2\":{\"3\":1}}}")]
    [InlineData("foo.bar.\"hello.world\" : 1", "{\"foo\":{\"bar\":{\"hello.world\":1}}}")]
    [InlineData("a.\"\".b : 1", "{\"a\":{\"\":{\"b\":1}}}")]
    [InlineData("{ foo include : 42 }", "{\"foo include\":42}")]
    [InlineData("{ \"include\" : 42 }", "{\"include\":42}")]
    public void Keys_are_path_expressions(string text, string expected)
        => Assert.Equal(expected, Json(text));

    [Fact]
    public void Whitespace_includes_unicode_separators_and_the_byte_order_mark()
        => Assert.Equal("{\"a\":1,\"b\":2}", Json("\uFEFFa\u00A0:\u20031\r\nb\t=\u001F2"));

    [Fact]
    public void Values_remember_the_line_and_file_they_were_written_at()
    {
        var root = Parse("a : 1\n\n  b {\n    c : \"x\"\n  }\n");
        Assert.Equal(new HoconOrigin("test.conf", 1, 5), root["a"].Origin);
        Assert.Equal(4, root.GetObject("b")["c"].Origin.Line);
        Assert.Equal("test.conf:4", root.GetObject("b")["c"].Origin.ToString());
    }

    [Fact]
    public void Path_expressions_parse_and_render_round_trip()
    {
        var path = HoconPath.Parse("foo.bar.\"hello.world\"");
        Assert.Equal(["foo", "bar", "hello.world"], path.Elements);
        Assert.Equal("foo.bar.\"hello.world\"", path.ToString());
        Assert.Equal(path, HoconPath.Parse(path.ToString()));
        Assert.Throws<ArgumentException>(() => HoconPath.Parse("a..b"));
        Assert.Throws<ArgumentException>(() => HoconPath.Parse(""));
        Assert.Throws<ArgumentException>(() => HoconPath.Parse("a.${b}"));
    }

    [Fact]
    public void Any_keys_render_to_a_path_that_parses_back_to_the_same_keys()
        => Prop.ForAll<NonEmptyArray<string>>(keys =>
        {
            var elements = keys.Get.Select(k => k ?? string.Empty).ToArray();
            var rendered = HoconPath.Render(elements);
            return HoconPath.Parse(rendered).Elements.SequenceEqual(elements);
        }).QuickCheckThrowOnFailure();
}
