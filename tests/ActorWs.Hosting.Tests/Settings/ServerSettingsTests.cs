using ActorWs.Hosting.Configuration;
using ActorWs.Hosting.Settings;
using ActorWs.Server.Options;
using Microsoft.Extensions.Configuration;

namespace ActorWs.Hosting.Tests.Settings;

public sealed class ServerSettingsTests
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
}
