using static ActorWs.Hosting.Tests.Configuration.Hocon.HoconTestSupport;

namespace ActorWs.Hosting.Tests.Configuration.Hocon;

/// <summary>Everything the spec says is invalid is rejected with one line naming the file and the exact line.</summary>
public sealed class SyntaxErrorTests
{
    [Theory]
    [InlineData("a : [1,2,3,,]", 1, "two commas in a row")]
    [InlineData("a : [,1,2,3]", 1, "unexpected ',': expected an array element")]
    [InlineData("a : [1,,2,3]", 1, "two commas in a row")]
    [InlineData("a : 1,,\nb : 2", 1, "two commas in a row")]
    [InlineData("{ , a : 1 }", 1, "unexpected ','")]
    [InlineData("a : 1\nb : 2 ]", 2, "expected ',' or a newline after the value of 'b', found ']'")]
    [InlineData("a : 1\nb : 2 c : 3", 2, "unexpected ':' in a value")]
    [InlineData("a : [1 2\n3 }", 2, "expected ',' or ']' after an array element, found '}'")]
    public void Comma_rules(string text, int line, string problem) => AssertError(text, line, problem);

    [Theory]
    [InlineData("a : 1\n}", 2, "unbalanced '}'")]
    [InlineData("{ a : 1\n", 1, "'{' is not closed with '}'")]
    [InlineData("a {\n b : 1\n", 1, "'{' is not closed with '}'")]
    [InlineData("a : [1,\n2", 1, "'[' is not closed with ']'")]
    [InlineData("{ a : 1 } b", 1, "after the closing '}' of the root object")]
    [InlineData("[1, 2]", 1, "the root of a configuration file must be an object, not an array")]
    public void Brackets_must_balance_and_the_root_must_be_an_object(string text, int line, string problem) => AssertError(text, line, problem);

    [Theory]
    [InlineData("a : \"unterminated\nb : 2", 1, "quoted string is not closed before the end of the line")]
    [InlineData("a : \"x\\qy\"", 1, "invalid escape '\\q'")]
    [InlineData("a : \"\\u12\"", 1, "'\\u' must be followed by four hexadecimal digits")]
    [InlineData("\n\na : \"\"\"never closed", 3, "triple-quoted string is not closed")]
    [InlineData("a : \"tab\there\"", 1, "control character U+0009")]
    public void Quoted_string_errors(string text, int line, string problem) => AssertError(text, line, problem);

    [Theory]
    [InlineData("a : b$c", 1, "'$' is only allowed to start a substitution")]
    [InlineData("a : b+c", 1, "'+' is only allowed as part of '+='")]
    [InlineData("\na : x?", 2, "the character '?' is not allowed outside quotes")]
    [InlineData("a : x@y", 1, "the character '@' is not allowed")]
    [InlineData("a : x`y", 1, "the character '`' is not allowed")]
    [InlineData("a : x^y", 1, "the character '^' is not allowed")]
    [InlineData("a : x!y", 1, "the character '!' is not allowed")]
    [InlineData("a : x*y", 1, "the character '*' is not allowed")]
    [InlineData("a : x&y", 1, "the character '&' is not allowed")]
    [InlineData("a : x\\y", 1, "the character '\\' is not allowed")]
    [InlineData("a : -foo", 1, "'-' must be followed by a digit")]
    [InlineData("a : b = c", 1, "unexpected '=' in a value")]
    public void Forbidden_characters_in_unquoted_strings(string text, int line, string problem) => AssertError(text, line, problem);

    [Theory]
    [InlineData("a..b : 1", 1, "has an empty key")]
    [InlineData(".a : 1", 1, "has an empty key")]
    [InlineData("\na. : 1", 2, "has an empty key")]
    [InlineData("a ${b} : 1", 1, "substitutions are not allowed in keys")]
    [InlineData("[a] : 1", 1, "the root of a configuration file must be an object")]
    [InlineData("x { [a] : 1 }", 1, "an array cannot be a key")]
    [InlineData("a\nb : 1", 2, "expected ':', '=', '+=' or '{' after the key 'a', found 'b'")]
    [InlineData("a : ", 1, "expected a value for the key 'a'")]
    [InlineData("a : ${}", 1, "a substitution needs a path")]
    [InlineData("a : ${b\nc : 1", 1, "substitution '${' is not closed with '}' on the same line")]
    [InlineData("a : ${b [1]}", 1, "unexpected '[' inside a substitution")]
    [InlineData("a : ${b..c}", 1, "has an empty key")]
    [InlineData("a : [\n  { b += 1 }\n]", 2, "'+=' cannot be used for 'b' inside an object that is an array element")]
    public void Key_and_substitution_path_errors(string text, int line, string problem) => AssertError(text, line, problem);

    [Theory]
    [InlineData("include foo", 1, "include must be followed by a quoted file name")]
    [InlineData("\ninclude : 42", 2, "include must be followed by a quoted file name")]
    [InlineData("include \"a\" \"b\"", 1, "include must be followed by a quoted file name")]
    [InlineData("include url(\"http://localhost/a.conf\")", 1, "include url(...) is not supported")]
    [InlineData("include classpath(\"a.conf\")", 1, "include classpath(...) is not supported")]
    [InlineData("include required(\"a.conf\"", 1, "unbalanced parentheses in include")]
    [InlineData("include nonsense(\"a.conf\")", 1, "unknown include form 'nonsense('")]
    [InlineData("include \"a.properties\"", 1, "Java properties files are not supported")]
    [InlineData("include \"\"", 1, "the include file name is empty")]
    public void Include_syntax_errors(string text, int line, string problem) => AssertError(text, line, problem);

    [Theory]
    [InlineData("a : [1] x", "cannot concatenate an array with the string \"x\"")]
    [InlineData("a : { b : 1 } x", "cannot concatenate an object with the string \"x\"")]
    [InlineData("a : { b : 1 } [1]", "cannot concatenate an object with an array")]
    [InlineData("a : [1] \" \" [2]", "cannot concatenate an array with the string \" \"")]
    public void Mixed_concatenations_are_errors(string text, string problem) => AssertError(text, 1, problem);

    [Fact]
    public void Deep_nesting_is_refused_instead_of_overflowing_the_stack()
    {
        var text = "a : " + new string('[', 1000) + new string(']', 1000);
        AssertError(text, 1, "nested more than 200 levels deep");
    }

    [Fact]
    public void The_message_is_one_line_starting_with_file_and_line()
    {
        var error = ParseError("a : 1\nb : [1,,2]");
        Assert.Equal("test.conf:2: two commas in a row", error.Message);
        Assert.Equal(2, error.Origin!.Value.Line);
        Assert.Equal(8, error.Origin!.Value.Column);
    }

    private static void AssertError(string text, int line, string problem)
    {
        var error = ParseError(text);
        Assert.StartsWith($"test.conf:{line}: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }
}
