using System.Text.Json;
using ActorWs.Bench.Soak;
using Xunit;

namespace ActorWs.Bench.Tests.Soak;

public class SoakChecksTests
{
    private static readonly Dictionary<string, double> Idle = new() { ["actorws_connections_open"] = 0, ["actorws_sessions_active"] = 0 };

    /// <summary>An hour of RSS every 5 s after the warm-up: 200 MiB ± 4 MiB, plus <paramref name="mibPerMinute"/>.</summary>
    private static MemoryTrendResult Trend(double mibPerMinute, int samples = 660) =>
        MemoryTrend.Analyze(Enumerable.Range(0, samples).Select(i => (300 + (i * 5.0), (200 + (i % 5) - 2 + (i * 5 / 60.0 * mibPerMinute)) * 1024)).ToList(), 1024);

    private static SoakResult Result(SoakCounters counters, ServerSample final, MemoryTrendResult? rss = null, int? exit = 0, ServerLogScanner? log = null, MemoryTrendResult? heap = null)
    {
        var options = new SoakOptions { Duration = TimeSpan.FromMinutes(2) };
        var result = new SoakResult
        {
            Options = options,
            StartedAt = DateTimeOffset.UnixEpoch,
            LoadDuration = options.Duration,
            Slots = new Dictionary<SoakClientKind, int> { [SoakClientKind.Echo] = 10, [SoakClientKind.Room] = 10 },
            Counters = counters,
            Samples = [new ServerSample(0, 50_000, 20, 150, Idle)],
            Final = final,
            RssTrend = rss ?? Trend(0),
            GcHeapTrend = heap,
            Log = log ?? new ServerLogScanner(),
            ServerExitCode = exit,
            Checks = [],
        };
        return result with { Checks = SoakChecks.Evaluate(result) };
    }

    private static SoakCounters Clean()
    {
        var counters = new SoakCounters();
        counters.Add("echo.messages_checked", 100);
        counters.Add("room.deliveries_checked", 1000);
        return counters;
    }

    [Fact]
    public void A_clean_run_passes_every_check()
    {
        var result = Result(Clean(), new ServerSample(130, 60_000, 20, 150, Idle));
        Assert.All(result.Checks, c => Assert.True(c.Passed, $"{c.Name}: {c.Detail}"));
        Assert.True(result.Passed);
    }

    [Fact]
    public void A_lost_message_fails_the_run()
    {
        var counters = Clean();
        counters.Problem("loss", "seq 5 after 3", 1);
        var result = Result(counters, new ServerSample(130, 60_000, 20, 150, Idle));
        Assert.False(result.Passed);
        Assert.False(result.Checks[0].Passed);
        Assert.Contains("1 lost", result.Checks[0].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_run_that_checked_no_message_does_not_pass()
    {
        Assert.False(Result(new SoakCounters(), new ServerSample(130, 60_000, 20, 150, Idle)).Passed);
    }

    [Fact]
    public void Descriptors_above_the_baseline_or_sessions_left_fail_the_run()
    {
        Assert.False(Result(Clean(), new ServerSample(130, 60_000, 20, 151, Idle)).Passed);
        var sessionLeft = new Dictionary<string, double> { ["actorws_connections_open"] = 0, ["actorws_sessions_active"] = 1 };
        Assert.False(Result(Clean(), new ServerSample(130, 60_000, 20, 150, sessionLeft)).Passed);
        Assert.False(Result(Clean(), new ServerSample(130, 60_000, 20, 150, new Dictionary<string, double>())).Passed);
    }

    [Fact]
    public void A_growing_memory_an_error_in_the_log_or_an_unclean_exit_fail_the_run()
    {
        var final = new ServerSample(130, 60_000, 20, 150, Idle);
        Assert.True(Result(Clean(), final, rss: Trend(0.5)).Passed);
        Assert.False(Result(Clean(), final, rss: Trend(5)).Passed);
        Assert.False(Result(Clean(), final, rss: Trend(0, samples: 8)).Passed);
        Assert.True(Result(Clean(), final, heap: Trend(0)).Passed);
        var heapGrowing = Result(Clean(), final, heap: Trend(5));
        Assert.False(heapGrowing.Passed);
        Assert.Contains(heapGrowing.Checks, c => c.Name == "GC heap flat after warm-up" && !c.Passed && c.Detail.Contains("GROWING", StringComparison.Ordinal));
        Assert.False(Result(Clean(), final, exit: null).Passed);
        var log = new ServerLogScanner();
        log.Feed("[05:40:03 ERR] ActorWs.Server: A core server actor failed");
        log.Complete();
        Assert.False(Result(Clean(), final, log: log).Passed);
    }

    [Fact]
    public void Resumes_refused_after_the_window_are_not_problems_unless_none_came_back_in_time()
    {
        var final = new ServerSample(130, 60_000, 20, 150, Idle);
        var someInTime = Clean();
        someInTime.Add("room.resumes", 40);
        someInTime.Add("room.resumes_refused_late", 3);
        var result = Result(someInTime, final);
        Assert.True(result.Passed);
        Assert.Contains("40 resumes accepted, 3 refused after the 20 s reconnection window", result.Checks[2].Detail, StringComparison.Ordinal);

        var noneInTime = Clean();
        noneInTime.Add("room.resumes_refused_late", 3);
        var failed = Result(noneInTime, final);
        Assert.False(failed.Checks[2].Passed);
        Assert.Contains("resume was not exercised", failed.Checks[2].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void The_cpu_line_gives_the_servers_cpu_its_wait_for_a_cpu_and_its_gc_pauses()
    {
        var pause0 = new Dictionary<string, double>(Idle) { [ServerSample.GcPauseMetric] = 0.5 };
        var pause1 = new Dictionary<string, double>(Idle) { [ServerSample.GcPauseMetric] = 0.75 };
        var pause2 = new Dictionary<string, double>(Idle) { [ServerSample.GcPauseMetric] = 2.0 };
        var result = Result(Clean(), new ServerSample(130, 60_000, 20, 150, Idle)) with
        {
            Samples =
            [
                new ServerSample(0, 50_000, 20, 150, pause0, CpuSeconds: 10, RunQueueWaitSeconds: 1),
                new ServerSample(50, 50_000, 20, 150, pause1, CpuSeconds: 30, RunQueueWaitSeconds: 13),
                new ServerSample(100, 50_000, 20, 150, pause2, CpuSeconds: 60, RunQueueWaitSeconds: 15),
            ],
        };

        var line = SoakReport.CpuLine(result);

        Assert.Contains("50 s in 100 s (50 % of one core)", line, StringComparison.Ordinal);
        Assert.Contains("waited 14.0 s in all for a CPU while runnable (the most in one 5 s interval: 12.0 s)", line, StringComparison.Ordinal);
        Assert.Contains("paused it 1.50 s in all (the most in one interval: 1.25 s)", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Descriptors_are_compared_by_kind_leaving_out_files_the_runtime_mapped_once()
    {
        var before = new Dictionary<string, int> { ["socket"] = 3, ["pipe"] = 12, ["/usr/share/dotnet/System.Linq.dll"] = 2 };
        var filesMore = new Dictionary<string, int> { ["socket"] = 3, ["pipe"] = 12, ["/usr/share/dotnet/System.Linq.dll"] = 2, ["/app/ActorWs.pdb"] = 1 };
        var socketMore = new Dictionary<string, int> { ["socket"] = 4, ["pipe"] = 12 };
        var baseline = new ServerSample(0, 50_000, 20, 17, Idle);
        var final = new ServerSample(130, 60_000, 20, 18, Idle);

        Assert.True(SoakChecks.Drained(final, filesMore, baseline, before));
        Assert.False(SoakChecks.Drained(final, socketMore, baseline, before));
        Assert.Equal([("socket", 3, 4)], SoakChecks.GrownDescriptorKinds(socketMore, before));
    }

    [Theory]
    [InlineData("socket:[123456]", "socket")]
    [InlineData("pipe:[42]", "pipe")]
    [InlineData("anon_inode:[eventpoll]", "anon_inode:[eventpoll]")]
    [InlineData("/dev/null", "/dev/null")]
    public void A_descriptors_kind_drops_its_inode_number(string target, string kind) =>
        Assert.Equal(kind, ServerSample.DescriptorKind(target));

    [Fact]
    public void The_reports_carry_the_checks_the_figures_and_the_descriptors_by_kind()
    {
        var counters = Clean();
        counters.Problem("loss", "room slot 3: seq 9 after 7");
        var result = Result(counters, new ServerSample(130, 60_000, 20, 150, Idle)) with
        {
            BaselineDescriptorKinds = new Dictionary<string, int> { ["socket"] = 3, ["/x.dll"] = 2 },
            FinalDescriptorKinds = new Dictionary<string, int> { ["socket"] = 4, ["/x.dll"] = 2, ["/x.pdb"] = 1 },
        };

        var markdown = SoakReport.Markdown(result);
        Assert.StartsWith("# ActorWs soak: FAILED", markdown, StringComparison.Ordinal);
        Assert.Contains("| no accepted message lost, duplicated or reordered | **FAIL** |", markdown, StringComparison.Ordinal);
        Assert.Contains("socket 3 → 4, files 2 → 3", markdown, StringComparison.Ordinal);
        Assert.Contains("room slot 3: seq 9 after 7", markdown, StringComparison.Ordinal);

        var json = JsonDocument.Parse(SoakReport.Json(result)).RootElement;
        Assert.False(json.GetProperty("passed").GetBoolean());
        Assert.Equal(1, json.GetProperty("problems").GetProperty("loss").GetProperty("count").GetInt64());
        Assert.Equal(1000, json.GetProperty("counters").GetProperty("room.deliveries_checked").GetInt64());
        Assert.Equal(4, json.GetProperty("finalDescriptorKinds").GetProperty("socket").GetInt32());
        Assert.Equal("Flat", json.GetProperty("rssTrend").GetProperty("verdict").GetString());
        Assert.InRange(json.GetProperty("rssTrend").GetProperty("theilSenKibPerMinute").GetDouble(), -10, 10);
        Assert.Equal(JsonValueKind.Null, json.GetProperty("gcHeapTrend").ValueKind);
        Assert.Contains("| RSS | 660 | 54.9 |", markdown, StringComparison.Ordinal);
    }
}
