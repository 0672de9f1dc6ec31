using ActorWs.Bench.Cli;
using Xunit;

namespace ActorWs.Bench.Tests.Cli;

/// <summary>The cluster scenarios' names and options.</summary>
public class ClusterOptionsTests
{
    [Fact]
    public void The_cluster_scenarios_are_named_run_only_when_asked_for_and_parse_in_the_given_order()
    {
        Assert.Equal("cluster-broadcast", ScenarioNames.Name(ScenarioKind.ClusterBroadcast));
        Assert.Equal("cluster-resume", ScenarioNames.Name(ScenarioKind.ClusterResume));
        var defaults = BenchOptionsParser.Parse([]).Options!;
        Assert.DoesNotContain(ScenarioKind.ClusterBroadcast, defaults.Scenarios);
        Assert.DoesNotContain(ScenarioKind.ClusterResume, defaults.Scenarios);

        var options = BenchOptionsParser.Parse(["--scenarios", "cluster-resume,Cluster-Broadcast,broadcast"]).Options!;
        Assert.Equal([ScenarioKind.ClusterResume, ScenarioKind.ClusterBroadcast, ScenarioKind.Broadcast], options.Scenarios);
    }

    [Fact]
    public void Cluster_resume_options_have_defaults_and_are_read()
    {
        var defaults = BenchOptionsParser.Parse([]).Options!;
        Assert.Equal(300, defaults.ClusterResumeClients);
        Assert.Equal(6, defaults.ClusterResumeRooms);
        Assert.Equal(20, defaults.ClusterResumeRate);
        Assert.Equal(60, BenchOptionsParser.Parse(["--quick"]).Options!.ClusterResumeClients);

        var options = BenchOptionsParser.Parse(
            ["--cluster-resume-clients", "500", "--cluster-resume-rooms", "9", "--cluster-resume-rate", "50", "--quick"]).Options!;
        Assert.Equal(500, options.ClusterResumeClients);
        Assert.Equal(9, options.ClusterResumeRooms);
        Assert.Equal(50, options.ClusterResumeRate);
    }

    [Theory]
    [InlineData("--cluster-resume-clients", "1")]
    [InlineData("--cluster-resume-clients", "5001")]
    [InlineData("--cluster-resume-rooms", "0")]
    [InlineData("--cluster-resume-rate", "0")]
    [InlineData("--cluster-resume-rate", "201")]
    [InlineData("--cluster-resume-rate", "x")]
    public void Out_of_range_cluster_resume_values_are_rejected_by_name(string name, string value)
    {
        var result = BenchOptionsParser.Parse([name, value]);
        Assert.Null(result.Options);
        Assert.Contains(name, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void More_rooms_than_clients_is_rejected()
    {
        var result = BenchOptionsParser.Parse(["--cluster-resume-clients", "4", "--cluster-resume-rooms", "5"]);
        Assert.Null(result.Options);
        Assert.Contains("--cluster-resume-rooms (5) cannot exceed --cluster-resume-clients (4)", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_usage_text_names_the_cluster_scenarios_and_options()
    {
        foreach (var text in new[] { "cluster-broadcast", "cluster-resume", "--cluster-resume-clients", "--cluster-resume-rooms", "--cluster-resume-rate" })
        {
            Assert.Contains(text, BenchOptionsParser.Usage, StringComparison.Ordinal);
        }
    }
}
