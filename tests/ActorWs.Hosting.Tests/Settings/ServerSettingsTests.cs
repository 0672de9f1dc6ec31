using System.Text.RegularExpressions;
using ActorWs.Hosting.Configuration;
using ActorWs.Hosting.Settings;
using ActorWs.Server.Options;
using Microsoft.Extensions.Configuration;

namespace ActorWs.Hosting.Tests.Settings;

public sealed partial class ServerSettingsTests
{
    /// <summary>The repository's hocon.conf, found by walking up from the test binaries.</summary>
    internal static string RepoHoconConf()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "hocon.conf");
            if (File.Exists(candidate) && File.Exists(Path.Combine(dir.FullName, "ActorWs.sln"))) return candidate;
        }
        throw new FileNotFoundException("hocon.conf not found above " + AppContext.BaseDirectory);
    }

    private static IConfigurationRoot FromText(string hocon) =>
        new ConfigurationBuilder().AddHocon(hocon, "test.conf").Build();

    [Fact]
    public void TheShippedHoconConf_StatesExactlyTheBuiltInDefaults()
    {
        var fromFile = ServerSettings.Read(new ConfigurationBuilder().AddHoconFile(RepoHoconConf(), optional: false).Build());
        var builtIn = new ServerOptions();
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(builtIn), System.Text.Json.JsonSerializer.Serialize(fromFile));
    }

    [Fact]
    public void EveryKeyInHoconConf_IsReadByServerSettings()
    {
        // A key in the file that the reader ignores would be a setting that silently does nothing.
        var config = new ConfigurationBuilder().AddHoconFile(RepoHoconConf(), optional: false).Build();
        var keys = config.GetSection("server").AsEnumerable(makePathsRelative: true)
            .Where(kv => kv.Value is not null)
            .Select(kv => kv.Key.Split(':')[0] == "websocket" && kv.Key.StartsWith("websocket:allowed-origins", StringComparison.Ordinal) ? "websocket:allowed-origins" : kv.Key)
            .Distinct()
            .ToList();
        foreach (var key in keys)
        {
            var broken = FromText($"server {{ {key.Replace(':', '.')} = \"not-a-valid-value-%\" }}");
            var ex = Record.Exception(() => ServerSettings.Read(broken));
            // Free text: any value is a valid host name, key path or password (the key is checked with the certificate).
            bool acceptsAnyText = key is "host" or "tls:key" or "tls:password";
            if (acceptsAnyText) continue;
            Assert.True(ex is ConfigurationValidationException, $"server.{key.Replace(':', '.')} is in hocon.conf but a bad value was not rejected");
        }
        Assert.True(keys.Count >= 25, $"only {keys.Count} keys found");
    }

    [Fact]
    public void TheReaders_HoconConf_AndTheReadmeTable_NameTheSameSettings()
    {
        // The readers' own list: a setting they read is in it, and a key they do not read is an unknown setting.
        var known = ServerSettings.SettingNames.Concat(LoggingSettings.SettingNames).ToHashSet(StringComparer.Ordinal);
        var inHoconConf = SettingsInHoconConf(known);
        var inReadmeTable = SettingsInReadmeTable();
        var inReadme = inReadmeTable.Where(name => !name.StartsWith(AkkaGroup, StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
        Assert.True(known.Count >= 40, $"only {known.Count} settings known");

        // The akka row lists the akka.* settings ActorWs checks itself (the rest of the section is Akka.NET's): each is.
        var akkaChecked = inReadmeTable.Except(inReadme).Select(name => name[AkkaGroup.Length..]).ToList();
        Assert.NotEmpty(akkaChecked);
        foreach (var setting in akkaChecked)
        {
            var ex = Record.Exception(() => AkkaSettings.Read(FromText($"akka {{ {setting} = \"not-a-valid-value-%\" }}")));
            Assert.True(ex is ConfigurationValidationException, $"README's table says akka.{setting} is checked, but a bad value was not rejected");
        }

        Assert.Empty(known.Except(inHoconConf).Order()); // a setting hocon.conf does not show
        Assert.Empty(inHoconConf.Except(known).Order()); // a key in hocon.conf that nothing reads
        Assert.Empty(known.Except(inReadme).Order());    // a setting README's table does not list
        Assert.Empty(inReadme.Except(known).Order());    // a setting README's table documents that does not exist

        // And the shipped file passes the readers' own check for unknown keys.
        var shipped = new ConfigurationBuilder().AddHoconFile(RepoHoconConf()).Build();
        ServerSettings.Read(shipped);
        LoggingSettings.Read(shipped);
    }

    /// <summary>The settings hocon.conf states: each key of its server and logging sections, or the free-form section it is in.</summary>
    private static HashSet<string> SettingsInHoconConf(IReadOnlySet<string> known)
    {
        var config = new ConfigurationBuilder().AddHoconFile(RepoHoconConf()).Build();
        var keys = config.GetSection(ServerSettings.Section).AsEnumerable().Concat(config.GetSection(LoggingSettings.Section).AsEnumerable())
            .Select(kv => kv.Key)
            .ToList();
        var settings = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            if (keys.Any(other => other.StartsWith(key + ":", StringComparison.Ordinal))) continue; // a section
            string name = key.Replace(':', '.');
            settings.Add(known.FirstOrDefault(setting => name == setting || name.StartsWith(setting + ".", StringComparison.Ordinal)) ?? name);
        }
        return settings;
    }

    /// <summary>
    /// The settings README.md's configuration table lists: per row, a group (<c>server.http</c>) and its settings in
    /// backticks, with remarks in parentheses; <c>console { enabled, format = text/json }</c> stands for
    /// <c>console.enabled</c> and <c>console.format</c>, and <c>overrides { "Namespace" = level }</c> for the free-form
    /// <c>overrides</c>; the <c>akka</c> row's settings (<c>akka.actor.provider</c>) are the ones ActorWs checks in Akka.NET's section.
    /// </summary>
    private static HashSet<string> SettingsInReadmeTable()
    {
        var lines = File.ReadAllLines(Path.Combine(Path.GetDirectoryName(RepoHoconConf())!, "README.md"));
        int header = Array.FindIndex(lines, line => line.StartsWith("| group | settings |", StringComparison.Ordinal));
        Assert.True(header >= 0, "README.md has no settings table");
        var settings = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in lines.Skip(header + 2).TakeWhile(line => line.StartsWith('|')))
        {
            var cells = row.Split('|');
            string group = BacktickedText().Match(cells[1]).Groups[1].Value;
            string listed = cells[2];
            for (string previous = ""; previous != listed;) (previous, listed) = (listed, Parenthesised().Replace(listed, ""));
            foreach (Match item in BacktickedText().Matches(listed))
            {
                var setting = ReadmeSetting().Match(item.Groups[1].Value);
                Assert.True(setting.Success, $"cannot read `{item.Groups[1].Value}` in README's row for {group}");
                string name = $"{group}.{setting.Groups["name"].Value}";
                if (!setting.Groups["children"].Success || setting.Groups["children"].Value.TrimStart().StartsWith('"'))
                {
                    settings.Add(name);
                    continue;
                }
                foreach (var child in setting.Groups["children"].Value.Split(','))
                    settings.Add($"{name}.{child.Split('=')[0].Trim()}");
            }
        }
        return settings;
    }

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex BacktickedText();

    [GeneratedRegex(@"\([^()]*\)")]
    private static partial Regex Parenthesised();

    private const string AkkaGroup = "akka.";

    [GeneratedRegex(@"^(?<name>[a-z0-9-]+(\.[a-z0-9-]+)*)(\s*\{(?<children>[^}]*)\})?$")]
    private static partial Regex ReadmeSetting();

    [Fact]
    public void Values_AreRead_WithUnits()
    {
        var options = ServerSettings.Read(FromText("""
            server {
              port = 9000
              transport = sockets
              websocket { ping-interval = 2 minutes, max-message-size = 64KiB, slow-consumer-policy = drop, allowed-origins = ["https://a.example"] }
              http.keep-alive = false
            }
            """));
        Assert.Equal(9000, options.Port);
        Assert.Equal(TransportKind.Sockets, options.Transport);
        Assert.Equal(TimeSpan.FromMinutes(2), options.WebSocket.PingInterval);
        Assert.Equal(64 * 1024, options.WebSocket.MaxMessageSize);
        Assert.Equal(SlowConsumerPolicy.Drop, options.WebSocket.SlowConsumerPolicy);
        Assert.Equal(["https://a.example"], options.WebSocket.AllowedOrigins);
        Assert.False(options.Http.KeepAlive);
    }

    [Fact]
    public void ClusterRoomShards_IsRead_DefaultsTo100_AndZeroIsRefused()
    {
        Assert.Equal(100, ServerSettings.Read(FromText("server.port = 1")).Cluster.RoomShards);
        Assert.Equal(30, ServerSettings.Read(FromText("server.cluster.room-shards = 30")).Cluster.RoomShards);
        var ex = Assert.Throws<ConfigurationValidationException>(() => ServerSettings.Read(FromText("server.cluster.room-shards = 0")));
        Assert.Contains("server.cluster.room-shards at test.conf:1: expected an integer 1–100000, got \"0\"", ex.Message);
    }

    [Fact]
    public void ResumeAttemptLimits_AreRead_ZeroTurnsTheLimitOff_AndABurstBelowOneIsRefused()
    {
        var options = ServerSettings.Read(FromText("server.websocket { resume-attempts-per-second = 0, resume-attempts-burst = 5 }"));
        Assert.Equal(0, options.WebSocket.ResumeAttemptsPerSecond);
        Assert.Equal(5, options.WebSocket.ResumeAttemptsBurst);

        var ex = Assert.Throws<ConfigurationValidationException>(() => ServerSettings.Read(FromText("server.websocket.resume-attempts-burst = 0")));
        Assert.Contains("server.websocket.resume-attempts-burst at test.conf:1: expected an integer 1–1000000, got \"0\"", ex.Message);
        Assert.Throws<ConfigurationValidationException>(() => ServerSettings.Read(FromText("server.websocket.resume-attempts-per-second = -1")));
    }

    [Fact]
    public void MemoryBudget_IsAutoOrZeroOrASize_AndTheInflationRatioIsANumber_ZeroForOff()
    {
        Assert.Equal(0, ServerSettings.Read(FromText("server.limits.memory-budget = auto")).Limits.MemoryBudget);
        Assert.Equal(0, ServerSettings.Read(FromText("server.limits.memory-budget = AUTO")).Limits.MemoryBudget);
        Assert.Equal(0, ServerSettings.Read(FromText("server.limits.memory-budget = 0")).Limits.MemoryBudget);
        Assert.Equal(256L * 1024 * 1024, ServerSettings.Read(FromText("server.limits.memory-budget = 256MiB")).Limits.MemoryBudget);
        Assert.Equal(2L * 1024 * 1024 * 1024, ServerSettings.Read(FromText("server.limits.memory-budget = 2GiB")).Limits.MemoryBudget);
        var tooSmall = Assert.Throws<ConfigurationValidationException>(() => ServerSettings.Read(FromText("server.limits.memory-budget = 100KiB")));
        Assert.Contains("server.limits.memory-budget", tooSmall.Message, StringComparison.Ordinal);
        Assert.Contains("auto, 0 (automatic) or a size between 1MiB and 1TiB", tooSmall.Message, StringComparison.Ordinal);
        Assert.Throws<ConfigurationValidationException>(() => ServerSettings.Read(FromText("server.limits.memory-budget = plenty")));

        Assert.Equal(0, ServerSettings.Read(FromText("server.limits.max-inflation-ratio = 0")).Limits.MaxInflationRatio);
        Assert.Equal(250, ServerSettings.Read(FromText("server.limits.max-inflation-ratio = 250")).Limits.MaxInflationRatio);
        Assert.Throws<ConfigurationValidationException>(() => ServerSettings.Read(FromText("server.limits.max-inflation-ratio = -1")));

        // auto: the smaller of 512 MiB and an eighth of the memory the process may use.
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        Assert.Equal(Math.Min(512L * 1024 * 1024, available / 8), ActorWs.Server.Buffers.MemoryBudget.Resolve(0));
        Assert.Equal(256L * 1024 * 1024, ActorWs.Server.Buffers.MemoryBudget.Resolve(256L * 1024 * 1024));
    }

    [Fact]
    public void BadValues_AreAllReported_WithFileAndLine()
    {
        var config = FromText("""
            server {
              port = "80a"
              transport = carrier-pigeon
              rooms { restart-backoff-min = 10s, restart-backoff-max = 1s }
            }
            """);
        var ex = Assert.Throws<ConfigurationValidationException>(() => ServerSettings.Read(config));
        Assert.Contains("server.port at test.conf:2: expected an integer 0–65535, got \"80a\"", ex.Message);
        Assert.Contains("server.transport at test.conf:3: expected one of auto, epoll, sockets, got \"carrier-pigeon\"", ex.Message);
        Assert.Contains("server.rooms.restart-backoff-max at test.conf:4", ex.Message);
    }

    [Fact]
    public void IoThreads_ZeroMeansOnePerProcessor_AndTheWatchdogThresholdIsADuration_ZeroForOff()
    {
        var auto = ServerSettings.Read(FromText("server { io-threads = 0, io-watchdog-threshold = 1s }"));
        Assert.Equal(Environment.ProcessorCount, auto.EffectiveIoThreads);
        Assert.Equal(TimeSpan.FromSeconds(1), auto.IoWatchdogThreshold);
        var fixedCount = ServerSettings.Read(FromText("server { io-threads = 3, io-watchdog-threshold = 0 }"));
        Assert.Equal(3, fixedCount.EffectiveIoThreads);
        Assert.Equal(TimeSpan.Zero, fixedCount.IoWatchdogThreshold);
        var ex = Assert.Throws<ConfigurationValidationException>(() => ServerSettings.Read(FromText("server {\n  io-threads = -1\n}")));
        Assert.Contains("server.io-threads at test.conf:2", ex.Message);
    }
}
