using System.Diagnostics;
using System.Text.Json;
using ActorWs.Hosting.Settings;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Events;

namespace ActorWs.Hosting.Tests.Settings;

/// <summary>
/// The logger <see cref="LoggingSettings.CreateLogger"/> builds: what a JSON line holds, and that levels and
/// per-namespace overrides apply, also when Microsoft's logging API goes through Serilog's logger factory.
/// </summary>
public sealed class LoggingSettingsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorws-log-").FullName;

    private string LogFile => Path.Combine(_dir, "actorws.log");

    private LoggingOptions JsonFileOnly(LogEventLevel level = LogEventLevel.Information) => new()
    {
        Level = level,
        Console = false,
        FilePath = LogFile,
        FileFormat = LogFormat.Json,
        FileRolling = LogRolling.Infinite,
    };

    private List<JsonElement> ReadJsonLines()
    {
        var lines = File.ReadAllLines(LogFile);
        Assert.All(lines, line => Assert.False(string.IsNullOrWhiteSpace(line)));
        return lines.Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();
    }

    private static string[] Names(JsonElement line) => line.EnumerateObject().Select(p => p.Name).ToArray();

    [Fact]
    public void AJsonLine_IsRenderedClef_WithTimestampMessageEventIdAndProperties_AndNoLevelForInformation()
    {
        var before = DateTimeOffset.UtcNow;
        using (var logger = LoggingSettings.CreateLogger(JsonFileOnly()))
        {
            logger.ForContext(Serilog.Core.Constants.SourceContextPropertyName, "ActorWs.Server")
                .Information("ActorWs listening on {EndPoint}, {Count} routes", "127.0.0.1:8080", 3);
        }

        var line = Assert.Single(ReadJsonLines());
        Assert.Equal(["@t", "@m", "@i", "EndPoint", "Count", "SourceContext"], Names(line));
        var timestamp = DateTimeOffset.Parse(line.GetProperty("@t").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(timestamp, before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.EndsWith("Z", line.GetProperty("@t").GetString(), StringComparison.Ordinal);
        Assert.Equal("ActorWs listening on \"127.0.0.1:8080\", 3 routes", line.GetProperty("@m").GetString());
        Assert.Matches("^[0-9a-f]{8}$", line.GetProperty("@i").GetString()!);
        Assert.Equal("127.0.0.1:8080", line.GetProperty("EndPoint").GetString());
        Assert.Equal(3, line.GetProperty("Count").GetInt32());
        Assert.Equal("ActorWs.Server", line.GetProperty("SourceContext").GetString());
    }

    [Fact]
    public void AJsonLine_NamesOtherLevels_CarriesTheException_AndGivesOneTemplateOneEventId()
    {
        using (var logger = LoggingSettings.CreateLogger(JsonFileOnly()))
        {
            logger.Warning(new InvalidOperationException("socket gone"), "Connection {Id} failed", 1);
            logger.Error("Connection {Id} failed", 2);
        }

        var lines = ReadJsonLines();
        Assert.Equal(2, lines.Count);
        Assert.Equal("Warning", lines[0].GetProperty("@l").GetString());
        Assert.Equal("Error", lines[1].GetProperty("@l").GetString());
        Assert.StartsWith("System.InvalidOperationException: socket gone", lines[0].GetProperty("@x").GetString(), StringComparison.Ordinal);
        Assert.False(lines[1].TryGetProperty("@x", out _));
        Assert.Equal("Connection 1 failed", lines[0].GetProperty("@m").GetString());
        Assert.Equal(lines[0].GetProperty("@i").GetString(), lines[1].GetProperty("@i").GetString());
    }

    [Fact]
    public void AJsonLine_CarriesTheTraceAndSpanIds_OfTheCurrentActivity()
    {
        ActivityTraceId traceId;
        ActivitySpanId spanId;
        using (var logger = LoggingSettings.CreateLogger(JsonFileOnly()))
        using (var activity = new Activity("request").SetIdFormat(ActivityIdFormat.W3C).Start())
        {
            traceId = activity.TraceId;
            spanId = activity.SpanId;
            logger.Information("inside an activity");
        }

        var line = Assert.Single(ReadJsonLines());
        Assert.Equal(traceId.ToHexString(), line.GetProperty("@tr").GetString());
        Assert.Equal(spanId.ToHexString(), line.GetProperty("@sp").GetString());
    }

    [Fact]
    public void TheLevel_AndTheOverridePerNamespace_Decide_ThroughMicrosoftLoggingAsTheHostWiresIt()
    {
        var options = JsonFileOnly(LogEventLevel.Debug);
        options.Overrides["ActorWs.Server.Connections"] = LogEventLevel.Warning;
        var services = new ServiceCollection();
        services.AddSerilog(LoggingSettings.CreateLogger(options), dispose: true);
        using (var provider = services.BuildServiceProvider())
        {
            var factory = provider.GetRequiredService<ILoggerFactory>();
            factory.CreateLogger("ActorWs.Server").LogDebug("server {Step}", "kept");
            factory.CreateLogger("ActorWs.Server").LogTrace("server {Step}", "below the level");
            factory.CreateLogger("ActorWs.Server.Connections.Session").LogInformation("connection {Step}", "overridden away");
            factory.CreateLogger("ActorWs.Server.Connections").LogWarning("connection {Step}", "kept");
            factory.CreateLogger("Microsoft.Hosting.Lifetime").LogInformation("host {Step}", "overridden away by default");
        }

        // Disposing the container disposed the logger, so the file is complete.
        var lines = ReadJsonLines();
        Assert.Equal(["server \"kept\"", "connection \"kept\""], lines.Select(l => l.GetProperty("@m").GetString()!).ToArray());
        Assert.Equal(["ActorWs.Server", "ActorWs.Server.Connections"], lines.Select(l => l.GetProperty("SourceContext").GetString()!).ToArray());
        Assert.Equal("Debug", lines[0].GetProperty("@l").GetString());
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
