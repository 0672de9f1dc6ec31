using ActorWs.Hosting.Configuration;
using ActorWs.Hosting.Configuration.Hocon;
using ActorWs.Hosting.Settings;
using Microsoft.Extensions.Configuration;

namespace ActorWs.Hosting.Tests.Settings;

/// <summary>
/// The few <c>akka.*</c> settings ActorWs sets itself are checked as strictly as <c>server.*</c>: a bad value stops the
/// start with the key, the file and the line, which Akka.NET's own HOCON parser does not say.
/// </summary>
public sealed class AkkaSettingsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorws-akka-settings-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string WriteConfig(string hocon)
    {
        string path = Path.Combine(_dir, "app.conf");
        File.WriteAllText(path, hocon);
        return path;
    }

    private static IReadOnlyList<string> Errors(string file)
    {
        var configuration = new ConfigurationBuilder().AddHoconFile(file).Build();
        var ex = Record.Exception(() => AkkaSettings.Read(configuration));
        return Assert.IsType<ConfigurationValidationException>(ex).Errors;
    }

    [Fact]
    public void BadValues_OfTheAkkaSettingsActorWsChecks_AreEachReported_WithTheirKeyFileAndLine()
    {
        string file = WriteConfig("""
            akka {
              loglevel = LOUD
              stdout-loglevel = chatty
              actor.provider = nowhere
              scheduler.tick-duration = 1ms
              coordinated-shutdown.phases.service-requests-done.timeout = never
            }
            """);
        var errors = Errors(file);
        Assert.Equal(5, errors.Count);
        Assert.Contains(errors, e => e.StartsWith($"akka.loglevel at {file}:2: expected one of OFF, ERROR, WARNING, INFO, DEBUG", StringComparison.Ordinal) && e.Contains("LOUD", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith($"akka.stdout-loglevel at {file}:3: expected one of OFF, ERROR, WARNING, INFO, DEBUG", StringComparison.Ordinal) && e.Contains("chatty", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith($"akka.actor.provider at {file}:4: expected local, remote, cluster", StringComparison.Ordinal) && e.Contains("nowhere", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith($"akka.scheduler.tick-duration at {file}:5: expected a duration", StringComparison.Ordinal) && e.Contains("1ms", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith($"akka.coordinated-shutdown.phases.service-requests-done.timeout at {file}:6: expected a duration", StringComparison.Ordinal) && e.Contains("never", StringComparison.Ordinal));
    }

    [Fact]
    public void GoodValues_PassAndReachTheActorSystemsConfig()
    {
        string file = WriteConfig("""
            akka {
              loglevel = warning
              actor.provider = local
              scheduler.tick-duration = 20ms
              actor.default-dispatcher.throughput = 9
            }
            """);
        var config = AkkaSettings.Read(new ConfigurationBuilder().AddHoconFile(file).Build());
        Assert.Equal(TimeSpan.FromMilliseconds(20), config.GetTimeSpan("akka.scheduler.tick-duration"));
        Assert.Equal(9, config.GetInt("akka.actor.default-dispatcher.throughput"));
        Assert.Equal(Akka.Event.LogLevel.WarningLevel, AkkaSettings.LogLevel(new ConfigurationBuilder().AddHoconFile(file).Build()));
    }

    [Fact]
    public void AnAkkaSectionMissingItsClosingBrace_StopsTheRead_WithFileAndLine()
    {
        const string text = "server.port = 0\nakka {\n  loglevel = INFO\n";
        string file = WriteConfig(text);
        var ex = Assert.IsType<HoconException>(Record.Exception(() => new ConfigurationBuilder().AddHoconFile(file).Build()));
        Assert.Contains($"{file}:2", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'{' is not closed with '}'", ex.Message, StringComparison.Ordinal);
    }
}
