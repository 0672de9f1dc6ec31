using ActorWs.Hosting.Configuration.Hocon;
using FsCheck;
using FsCheck.Fluent;

namespace ActorWs.Hosting.Tests.Configuration.Hocon;

/// <summary>Arbitrary input gets a <see cref="HoconException"/> or a result, never another exception.</summary>
public sealed class RobustnessTests
{
    private static readonly string[] Fragments =
    [
        "a", "b.c", "\"q\"", "\"\"\"t\"\"\"", "1", "-2.5e3", "true", "null", "include", " ", "\n", ",", ":", "=", "+=",
        "{", "}", "[", "]", "${a}", "${?b}", "${", "#c\n", "//c\n", "\\", "$", "?", "\"unterminated", "include \"x.conf\"",
        "include required(\"y.conf\")", "a = ${a} [1]", "a += 2", "b : { c : ${b} }", ".", "..",
    ];

    private static readonly HoconReaderOptions Options = new()
    {
        FileSystem = new HoconInMemoryFileSystem("/r").Add("/r/x.conf", "a : 1\ninclude \"x.conf\"").Add("/r/y.conf", "b = ${?a}"),
        EnvironmentLookup = _ => null,
    };

    [Fact]
    public void Random_fragment_soup_never_throws_anything_but_hocon_errors()
    {
        var soup = Gen.Elements(Fragments).ArrayOf().Select(parts => string.Concat(parts));
        Prop.ForAll(soup.ToArbitrary(), text =>
        {
            try
            {
                HoconReader.Parse(text, "fuzz.conf", Options);
            }
            catch (HoconException e)
            {
                return e.Message.StartsWith("fuzz.conf:", StringComparison.Ordinal) || e.Message.StartsWith("x.conf:", StringComparison.Ordinal) || e.Message.StartsWith("y.conf:", StringComparison.Ordinal);
            }

            return true;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(2000));
    }

    [Fact]
    public void Random_characters_never_throw_anything_but_hocon_errors()
        => Prop.ForAll<string>(text =>
        {
            try
            {
                HoconReader.Parse(text ?? string.Empty, "fuzz.conf", Options);
            }
            catch (HoconException)
            {
            }

            return true;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(2000));
}
