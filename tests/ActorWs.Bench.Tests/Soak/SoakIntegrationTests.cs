using System.Text.Json;
using ActorWs.Bench.Soak;
using Xunit;
using Xunit.Abstractions;

namespace ActorWs.Bench.Tests.Soak;

/// <summary>
/// The CI soak: three minutes of 400 connections against the real server executable (ActorWs.dll, built with the tests and
/// copied next to them), every kind of client, faults injected every few seconds, then the same checks as the hour-long run.
/// </summary>
public sealed class SoakIntegrationTests(ITestOutputHelper log) : IDisposable
{
    private readonly DirectoryInfo _output = Directory.CreateTempSubdirectory("soak-test-");

    public void Dispose() => _output.Delete(recursive: true);

    [Fact]
    public async Task A_three_minute_soak_of_every_client_kind_with_faults_loses_nothing_leaks_nothing_it_can_see_and_leaves_the_server_as_it_found_it()
    {
        var options = new SoakOptions
        {
            Connections = 400,
            Duration = TimeSpan.FromMinutes(3),
            // The first 90 s are warm-up (JIT, pools, sessions and rooms filling up to their steady state); the trends are
            // judged on the last 90 s, sampled every 2 s. A 60-s warm-up was too short: the JIT's code (the runtime's
            // double-mapped memory) still grew by ~0.5 MiB in the second minute, and on top of the GC's gen0 commit, which
            // swings RSS by 3–7 MiB as its budget adapts, a one-minute window's thirds (20 s each) failed twice in CI on a
            // +2.4 MiB difference no longer run showed (smaps of a run of this soak, 2026-12-07).
            Warmup = TimeSpan.FromSeconds(90),
            Seed = 42,
            FaultsPerMinute = 20,
            SampleInterval = TimeSpan.FromSeconds(2),
            // Not pinned: the clients run in the test host, whose other tests must keep every CPU.
            ClientCpus = SoakOptions.AllClientCpus,
            ServerAssembly = Path.Combine(AppContext.BaseDirectory, "ActorWs.dll"),
            OutputDirectory = _output.FullName,
        };
        var console = new StringWriter();

        var result = await new SoakRunner(console, TimeProvider.System).RunAsync(options, CancellationToken.None);

        Assert.True(result is not null, console.ToString());
        var report = SoakReport.Markdown(result);
        log.WriteLine(report); // in the test results (TRX), pass or fail: the figures of every CI soak
        Assert.True(result.Passed, report);

        // No accepted message lost, duplicated or reordered, among many checked of every kind, across resumes and faults.
        var counters = result.Counters;
        Assert.Equal(0, counters.Problems("loss") + counters.Problems("duplicate_or_reorder") + counters.Problems("corrupt"));
        Assert.True(counters.Get("echo.messages_checked") > 1000, report);
        Assert.True(counters.Get("room.deliveries_checked") > 10_000, report);
        Assert.True(counters.Get("room.seq_checked") > 10_000, report);
        Assert.True(counters.Get("room.resumes") > 0, "some sessions dropped and resumed");
        Assert.True(counters.Get("oversized.closed_1009") > 0);
        Assert.True(counters.Get("malformed.closed_1002") > 0);
        Assert.True(counters.Get("bomb.closed_1009") > 0);
        Assert.True(counters.Get("faults.sessions_killed") > 0 && counters.Get("faults.rooms_failed") > 0, report);

        // Descriptors back to the baseline, nothing left open; no error in the log but the injected faults'.
        Assert.Contains(result.Checks, c => c.Name.StartsWith("descriptors back to the baseline", StringComparison.Ordinal) && c.Passed);
        Assert.Equal(0, result.Log.ErrorCount);
        Assert.True(result.Log.InjectedErrorCount > 0, "the injected faults were logged and recognised");

        // Memory. 90 s after the warm-up cannot vouch for the 1 MiB/min limit: the two thirds compared are 60 s apart,
        // so the limit adds well under the noise between them. What it can show, and what is asserted, is that neither RSS
        // nor the GC heap grew beyond the noise (a leak of several MiB a minute would); the report gives the slowest leak this
        // length could have seen, and the hour-long soak (README) holds the limit itself.
        Assert.True(result.RssTrend.Samples >= 40, report);
        Assert.True(result.RssTrend.Passed, report);
        Assert.NotNull(result.GcHeapTrend);
        Assert.True(result.GcHeapTrend.Samples >= 40, "the server's GC heap gauge reached the soak");
        Assert.True(result.GcHeapTrend.Passed, report);
        Assert.True(double.IsFinite(result.RssTrend.ResolvableSlopePerMinute) && result.RssTrend.ResolvableSlopePerMinute >= options.MaxRssSlopeKibPerMinute);

        var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_output.FullName, "soak.json"))).RootElement;
        Assert.True(json.GetProperty("passed").GetBoolean());
        Assert.Equal(42, json.GetProperty("seed").GetInt32());
        Assert.True(json.GetProperty("samples").GetArrayLength() >= 85);
        Assert.True(json.GetProperty("rssTrend").GetProperty("passed").GetBoolean());
        Assert.True(json.GetProperty("gcHeapTrend").GetProperty("samples").GetInt32() >= 40);
        var markdown = await File.ReadAllTextAsync(Path.Combine(_output.FullName, "soak.md"));
        Assert.Contains("# ActorWs soak: passed", markdown, StringComparison.Ordinal);
        Assert.Contains("| RSS flat after warm-up | pass |", markdown, StringComparison.Ordinal);
        Assert.Contains("| GC heap flat after warm-up | pass |", markdown, StringComparison.Ordinal);
    }
}
