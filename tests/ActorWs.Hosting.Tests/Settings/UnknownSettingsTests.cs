using System.Collections;
using ActorWs.Hosting.Configuration;
using ActorWs.Hosting.Configuration.Hocon;
using ActorWs.Hosting.Hosting;
using ActorWs.Hosting.Settings;
using Microsoft.Extensions.Configuration;
using Serilog.Events;

namespace ActorWs.Hosting.Tests.Settings;

/// <summary>
/// A key under <c>server</c> or <c>logging</c> that no reader reads is an error naming where it came from and, when one
/// is close, the setting it probably meant; nothing outside those sections is checked.
/// </summary>
public sealed class UnknownSettingsTests
{
    private static IConfigurationRoot Build(string hocon, IDictionary? environment = null, params string[] args) =>
        new ConfigurationBuilder()
            .AddHocon(hocon, "test.conf", new HoconReaderOptions { EnvironmentLookup = _ => null })
            .Add(new SettingsEnvironmentVariablesSource(ActorWsConfiguration.EnvironmentPrefix, () => environment ?? new Hashtable()))
            .Add(new SettingsCommandLineSource(args, new Dictionary<string, string>(ActorWsConfiguration.SwitchMappings)))
            .Build();

    private static IReadOnlyList<string> ServerErrors(IConfigurationRoot configuration) =>
        Assert.Throws<ConfigurationValidationException>(() => ServerSettings.Read(configuration)).Errors;

    [Fact]
    public void AMistypedSetting_OnTheCommandLine_IsReported_WithItsArgument_AndTheNearestSetting()
    {
        var errors = ServerErrors(Build("", null, "--server:prot=9000"));
        Assert.Equal(["server.prot at command-line argument --server:prot=9000: unknown setting; did you mean server.port?"], errors);
    }

    [Fact]
    public void AMistypedSetting_InTheEnvironment_IsReported_WithItsVariable_AndTheNearestSetting()
    {
        var errors = ServerErrors(Build("", new Hashtable { ["ACTORWS__SERVER__PROT"] = "9000" }));
        Assert.Equal(["server.prot at environment variable ACTORWS__SERVER__PROT: unknown setting; did you mean server.port?"], errors);
    }

    [Fact]
    public void AMistypedSetting_InHocon_IsReported_WithFileAndLine_AndTheNearestSetting()
    {
        var errors = ServerErrors(Build("""
            server {
              http {
                kepe-alive = false
              }
            }
            """));
        Assert.Equal(["server.http.kepe-alive at test.conf:3: unknown setting; did you mean server.http.keep-alive?"], errors);
    }

    [Fact]
    public void ANameFarFromEverySetting_GetsNoSuggestion()
    {
        Assert.Equal(["server.frobnicate at test.conf:1: unknown setting"], ServerErrors(Build("server.frobnicate = 1")));
    }

    [Fact]
    public void ASettingInTheWrongSection_IsFoundByItsLastName()
    {
        Assert.Equal(
            ["server.ping-interval at test.conf:1: unknown setting; did you mean server.websocket.ping-interval?"],
            ServerErrors(Build("server.ping-interval = 10s")));
    }

    [Fact]
    public void AMistypedSection_IsReported_ForEachKeyInIt()
    {
        var errors = ServerErrors(Build("server.htp { keep-alive = false, status-page = false }"));
        Assert.Equal(
            [
                "server.htp.keep-alive at test.conf:1: unknown setting; did you mean server.http.keep-alive?",
                "server.htp.status-page at test.conf:1: unknown setting; did you mean server.http.status-page?",
            ],
            errors);
    }

    [Fact]
    public void UnknownKeys_AndBadValues_AreReportedTogether()
    {
        var errors = ServerErrors(Build("server {\n  port = \"80a\"\n  prot = 9000\n}", new Hashtable { ["ACTORWS__SERVER__HOTS"] = "0.0.0.0" }));
        Assert.Equal(
            [
                "server.port at test.conf:2: expected an integer 0–65535, got \"80a\"",
                "server.hots at environment variable ACTORWS__SERVER__HOTS: unknown setting; did you mean server.host?",
                "server.prot at test.conf:3: unknown setting; did you mean server.port?",
            ],
            errors);
    }

    [Fact]
    public void AValueWhereASectionOfSettingsBelongs_IsReported()
    {
        Assert.Equal(
            ["server.http at test.conf:1: expected an object holding settings (a section), got \"5\""],
            ServerErrors(Build("server.http = 5")));
    }

    [Fact]
    public void EmptySections_Lists_AndKeysInAnotherCase_AreAccepted()
    {
        var options = ServerSettings.Read(Build("""
            server {
              Port = 9000
              http {}
              tls {}
              websocket.allowed-origins = ["https://a.example", "https://b.example"]
            }
            """));
        Assert.Equal(9000, options.Port);
        Assert.Equal(["https://a.example", "https://b.example"], options.WebSocket.AllowedOrigins);
    }

    [Fact]
    public void LoggingOverrides_TakeAnyNamespace_WhileOtherLoggingKeysAreChecked()
    {
        var configuration = Build("""
            logging {
              overrides { "My.Company.Orders" = debug, "Npgsql" = error }
            }
            """, new Hashtable { ["ACTORWS__LOGGING__OVERRIDES__SYSTEM"] = "warning" });
        var options = LoggingSettings.Read(configuration);
        Assert.Equal(LogEventLevel.Debug, options.Overrides["My.Company.Orders"]);
        Assert.Equal(LogEventLevel.Error, options.Overrides["Npgsql"]);
        Assert.Equal(LogEventLevel.Warning, options.Overrides["system"]);

        var mistyped = Assert.Throws<ConfigurationValidationException>(() => LoggingSettings.Read(Build("""
            logging {
              levle = debug
              overides { "My.Company.Orders" = debug }
              file.pth = "x.log"
            }
            """)));
        Assert.Equal(
            [
                "logging.file.pth at test.conf:4: unknown setting; did you mean logging.file.path?",
                "logging.levle at test.conf:2: unknown setting; did you mean logging.level?",
                "logging.overides.My.Company.Orders at test.conf:3: unknown setting; did you mean logging.overrides.My.Company.Orders?",
            ],
            mistyped.Errors);
    }

    [Fact]
    public void TheLogFilePath_IsASetting_AlsoWhileTheFileIsOff()
    {
        var options = LoggingSettings.Read(Build("logging.file { enabled = false, path = \"logs/other.log\" }"));
        Assert.Null(options.FilePath);
    }

    [Fact]
    public void OtherSections_AreNotChecked()
    {
        var configuration = Build("""
            akka { loglevel = DEBUG, actor.provider = cluster }
            arena { tick-rate = 30 }
            server.port = 9000
            """, null, "--akka:stdout-loglevel=INFO");
        Assert.Equal(9000, ServerSettings.Read(configuration).Port);
        LoggingSettings.Read(configuration);
    }

    [Fact]
    public void TheSettingNames_ComeFromTheReaders()
    {
        Assert.Contains("server.port", ServerSettings.SettingNames);
        Assert.Contains("server.http.metrics", ServerSettings.SettingNames);
        Assert.Contains("server.websocket.compression.context-takeover", ServerSettings.SettingNames);
        Assert.Contains("logging.overrides", LoggingSettings.SettingNames);
        Assert.Contains("logging.file.path", LoggingSettings.SettingNames);
        Assert.All(ServerSettings.SettingNames, name => Assert.StartsWith("server.", name, StringComparison.Ordinal));
        Assert.All(LoggingSettings.SettingNames, name => Assert.StartsWith("logging.", name, StringComparison.Ordinal));
    }
}
