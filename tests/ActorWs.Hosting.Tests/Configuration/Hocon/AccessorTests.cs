using ActorWs.Hosting.Configuration.Hocon;
using static ActorWs.Hosting.Tests.Configuration.Hocon.HoconTestSupport;

namespace ActorWs.Hosting.Tests.Configuration.Hocon;

/// <summary>Typed reads by path, their conversions and their error messages.</summary>
public sealed class AccessorTests
{
    private const string Sample = """
        server {
          port = 8080
          quoted-port = "8081"
          host = "0.0.0.0"
          tls = yes
          enabled = true
          idle-timeout = 2 minutes
          bare-timeout = 250
          max-frame = 64KiB
          ratio = 0.75
          origins = [ "https://a.example", b, 3 ]
          nothing = null
        }
        """;

    private static readonly HoconObject Root = Parse(Sample);

    [Fact]
    public void Reads_each_type_with_the_spec_conversions()
    {
        Assert.Equal(8080, Root.GetInt("server.port"));
        Assert.Equal(8081, Root.GetInt("server.quoted-port"));
        Assert.Equal(8080L, Root.GetLong("server.port"));
        Assert.Equal("8080", Root.GetString("server.port"));
        Assert.Equal("0.0.0.0", Root.GetString("server.host"));
        Assert.True(Root.GetBool("server.tls"));
        Assert.True(Root.GetBool("server.enabled"));
        Assert.Equal("true", Root.GetString("server.enabled"));
        Assert.Equal(TimeSpan.FromMinutes(2), Root.GetDuration("server.idle-timeout"));
        Assert.Equal(TimeSpan.FromMilliseconds(250), Root.GetDuration("server.bare-timeout"));
        Assert.Equal(65536, Root.GetBytes("server.max-frame"));
        Assert.Equal(0.75, Root.GetDouble("server.ratio"));
        Assert.Equal(["https://a.example", "b", "3"], Root.GetStringList("server.origins"));
        Assert.Equal(11, Root.GetObject("server").Count);
        Assert.True(Root.HasPath("server.port"));
        Assert.False(Root.HasPath("server.nothing"));
        Assert.False(Root.HasPath("server.absent"));
        Assert.Null(Root.Find("server.port.deeper"));
    }

    [Theory]
    [InlineData("server.host", "server.host at test.conf:4: expected an integer 1–65535, got \"0.0.0.0\"")]
    [InlineData("server.ratio", "server.ratio at test.conf:10: expected an integer 1–65535, got 0.75")]
    [InlineData("server.nothing", "server.nothing at test.conf:12: expected an integer 1–65535, got null")]
    [InlineData("server.origins", "server.origins at test.conf:11: expected an integer 1–65535, got an array")]
    [InlineData("server", "server at test.conf:1: expected an integer 1–65535, got an object")]
    [InlineData("server.absent", "server.absent: not set in test.conf; expected an integer 1–65535")]
    public void Integer_errors_name_path_file_line_expectation_and_value(string path, string message)
        => Assert.Equal(message, Assert.Throws<HoconException>(() => Root.GetInt(path, 1, 65535)).Message);

    [Fact]
    public void Range_wording_follows_the_bounds_given()
    {
        Assert.Equal("server.port at test.conf:2: expected an integer of at least 9000, got 8080", Assert.Throws<HoconException>(() => Root.GetInt("server.port", min: 9000)).Message);
        Assert.Equal("server.port at test.conf:2: expected an integer of at most 80, got 8080", Assert.Throws<HoconException>(() => Root.GetInt("server.port", max: 80)).Message);
        Assert.Equal("server.host at test.conf:4: expected an integer, got \"0.0.0.0\"", Assert.Throws<HoconException>(() => Root.GetInt("server.host")).Message);
        Assert.Equal(
            "server.idle-timeout at test.conf:7: expected a duration such as 10s, 500ms or 2 minutes between 1s and 1m, got \"2 minutes\"",
            Assert.Throws<HoconException>(() => Root.GetDuration("server.idle-timeout", TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1))).Message);
        Assert.Equal(
            "server.max-frame at test.conf:9: expected a size in bytes such as 64KiB, 1MiB or 1000000 of at most 1KiB, got \"64KiB\"",
            Assert.Throws<HoconException>(() => Root.GetBytes("server.max-frame", max: 1024)).Message);
    }

    [Fact]
    public void Other_type_errors()
    {
        Assert.Equal("server.host at test.conf:4: expected a boolean (true/false, yes/no or on/off), got \"0.0.0.0\"", Assert.Throws<HoconException>(() => Root.GetBool("server.host")).Message);
        Assert.Equal("server.host at test.conf:4: expected a duration such as 10s, 500ms or 2 minutes, got \"0.0.0.0\" (the unit \".0.0\" must consist of letters only)", Assert.Throws<HoconException>(() => Root.GetDuration("server.host")).Message);
        Assert.Equal("server.enabled at test.conf:6: expected a size in bytes such as 64KiB, 1MiB or 1000000, got true", Assert.Throws<HoconException>(() => Root.GetBytes("server.enabled")).Message);
        Assert.Equal("server.nothing at test.conf:12: expected a string, got null", Assert.Throws<HoconException>(() => Root.GetString("server.nothing")).Message);
        Assert.Equal("server.port at test.conf:2: expected a list of strings, got 8080", Assert.Throws<HoconException>(() => Root.GetStringList("server.port")).Message);
        Assert.Equal("server.port at test.conf:2: expected an object, got 8080", Assert.Throws<HoconException>(() => Root.GetObject("server.port")).Message);
        Assert.Equal("x[1] at test.conf:1: expected a string, got an array", Assert.Throws<HoconException>(() => Parse("x : [a, [b]]").GetStringList("x")).Message);
    }

    [Fact]
    public void Numerically_indexed_objects_read_as_lists()
    {
        var root = Parse("foo.2 = c\nfoo.0 = a\nfoo.x = ignored\nbar { y = 1 }");
        Assert.Equal(["a", "c"], root.GetStringList("foo"));
        Assert.Equal("bar at test.conf:4: expected a list of strings, got an object", Assert.Throws<HoconException>(() => root.GetStringList("bar")).Message);
    }

    [Fact]
    public void An_invalid_path_argument_is_an_argument_error()
        => Assert.Throws<ArgumentException>(() => Root.GetInt("server..port"));
}
