using ActorWs.Hosting.Configuration.Hocon;
using static ActorWs.Hosting.Tests.Configuration.Hocon.HoconTestSupport;

namespace ActorWs.Hosting.Tests.Configuration.Hocon;

/// <summary>Substitutions, with the examples of the spec's "Substitutions" and "Self-Referential Substitutions" sections.</summary>
public sealed class SubstitutionTests
{
    [Theory]
    [InlineData("a : 1\nb : ${a}", "{\"a\":1,\"b\":1}")]
    [InlineData("b : ${a}\na : 1", "{\"b\":1,\"a\":1}")]
    [InlineData("b : ${a.x}\na.x : [1, 2]", "{\"b\":[1,2],\"a\":{\"x\":[1,2]}}")]
    [InlineData("a : 1\nb : ${a}\na : 2", "{\"a\":2,\"b\":2}")]
    [InlineData("a : { x : 1 }\nb : ${a}\na : { y : 2 }", "{\"a\":{\"x\":1,\"y\":2},\"b\":{\"x\":1,\"y\":2}}")]
    [InlineData("a : null\nb : ${a}", "{\"a\":null,\"b\":null}")]
    [InlineData("a : true\nb : ${a}", "{\"a\":true,\"b\":true}")]
    [InlineData("a : \"x\"\nb : [${a}, ${a}]", "{\"a\":\"x\",\"b\":[\"x\",\"x\"]}")]
    [InlineData("a : { \"b.c\" : 1 }\nd : ${a.\"b.c\"}", "{\"a\":{\"b.c\":1},\"d\":1}")]
    public void Substitutions_look_forward_to_the_final_value_and_keep_its_type(string text, string expected)
        => Assert.Equal(expected, Json(text));

    [Theory]
    [InlineData("animal.favorite : cat\nkey : ${animal.favorite} is my favorite animal", "cat is my favorite animal")]
    [InlineData("animal.favorite : cat\nkey : ${animal.favorite}\" is my favorite animal\"", "cat is my favorite animal")]
    [InlineData("n : 1.50\nkey : version ${n}", "version 1.50")]
    [InlineData("n : null\nkey : x ${n}", "x null")]
    [InlineData("key : \"${not.a.substitution}\"", "${not.a.substitution}")]
    public void Substitutions_in_a_concatenation_become_strings(string text, string expected)
        => Assert.Equal(expected, Parse(text).GetString("key"));

    [Fact]
    public void Objects_may_refer_to_their_own_fields()
    {
        Assert.Equal("{\"bar\":{\"foo\":42,\"baz\":42}}", Json("bar : { foo : 42,\n        baz : ${bar.foo}\n      }"));
        Assert.Equal("{\"bar\":{\"foo\":43,\"baz\":43}}", Json("bar : { foo : 42,\n baz : ${bar.foo}\n }\nbar : { foo : 43 }"));
    }

    [Fact]
    public void Mutually_referring_objects_look_forward()
    {
        var root = Parse("bar : { a : ${foo.d}, b : 1 }\nbar.b = 3\nfoo : { c : ${bar.b}, d : 2 }\nfoo.d = 4");
        Assert.Equal(4, root.GetInt("bar.a"));
        Assert.Equal(3, root.GetInt("foo.c"));
    }

    [Theory]
    [InlineData("a : ${x}\na : { b : ${a.c} }\nx : { c : 1 }", "{\"a\":{\"c\":1,\"b\":1},\"x\":{\"c\":1}}")]
    [InlineData("foo : ${x}\nfoo : { a : ${foo.b}, b : 2 }\nx : { c : 1 }", "{\"foo\":{\"c\":1,\"a\":2,\"b\":2},\"x\":{\"c\":1}}")]
    [InlineData("x : { p : 1 }\ny : { q : 2 }\na : ${x} ${y}", "{\"x\":{\"p\":1},\"y\":{\"q\":2},\"a\":{\"p\":1,\"q\":2}}")]
    [InlineData("x : [1]\ny : [2]\na : ${x} ${y}", "{\"x\":[1],\"y\":[2],\"a\":[1,2]}")]
    [InlineData("a : 1\nb : 2\nl : [ ${a} ${b}, ${b} ${a} ]", "{\"a\":1,\"b\":2,\"l\":[\"1 2\",\"2 1\"]}")]
    public void Lookups_resolve_only_what_they_need_and_concatenations_follow_the_resolved_types(string text, string expected)
        => Assert.Equal(expected, Json(text));

    [Fact]
    public void Object_concatenation_gives_inheritance()
        => Assert.Equal(
            "{\"data-center-generic\":{\"cluster-size\":6},\"data-center-east\":{\"cluster-size\":6,\"name\":\"east\"}}",
            Json("data-center-generic = { cluster-size = 6 }\ndata-center-east = ${data-center-generic} { name = \"east\" }"));

    [Theory]
    [InlineData("path : \"a:b:c\"\npath : ${path}\":d\"", "{\"path\":\"a:b:c:d\"}")]
    [InlineData("path = [ /bin ]\npath = ${path} [ /usr/bin ]", "{\"path\":[\"/bin\",\"/usr/bin\"]}")]
    [InlineData("a : [ 1, 2 ]\na : ${a} [ 3, 4 ]", "{\"a\":[1,2,3,4]}")]
    [InlineData("a = [1]\na = ${a} [2]\na = ${a} [3]", "{\"a\":[1,2,3]}")]
    [InlineData("foo : { a : 1 }\nfoo : ${foo}", "{\"foo\":{\"a\":1}}")]
    [InlineData("foo : { a : 1 }\nfoo : ${foo} { b : 2 }", "{\"foo\":{\"a\":1,\"b\":2}}")]
    [InlineData("foo : { a : { c : 1 } }\nfoo : ${foo.a}\nfoo : { a : 2 }", "{\"foo\":{\"a\":2,\"c\":1}}")]
    [InlineData("foo : ${does-not-exist}\nfoo : 42", "{\"foo\":42}")]
    [InlineData("foo : ${foo}, foo : 42", "{\"foo\":42}")]
    [InlineData("x { y : 1 }\nx.y : ${x.y}0", "{\"x\":{\"y\":\"10\"}}")]
    public void Self_references_look_back_at_the_earlier_definition(string text, string expected)
        => Assert.Equal(expected, Json(text));

    [Theory]
    [InlineData("a += 1", "{\"a\":[1]}")]
    [InlineData("a = [0]\na += 1\na += 2", "{\"a\":[0,1,2]}")]
    [InlineData("x { a += 1 }\nx { a += 2 }", "{\"x\":{\"a\":[1,2]}}")]
    [InlineData("x.a += { b : 1 }", "{\"x\":{\"a\":[{\"b\":1}]}}")]
    public void Plus_equals_appends_to_an_array(string text, string expected)
        => Assert.Equal(expected, Json(text));

    [Fact]
    public void Plus_equals_on_a_non_array_is_an_error()
    {
        var error = ParseError("a = 1\na += 2");
        Assert.Equal("test.conf:2: cannot concatenate an array with the value 1 (arrays concatenate only with arrays, objects only with objects)", error.Message);
    }

    [Theory]
    [InlineData("foo : ${?bar}", "{}")]
    [InlineData("foo : 1\nfoo : ${?bar}", "{\"foo\":1}")]
    [InlineData("foo : ${?bar}${?baz}", "{}")]
    [InlineData("foo : ${?bar} x", "{\"foo\":\" x\"}")]
    [InlineData("foo : [1, ${?bar}, 2]", "{\"foo\":[1,2]}")]
    [InlineData("foo : ${?bar} [1]", "{\"foo\":[1]}")]
    [InlineData("foo : ${?foo}", "{}")]
    [InlineData("a = ${?a}foo", "{\"a\":\"foo\"}")]
    public void Undefined_optional_substitutions_leave_the_field_unset(string text, string expected)
        => Assert.Equal(expected, Json(text));

    [Fact]
    public void Environment_variables_are_the_fallback_and_empty_ones_count_as_unset()
    {
        var environment = new Dictionary<string, string> { ["PORT"] = "9000", ["EMPTY"] = string.Empty, ["HOME"] = "/home/u" };
        var root = Parse("port : 80\nport : ${?PORT}\nhost : ${?EMPTY}\ndir : ${HOME}/data\nHOME_SET : ${?HOME_SET}", environment);
        Assert.Equal("9000", root.GetString("port"));
        Assert.Equal(9000, root.GetInt("port"));
        Assert.False(root.HasPath("host"));
        Assert.Equal("/home/u/data", root.GetString("dir"));
        Assert.Equal("{\"port\":\"9000\",\"dir\":\"/home/u/data\"}", Render(root));
    }

    [Fact]
    public void A_setting_set_to_null_blocks_the_environment_fallback()
    {
        var environment = new Dictionary<string, string> { ["HOME"] = "/home/u" };
        Assert.Equal("{\"HOME\":null,\"dir\":null}", Json("HOME : null\ndir : ${HOME}", environment));
    }

    [Fact]
    public void A_self_reference_with_no_earlier_value_falls_back_to_the_environment()
    {
        var environment = new Dictionary<string, string> { ["PATH"] = "/bin" };
        Assert.Equal("/bin:/opt/bin", Parse("PATH : ${PATH}\":/opt/bin\"", environment).GetString("PATH"));
    }

    [Fact]
    public void A_missing_required_substitution_is_an_error_at_its_line()
    {
        var error = ParseError("a : 1\n\nb : ${missing.value}");
        Assert.Equal("test.conf:3: ${missing.value} cannot be resolved: there is no setting 'missing.value' and no environment variable missing.value (use ${?missing.value} if it is optional)", error.Message);
    }

    [Theory]
    [InlineData("foo : ${foo}", 1, "${foo} refers to the field it defines, and there is no earlier value of 'foo' and no environment variable foo to refer to")]
    [InlineData("bar : ${foo}\nfoo : ${bar}", 2, "substitution cycle: ${foo} -> ${bar} -> ${foo}")]
    [InlineData("a : ${b}\nb : ${c}\nc : ${a}", 3, "substitution cycle: ${b} -> ${c} -> ${a} -> ${b}")]
    [InlineData("a : { b : ${a} }", 1, "substitution cycle: ${a} -> ${a}")]
    [InlineData("a : [${a}]", 1, "substitution cycle: ${a} -> ${a}")]
    public void Unbreakable_cycles_are_errors(string text, int line, string problem)
    {
        var error = ParseError(text);
        Assert.StartsWith($"test.conf:{line}: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a : ${?b}\nb : ${?a}", "{}")]
    [InlineData("a : { x : ${?a} }", "{\"a\":{}}")]
    [InlineData("a : ${?b}\nb : ${?a}\nc : 1", "{\"c\":1}")]
    public void An_optional_substitution_in_a_cycle_is_treated_as_missing(string text, string expected)
        => Assert.Equal(expected, Json(text));

    [Fact]
    public void Order_dependent_cycles_resolve_both_fields_to_the_same_value()
    {
        var root = Parse("a : 1\nb : 2\na : ${b}\nb : ${a}");
        Assert.Equal(root.GetInt("a"), root.GetInt("b"));
    }

    [Fact]
    public void A_long_substitution_chain_is_refused_instead_of_overflowing_the_stack()
    {
        var text = string.Join('\n', Enumerable.Range(0, 2000).Select(i => $"k{i} : ${{k{i + 1}}}")) + "\nk2000 : 1";
        Assert.Contains("levels deep", ParseError(text).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Substituted_values_keep_the_origin_of_their_definition()
    {
        var root = Parse("a : 1\n\nb : ${a}\nc : x${a}");
        Assert.Equal(1, root["b"].Origin.Line);
        Assert.Equal(4, root["c"].Origin.Line);
    }
}
