using System.Text.Json;
using ActorWs.Bench.Cli;
using ActorWs.Bench.Reporting;
using ActorWs.Bench.Tests.Support;
using Xunit;

namespace ActorWs.Bench.Tests.Reporting;

public class JsonReportTests
{
    private static readonly JsonElement Root =
        JsonDocument.Parse(JsonReport.Render(Samples.Machine, new BenchOptions(), Samples.Reports(new BenchOptions()))).RootElement;

    [Fact]
    public void Options_use_scenario_names_and_include_the_tick_and_fairness_settings()
    {
        var options = Root.GetProperty("options");
        Assert.Equal(
            ["echo", "hold", "hold-deflate", "broadcast", "tick", "fairness"],
            options.GetProperty("scenarios").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(10, options.GetProperty("fairness_canaries").GetInt32());
        Assert.Equal(32, options.GetProperty("fairness_size").GetInt32());
        Assert.Equal(4, options.GetProperty("fairness_flooders").GetInt32());
        Assert.Equal(1, options.GetProperty("fairness_flood_size").GetInt32());
        Assert.Equal(100, options.GetProperty("tick_clients").GetInt32());
        Assert.Equal(30, options.GetProperty("tick_hz").GetInt32());
        Assert.Equal(256, options.GetProperty("tick_size").GetInt32());
        Assert.Equal("2026-11-22T06:00:00.0000000+00:00", Root.GetProperty("date").GetString());
    }

    [Fact]
    public void Rows_carry_values_ratios_and_nulls_for_missing_figures()
    {
        var rows = Root.GetProperty("rows").EnumerateArray().ToList();
        var echo = Assert.Single(rows, r => r.GetProperty("metric").GetString() == "msgs_per_sec");
        Assert.Equal(2.0, echo.GetProperty("ratio").GetDouble());
        Assert.Equal("higher", echo.GetProperty("better").GetString());
        Assert.Equal("throughput (msg/s)", echo.GetProperty("label").GetString());
        var tick = Assert.Single(rows, r => r.GetProperty("metric").GetString() == "latency_p99_us"
            && r.GetProperty("scenario").GetString()!.StartsWith("tick", StringComparison.Ordinal));
        Assert.Equal(JsonValueKind.Null, tick.GetProperty("kestrel").ValueKind);
        Assert.Equal(JsonValueKind.Null, tick.GetProperty("ratio").ValueKind);
    }

    [Fact]
    public void Runs_keep_every_generator_record_with_numbers_as_numbers()
    {
        var runs = Root.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(5, runs.Count);
        var tick = Assert.Single(runs, r => r.GetProperty("scenario").GetString() == "tick");
        Assert.Equal("actorws", tick.GetProperty("server").GetString());
        var joined = tick.GetProperty("loadgen")[0];
        Assert.Equal("joined", joined.GetProperty("event").GetString());
        Assert.Equal(100, joined.GetProperty("fields").GetProperty("clients").GetDouble());
        Assert.Equal("bench-tick-1", joined.GetProperty("fields").GetProperty("room").GetString());
        var failed = Assert.Single(runs, r => r.GetProperty("failure").ValueKind == JsonValueKind.String);
        Assert.Equal("hold-deflate", failed.GetProperty("scenario").GetString());
    }

    [Fact]
    public void Notes_are_keyed_by_scenario_name()
    {
        var notes = Root.GetProperty("notes");
        Assert.StartsWith("tick: ActorWs only", notes.GetProperty("tick").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("hold-deflate:", notes.GetProperty("hold-deflate").GetString(), StringComparison.Ordinal);
        Assert.False(notes.TryGetProperty("echo", out _));
    }
}
