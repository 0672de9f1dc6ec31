using ActorWs.Hosting.Configuration;
using ActorWs.Hosting.Configuration.Hocon;
using ActorWs.Hosting.Hosting;
using Microsoft.Extensions.Configuration;

namespace ActorWs.Hosting.Tests.Hosting;

/// <summary>The executable's configuration: which file it reads, and what it accepts on the command line.</summary>
public sealed class ActorWsConfigurationTests
{
    private const string WorkingDirectory = "/srv/actorws";
    private const string KnownSwitches = "known switches: --port, --host, --config, --cluster-host, --cluster-port, --cluster-seed (repeatable), and --<setting>=<value> for any setting, such as --server:port=9000";

    private static HoconReaderOptions Files(params (string Path, string Text)[] files)
    {
        var fileSystem = new HoconInMemoryFileSystem(WorkingDirectory);
        foreach (var (path, text) in files) fileSystem.Add(path, text);
        return new HoconReaderOptions { FileSystem = fileSystem, EnvironmentLookup = _ => null };
    }

    private static IConfigurationRoot Configure(string[] args, HoconReaderOptions files) =>
        (IConfigurationRoot)new ConfigurationBuilder().AddActorWsConfiguration(args, files).Build();

    private static IReadOnlyList<string> ValidationErrors(string[] args, string hocon = "")
    {
        var configuration = Configure(args, Files(("hocon.conf", hocon)));
        var ex = Record.Exception(() => ActorWsConfiguration.Validate(configuration, args));
        return ex is ConfigurationValidationException invalid ? invalid.Errors : ex is null ? [] : throw ex;
    }

    [Fact]
    public void WithoutAFile_TheBuiltInDefaultsAreUsed_AndTheFileLookedForIsNamed()
    {
        var files = ActorWsConfiguration.GetConfigurationFiles(Configure([], Files()));
        Assert.True(files.UsesBuiltInDefaults);
        Assert.Empty(files.Read);
        Assert.Equal(["/srv/actorws/hocon.conf"], files.NotFound);
        Assert.Equal("built-in defaults (/srv/actorws/hocon.conf not found)", files.ToString());
    }

    [Fact]
    public void HoconConf_InTheCurrentDirectory_IsRead_ByItsAbsolutePath()
    {
        var files = ActorWsConfiguration.GetConfigurationFiles(Configure(["--port", "9000"], Files(("hocon.conf", "server.port = 8000"))));
        Assert.False(files.UsesBuiltInDefaults);
        Assert.Equal(["/srv/actorws/hocon.conf"], files.Read);
        Assert.Empty(files.NotFound);
        Assert.Equal("/srv/actorws/hocon.conf", files.ToString());
    }

    [Fact]
    public void TheConfigSwitch_WinsOverHoconConf_AndItsIncludesAreListedAfterIt()
    {
        var reader = Files(
            ("hocon.conf", "server.port = 8000"),
            ("conf/production.conf", "include \"common.conf\"\nserver.port = 443"),
            ("conf/common.conf", "server.host = \"*\""));
        var configuration = Configure(["--config", "conf/production.conf"], reader);
        var files = ActorWsConfiguration.GetConfigurationFiles(configuration);
        Assert.Equal(["/srv/actorws/conf/production.conf", "/srv/actorws/conf/common.conf"], files.Read);
        Assert.Empty(files.NotFound);
        Assert.Equal("/srv/actorws/conf/production.conf, /srv/actorws/conf/common.conf", files.ToString());
        Assert.Equal("443", configuration["server:port"]);

        var withEquals = ActorWsConfiguration.GetConfigurationFiles(Configure(["--config=/srv/actorws/conf/common.conf"], reader));
        Assert.Equal(["/srv/actorws/conf/common.conf"], withEquals.Read);
    }

    [Fact]
    public void AConfigSwitch_NamingNoFile_StopsTheStart()
    {
        var ex = Assert.Throws<FileNotFoundException>(() => Configure(["--config", "missing.conf"], Files(("hocon.conf", ""))));
        Assert.Equal("configuration file missing.conf (given with --config) does not exist", ex.Message);
    }

    [Fact]
    public void AnUnknownSwitch_IsReported_WithTheNearestSwitch_AndTheKnownOnes()
    {
        Assert.Equal([$"command-line argument --prot 9000: unknown switch; did you mean --port 9000? ({KnownSwitches})"], ValidationErrors(["--prot", "9000"]));
        Assert.Equal([$"command-line argument --hots=0.0.0.0: unknown switch; did you mean --host=0.0.0.0? ({KnownSwitches})"], ValidationErrors(["--hots=0.0.0.0"]));
        Assert.Equal([$"command-line argument --verbose yes: unknown switch ({KnownSwitches})"], ValidationErrors(["--verbose", "yes"]));
    }

    [Fact]
    public void ASettingWrittenLikeASwitch_IsReported_WithTheSettingsSwitch()
    {
        Assert.Equal(
            [$"command-line argument --server.port=9000: unknown switch; did you mean --server:port=9000? ({KnownSwitches})"],
            ValidationErrors(["--server.port=9000"]));
        Assert.Equal(
            [$"command-line argument --ping-interval 10s: unknown switch; did you mean --server:websocket:ping-interval 10s? ({KnownSwitches})"],
            ValidationErrors(["--ping-interval", "10s"]));
    }

    [Fact]
    public void AStrayArgument_AndASwitchWithoutItsValue_AreReported()
    {
        Assert.Equal(
            [
                $"command-line argument 9000: neither a switch nor the value of one ({KnownSwitches})",
                $"command-line argument --port: no value follows it ({KnownSwitches})",
            ],
            ValidationErrors(["9000", "--port"]));
    }

    [Fact]
    public void KnownSwitches_SettingPaths_AndOtherSections_Pass()
    {
        Assert.Empty(ValidationErrors(["--port", "0", "--host=127.0.0.1", "--server:websocket:ping-interval=10s", "--logging:level", "debug", "--akka:loglevel=INFO", "/server:backlog", "10"]));
    }

    [Fact]
    public void SwitchesSettingsAndValues_AreAllReportedTogether()
    {
        var errors = ValidationErrors(
            ["--prot", "9000", "--server:websocket:ping-interval=often", "--logging:levle=debug"],
            "server {\n  http.kepe-alive = false\n}\n");
        Assert.Equal(
            [
                $"command-line argument --prot 9000: unknown switch; did you mean --port 9000? ({KnownSwitches})",
                "server.websocket.ping-interval at command-line argument --server:websocket:ping-interval=often: expected a duration such as 10s, 500ms or 2 minutes between 0d and 1h, got \"often\"",
                "server.http.kepe-alive at hocon.conf:2: unknown setting; did you mean server.http.keep-alive?",
                "logging.levle at command-line argument --logging:levle=debug: unknown setting; did you mean logging.level?",
            ],
            errors);
    }

    [Fact]
    public void AMappedSwitch_IsNamedWhenItsValueIsBad()
    {
        var configuration = Configure(["--port", "80a"], Files());
        var ex = Assert.Throws<ConfigurationValidationException>(() => ActorWsConfiguration.Validate(configuration, ["--port", "80a"]));
        Assert.Equal(["server.port at command-line argument --port 80a: expected an integer 0–65535, got \"80a\""], ex.Errors);
    }
}
