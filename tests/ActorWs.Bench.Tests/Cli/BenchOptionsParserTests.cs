using ActorWs.Bench.Cli;
using Xunit;

namespace ActorWs.Bench.Tests.Cli;

public class BenchOptionsParserTests
{
    private static BenchOptions Parse(params string[] args)
    {
        var result = BenchOptionsParser.Parse(args);
        Assert.Null(result.Error);
        return Assert.IsType<BenchOptions>(result.Options);
    }

    private static string Error(params string[] args)
    {
        var result = BenchOptionsParser.Parse(args);
        Assert.Null(result.Options);
        Assert.False(result.HelpRequested);
        return Assert.IsType<string>(result.Error);
    }

    [Fact]
    public void No_arguments_give_the_issue_defaults_with_every_scenario_and_both_servers()
    {
        var options = Parse();
        Assert.Equal(
            [ScenarioKind.Echo, ScenarioKind.Hold, ScenarioKind.HoldDeflate, ScenarioKind.Broadcast, ScenarioKind.Tick, ScenarioKind.Fairness],
            options.Scenarios);
        Assert.Equal([ServerKind.ActorWs, ServerKind.Kestrel], options.Servers);
        Assert.Equal(100, options.EchoConnections);
        Assert.Equal(10_000, options.HoldConnections);
        Assert.Equal(100, options.TickClients);
        Assert.Equal(30, options.TickHz);
        Assert.Equal(256, options.TickPayloadBytes);
        Assert.Equal(BenchOptions.DefaultTickWarmupSeconds, options.TickWarmupSeconds);
        Assert.Equal(10, options.FairnessCanaries);
        Assert.Equal(32, options.FairnessMessageBytes);
        Assert.Equal(4, options.FairnessFlooders);
        Assert.Equal(1, options.FairnessFloodBytes);
        Assert.True(options.BuildServers);
        Assert.False(options.Quick);
    }

    [Fact]
    public void Help_wins_over_everything_else()
    {
        var result = BenchOptionsParser.Parse(["--echo-size", "7", "--help"]);
        Assert.True(result.HelpRequested);
        Assert.Null(result.Options);
        Assert.True(BenchOptionsParser.Parse(["-h"]).HelpRequested);
    }

    [Fact]
    public void Scenario_names_include_the_new_ones_ignore_case_and_duplicates_and_keep_the_given_order()
    {
        var options = Parse("--scenarios", "TICK, hold-deflate,tick,echo");
        Assert.Equal([ScenarioKind.Tick, ScenarioKind.HoldDeflate, ScenarioKind.Echo], options.Scenarios);
    }

    [Theory]
    [InlineData("holddeflate")]
    [InlineData("HoldDeflate")]
    [InlineData("4")]
    [InlineData("echo,nope")]
    public void Unknown_scenario_names_are_rejected_with_the_valid_names(string value)
    {
        var error = Error("--scenarios", value);
        Assert.Contains("echo, hold, hold-deflate, broadcast, tick, fairness", error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_scenario_list_is_rejected()
    {
        Assert.Contains("needs at least one", Error("--scenarios", " , "), StringComparison.Ordinal);
    }

    [Fact]
    public void Server_names_parse_and_numbers_are_not_names()
    {
        Assert.Equal([ServerKind.Kestrel], Parse("--servers", "kestrel").Servers);
        Assert.Contains("'1'", Error("--servers", "1"), StringComparison.Ordinal);
    }

    [Fact]
    public void Quick_applies_its_preset_wherever_it_appears_and_explicit_options_override_it()
    {
        var options = Parse("--hold-connections", "5000", "--quick");
        Assert.True(options.Quick);
        Assert.Equal(5000, options.HoldConnections);
        Assert.Equal(BenchOptions.QuickPreset.DurationSeconds, options.DurationSeconds);
        Assert.Equal(BenchOptions.QuickPreset.TickWarmupSeconds, options.TickWarmupSeconds);
    }

    [Fact]
    public void Pipelined_puts_16_echo_messages_in_flight_wherever_it_appears_and_an_explicit_depth_wins()
    {
        Assert.Equal(1, Parse().EchoDepth);
        Assert.Equal(BenchOptionsParser.PipelinedEchoDepth, Parse("--pipelined").EchoDepth);
        Assert.Equal(16, Parse("--scenarios", "echo", "--pipelined").EchoDepth);
        Assert.Equal(4, Parse("--pipelined", "--echo-depth", "4").EchoDepth);
        Assert.Equal(4, Parse("--echo-depth", "4", "--pipelined").EchoDepth);

        var quick = Parse("--pipelined", "--quick");
        Assert.True(quick.Quick);
        Assert.Equal(16, quick.EchoDepth);
        Assert.Contains("--pipelined", BenchOptionsParser.Usage, StringComparison.Ordinal);
    }

    [Fact]
    public void Pipelined_writes_the_requests_together_and_echo_coalesce_does_so_at_any_depth()
    {
        Assert.False(Parse().EchoCoalesce);
        Assert.False(Parse("--echo-depth", "16").EchoCoalesce);
        Assert.True(Parse("--pipelined").EchoCoalesce);
        var coalesced = Parse("--echo-coalesce", "--echo-depth", "4");
        Assert.True(coalesced.EchoCoalesce);
        Assert.Equal(4, coalesced.EchoDepth);
        Assert.Contains("--echo-coalesce", BenchOptionsParser.Usage, StringComparison.Ordinal);
    }

    [Fact]
    public void Tick_options_are_read()
    {
        var options = Parse("--tick-clients", "1000", "--tick-hz", "120", "--tick-size", "8", "--tick-warmup", "2.5");
        Assert.Equal(1000, options.TickClients);
        Assert.Equal(120, options.TickHz);
        Assert.Equal(8, options.TickPayloadBytes);
        Assert.Equal(2.5, options.TickWarmupSeconds);
    }

    [Fact]
    public void Fairness_options_are_read()
    {
        var options = Parse("--scenarios", "fairness", "--fairness-canaries", "3", "--fairness-size", "0", "--fairness-flooders", "8",
            "--fairness-flood-size", "0");
        Assert.Equal([ScenarioKind.Fairness], options.Scenarios);
        Assert.Equal(3, options.FairnessCanaries);
        Assert.Equal(0, options.FairnessMessageBytes);
        Assert.Equal(8, options.FairnessFlooders);
        Assert.Equal(0, options.FairnessFloodBytes);
    }

    [Theory]
    [InlineData("--fairness-canaries", "0")]
    [InlineData("--fairness-flooders", "0")]
    [InlineData("--fairness-size", "65536")]
    [InlineData("--fairness-flood-size", "2")]
    [InlineData("--fairness-flood-size", "-1")]
    [InlineData("--tick-clients", "0")]
    [InlineData("--tick-clients", "1001")]
    [InlineData("--tick-hz", "0")]
    [InlineData("--tick-hz", "121")]
    [InlineData("--tick-size", "7")]
    [InlineData("--tick-size", "65536")]
    [InlineData("--tick-warmup", "-1")]
    [InlineData("--tick-warmup", "3601")]
    [InlineData("--echo-size", "65536")]
    [InlineData("--echo-connections", "1e3")]
    [InlineData("--broadcast-size", "15")]
    [InlineData("--broadcast-rate", "-1")]
    [InlineData("--broadcast-rate", "10000001")]
    [InlineData("--broadcast-rate", "fast")]
    [InlineData("--duration", "0.05")]
    [InlineData("--duration", "ten")]
    [InlineData("--server-cpus", "0-")]
    [InlineData("--client-cpus", "a")]
    [InlineData("--actorws-project", "src/ActorWs")]
    public void Out_of_range_or_malformed_values_name_the_option(string option, string value)
    {
        var error = Error(option, value);
        Assert.Contains(option, error, StringComparison.Ordinal);
        Assert.Contains(value, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_value_and_an_unknown_option_are_reported()
    {
        Assert.Equal("option '--tick-hz' needs a value", Error("--tick-hz"));
        Assert.Equal("unknown option '--tick-rate'", Error("--tick-rate", "30"));
    }

    [Fact]
    public void The_broadcast_is_a_closed_loop_unless_a_rate_is_given()
    {
        Assert.Equal(0, Parse().BroadcastRate);
        Assert.Equal(12_000, Parse("--broadcast-rate", "12000").BroadcastRate);
    }

    [Fact]
    public void A_rate_step_climbs_from_the_rate_and_needs_one()
    {
        var options = Parse("--broadcast-rate", "12000", "--broadcast-rate-step", "1000");
        Assert.Equal((12_000, 1_000), (options.BroadcastRate, options.BroadcastRateStep));
        Assert.Equal(0, Parse("--broadcast-rate", "12000").BroadcastRateStep);
        Assert.Contains("needs --broadcast-rate", Error("--broadcast-rate-step", "1000"), StringComparison.Ordinal);
        Assert.Contains("--broadcast-rate-step", Error("--broadcast-rate", "100", "--broadcast-rate-step", "-5"), StringComparison.Ordinal);
    }

    [Fact]
    public void More_senders_than_members_is_inconsistent()
    {
        Assert.Contains("cannot exceed", Error("--broadcast-members", "5", "--broadcast-senders", "6"), StringComparison.Ordinal);
    }

    [Fact]
    public void No_build_and_paths_are_taken_as_given()
    {
        var options = Parse("--no-build", "--repo", "/tmp/repo", "--output", "out", "--actorws-project", "x/Y.csproj", "--server-cpus", "0-3,6");
        Assert.False(options.BuildServers);
        Assert.Equal("/tmp/repo", options.RepositoryRoot);
        Assert.Equal("out", options.OutputDirectory);
        Assert.Equal("x/Y.csproj", options.ActorWsProject);
        Assert.Equal("0-3,6", options.ServerCpus);
    }

    [Fact]
    public void The_usage_text_lists_every_option_the_parser_accepts()
    {
        foreach (var option in new[]
        {
            "--tick-clients", "--tick-hz", "--tick-size", "--tick-warmup", "hold-deflate", "tick",
            "--fairness-canaries", "--fairness-size", "--fairness-flooders", "--fairness-flood-size", "fairness",
        })
        {
            Assert.Contains(option, BenchOptionsParser.Usage, StringComparison.Ordinal);
        }
    }
}
