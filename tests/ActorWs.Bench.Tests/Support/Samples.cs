using ActorWs.Bench.Cli;
using ActorWs.Bench.LoadGeneration;
using ActorWs.Bench.Reporting;
using ActorWs.Bench.Scenarios;

namespace ActorWs.Bench.Tests.Support;

/// <summary>Report inputs shared by the reporting tests: a fixed machine and a small run of two scenarios.</summary>
internal static class Samples
{
    public static MachineInfo Machine { get; } =
        new("Test CPU", 2, "6.1.0", ".NET 10.0.0", "0.50 0.40 0.30", new DateTimeOffset(2026, 11, 22, 6, 0, 0, TimeSpan.Zero));

    public static LoadGenRecord Record(string line) => LoadGenRecord.Parse(line) ?? throw new ArgumentException("blank line", nameof(line));

    /// <summary>Echo measured on both servers, tick on ActorWs only (Kestrel not applicable), hold-deflate failing on Kestrel.</summary>
    public static IReadOnlyList<ScenarioReport> Reports(BenchOptions options)
    {
        var echo = Scenario.For(ScenarioKind.Echo);
        var tick = Scenario.For(ScenarioKind.Tick);
        var holdDeflate = Scenario.For(ScenarioKind.HoldDeflate);
        return
        [
            new ScenarioReport(ScenarioKind.Echo, echo.Describe(options), echo.Metrics,
            [
                new ServerRun(ServerKind.ActorWs, new Dictionary<string, double> { ["msgs_per_sec"] = 104_000, ["errors"] = 0 },
                    [Record("result mode=echo msgs_per_sec=104000 err_connect=0")], null),
                new ServerRun(ServerKind.Kestrel, new Dictionary<string, double> { ["msgs_per_sec"] = 52_000, ["errors"] = 0 }, [], null),
            ], echo.Note),
            new ScenarioReport(ScenarioKind.Tick, tick.Describe(options), tick.Metrics,
            [
                new ServerRun(ServerKind.ActorWs, new Dictionary<string, double> { ["deliveries_per_sec"] = 2994.2, ["latency_p99_us"] = 812.3 },
                    [Record("joined clients=100 room=bench-tick-1"), Record("result mode=tick deliveries_per_sec=2994.2")], null),
            ], tick.Note),
            new ScenarioReport(ScenarioKind.HoldDeflate, holdDeflate.Describe(options), holdDeflate.Metrics,
            [
                new ServerRun(ServerKind.ActorWs, new Dictionary<string, double> { ["kib_per_idle_connection"] = 1.5 }, [], null),
                ServerRun.Failed(ServerKind.Kestrel, "Kestrel exited during the run:\nUnhandled exception"),
            ], holdDeflate.Note),
        ];
    }
}
