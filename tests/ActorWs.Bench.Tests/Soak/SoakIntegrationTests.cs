using System.Text.Json;
using ActorWs.Bench.Soak;
using Xunit;

namespace ActorWs.Bench.Tests.Soak;

/// <summary>
/// A short soak against the real server executable (ActorWs.dll, built with the tests and copied next to them): every kind
/// of client, faults injected often enough that some happen, then the same checks as a long run.
/// </summary>
public sealed class SoakIntegrationTests : IDisposable
{
    private readonly DirectoryInfo _output = Directory.CreateTempSubdirectory("soak-test-");

    public void Dispose() => _output.Delete(recursive: true);

    [Fact]
    public async Task A_short_soak_of_every_client_kind_with_faults_loses_nothing_and_leaves_the_server_as_it_found_it()
    {
        var options = new SoakOptions
        {
            Connections = 200,
            Duration = TimeSpan.FromSeconds(15),
            Warmup = TimeSpan.FromSeconds(5),
            Seed = 42,
            FaultsPerMinute = 40,
            SampleInterval = TimeSpan.FromSeconds(1),
            // Fifteen seconds is too short for a slope to mean a leak (the JIT and pools are still settling); the hour-long
            // soak holds the real limit. Here the check only has to be computed from samples.
            MaxRssSlopeKibPerMinute = double.MaxValue,
            ServerAssembly = Path.Combine(AppContext.BaseDirectory, "ActorWs.dll"),
            OutputDirectory = _output.FullName,
        };
        var console = new StringWriter();

        var result = await new SoakRunner(console, TimeProvider.System).RunAsync(options, CancellationToken.None);

        Assert.True(result is not null, console.ToString());
        Assert.True(result.Passed, SoakReport.Markdown(result));
        var counters = result.Counters;
        Assert.True(counters.Get("echo.messages_checked") > 0);
        Assert.True(counters.Get("room.deliveries_checked") > 0);
        Assert.True(counters.Get("oversized.closed_1009") > 0);
        Assert.True(counters.Get("malformed.closed_1002") > 0);
        Assert.True(counters.Get("bomb.closed_1009") > 0);
        Assert.True(counters.Get("faults.sessions_killed") + counters.Get("faults.rooms_failed") > 0, "some fault was injected");
        Assert.True(result.Log.InjectedErrorCount > 0, "the injected faults were logged and recognised");

        var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_output.FullName, "soak.json"))).RootElement;
        Assert.True(json.GetProperty("passed").GetBoolean());
        Assert.Equal(42, json.GetProperty("seed").GetInt32());
        Assert.True(json.GetProperty("samples").GetArrayLength() >= 10);
        Assert.Contains("# ActorWs soak: passed", await File.ReadAllTextAsync(Path.Combine(_output.FullName, "soak.md")), StringComparison.Ordinal);
    }
}
