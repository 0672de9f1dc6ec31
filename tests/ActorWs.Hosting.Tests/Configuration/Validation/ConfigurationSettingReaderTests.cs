using ActorWs.Hosting.Configuration;
using ActorWs.Hosting.Configuration.Hocon;
using Microsoft.Extensions.Configuration;

namespace ActorWs.Hosting.Tests.Configuration.Validation;

/// <summary>Validation messages name the setting, where its value came from, what was expected and what was found.</summary>
public sealed class ConfigurationSettingReaderTests
{
    private static IConfigurationRoot Configuration(string hocon, params string[] args)
        => new ConfigurationBuilder()
            .AddHocon(hocon, "hocon.conf", new HoconReaderOptions { EnvironmentLookup = _ => null })
            .AddCommandLine(args)
            .Build();

    [Fact]
    public void A_bad_integer_names_file_line_key_range_and_value()
    {
        var hocon = string.Concat(Enumerable.Repeat("# comment\n", 10)) + "server {\n  port = 80a\n}";
        var reader = new ConfigurationSettingReader(Configuration(hocon), "server");
        Assert.Equal(8080, reader.GetInt("port", 1, 65535, 8080));
        Assert.Equal(["server.port at hocon.conf:12: expected an integer 1–65535, got \"80a\""], reader.Errors);
    }

    [Theory]
    [InlineData("port = 0", "server.port at hocon.conf:1: expected an integer 1–65535, got \"0\"")]
    [InlineData("port = 70000", "server.port at hocon.conf:1: expected an integer 1–65535, got \"70000\"")]
    [InlineData("port = 80.5", "server.port at hocon.conf:1: expected an integer 1–65535, got \"80.5\"")]
    [InlineData("port = { a : 1 }", "server.port at hocon.conf:1: expected an integer 1–65535, got an object")]
    [InlineData("port = [1]", "server.port at hocon.conf:1: expected an integer 1–65535, got an array")]
    [InlineData("port = null", "server.port at hocon.conf:1: expected an integer 1–65535, got null")]
    public void Integer_failures(string setting, string message)
    {
        var reader = new ConfigurationSettingReader(Configuration("server { " + setting + " }"), "server");
        reader.GetInt("port", 1, 65535, 8080);
        Assert.Equal([message], reader.Errors);
    }

    [Fact]
    public void Values_of_every_type_read_and_missing_ones_take_the_default()
    {
        var reader = new ConfigurationSettingReader(Configuration(
            "server { port : 443, tls : on, idle-timeout : 2 minutes, max-frame : 64KiB, hosts : [a, b, c], name : edge }"), "server");
        Assert.Equal(443, reader.GetInt("port", 1, 65535, 1));
        Assert.True(reader.GetBool("tls", false));
        Assert.Equal(TimeSpan.FromMinutes(2), reader.GetDuration("idle-timeout", TimeSpan.Zero, TimeSpan.FromHours(1), TimeSpan.FromSeconds(1)));
        Assert.Equal(65536, reader.GetBytes("max-frame", 1, long.MaxValue, 1));
        Assert.Equal(["a", "b", "c"], reader.GetStringList("hosts", []));
        Assert.Equal("edge", reader.GetString("name"));
        Assert.Equal(7, reader.GetLong("absent", 0, 10, 7));
        Assert.Equal(["x"], reader.GetStringList("absent-list", ["x"]));
        Assert.True(reader.IsValid);
        reader.ThrowIfInvalid();
    }

    [Fact]
    public void Duration_size_boolean_and_list_failures_say_what_was_expected()
    {
        var reader = new ConfigurationSettingReader(Configuration(
            "idle = 10 parsecs\nshort = 10ms\nframe = 64 KB\nhuge = 2GiB\nflag = maybe\nlist = text"));
        reader.GetDuration("idle", TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(30));
        reader.GetDuration("short", TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(30));
        reader.GetBytes("frame", 0, long.MaxValue, 1);
        reader.GetBytes("huge", 1024, 16 * 1024 * 1024, 1);
        reader.GetBool("flag", false);
        reader.GetStringList("list", []);
        Assert.Equal(
            [
                "idle at hocon.conf:1: expected a duration such as 10s, 500ms or 2 minutes between 1s and 10m, got \"10 parsecs\"",
                "short at hocon.conf:2: expected a duration such as 10s, 500ms or 2 minutes between 1s and 10m, got \"10ms\"",
                "frame at hocon.conf:3: expected a size in bytes such as 64KiB, 1MiB or 1000000, got \"64 KB\"",
                "huge at hocon.conf:4: expected a size in bytes such as 64KiB, 1MiB or 1000000 between 1KiB and 16MiB, got \"2GiB\"",
                "flag at hocon.conf:5: expected a boolean (true/false, yes/no or on/off), got \"maybe\"",
                "list at hocon.conf:6: expected a list of strings, got \"text\"",
            ],
            reader.Errors);
        var error = Assert.Throws<ConfigurationValidationException>(reader.ThrowIfInvalid);
        Assert.Equal(6, error.Errors.Count);
        Assert.Equal(string.Join('\n', reader.Errors), error.Message);
    }

    [Fact]
    public void An_overriding_value_is_blamed_on_where_it_came_from()
    {
        var reader = new ConfigurationSettingReader(Configuration("server.port = 8080", "--server:port", "eighty"), "server");
        reader.GetInt("port", 1, 65535, 8080);
        Assert.Equal(["server.port at command line: expected an integer 1–65535, got \"eighty\""], reader.Errors);
    }

    [Fact]
    public void Custom_checks_use_the_same_format()
    {
        var reader = new ConfigurationSettingReader(Configuration("\ntls.certificate = \"missing.pem\""), "tls");
        reader.Fail("certificate", "an existing certificate file");
        Assert.Equal("tls.certificate at hocon.conf:2", reader.Describe("certificate"));
        Assert.Equal(["tls.certificate at hocon.conf:2: expected an existing certificate file, got \"missing.pem\""], reader.Errors);
    }

    [Fact]
    public void Dotted_and_colon_keys_are_the_same_setting()
    {
        var reader = new ConfigurationSettingReader(Configuration("a.b.c = 5"), "a");
        Assert.Equal(5, reader.GetInt("b.c", 0, 10, 0));
        Assert.Equal(5, reader.GetInt("b:c", 0, 10, 0));
    }

    [Fact]
    public void The_reader_remembers_the_settings_it_read_and_reports_the_other_keys()
    {
        var reader = new ConfigurationSettingReader(Configuration("app { name = edge, nmae = typo, hosts = [a, b], levels { \"My.Ns\" = 1 }, extra { deep = 1 } }"), "app");
        reader.GetString("name");
        reader.GetStringList("hosts", []);
        Assert.Single(reader.GetFreeFormChildren("levels"));
        reader.GetInt("absent", 0, 10, 0);
        Assert.Equal(["app.name", "app.hosts", "app.levels", "app.absent"], reader.SettingsRead);
        Assert.True(reader.IsValid);

        reader.ReportUnknownSettings();
        Assert.Equal(
            [
                "app.extra.deep at hocon.conf:1: unknown setting",
                "app.nmae at hocon.conf:1: unknown setting; did you mean app.name?",
            ],
            reader.Errors);
    }

    [Fact]
    public void A_value_where_free_form_names_belong_is_an_error()
    {
        var reader = new ConfigurationSettingReader(Configuration("levels = debug"), "");
        Assert.Empty(reader.GetFreeFormChildren("levels"));
        Assert.Equal(["levels at hocon.conf:1: expected an object holding settings (a section), got \"debug\""], reader.Errors);
    }

    [Theory]
    [InlineData("port", "port", 0)]
    [InlineData("prot", "port", 1)]
    [InlineData("kepe-alive", "keep-alive", 1)]
    [InlineData("PORT", "port", 0)]
    [InlineData("hst", "host", 1)]
    [InlineData("foo", "host", 3)]
    [InlineData("", "abc", 3)]
    public void Names_are_compared_by_edits_with_neighbour_swaps_counting_one(string a, string b, int distance)
    {
        Assert.Equal(distance, NearestSettingName.Distance(a, b));
        Assert.Equal(distance, NearestSettingName.Distance(b, a));
    }

    [Theory]
    [InlineData("prot", "port")]
    [InlineData("htp.keep-alive", "http.keep-alive")]
    [InlineData("keep-alive", "http.keep-alive")]
    [InlineData("enabled", null)] // two settings end in "enabled": no guess
    [InlineData("frobnicate", null)]
    [InlineData("pt", null)]
    public void Only_close_names_are_suggested(string typed, string? expected)
    {
        string[] known = ["host", "port", "http.keep-alive", "console.enabled", "file.enabled"];
        Assert.Equal(expected, NearestSettingName.Find(typed, known));
    }
}
