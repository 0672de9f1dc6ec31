using ActorWs.Bench.Cli;
using ActorWs.Bench.Scenarios;
using ActorWs.Bench.Servers;
using Xunit;

namespace ActorWs.Bench.Tests.Servers;

public class ServerLaunchTests
{
    [Fact]
    public void A_plain_launch_passes_only_the_address()
    {
        Assert.Equal(["/srv/Kestrel.dll", "--host", "127.0.0.1", "--port", "8080"], ServerLaunch.Plain("/srv/Kestrel.dll").DotnetArguments("127.0.0.1", 8080));
    }

    [Fact]
    public void Measured_scenarios_start_the_built_assembly_as_it_is()
    {
        foreach (var kind in new[] { ScenarioKind.Echo, ScenarioKind.Hold, ScenarioKind.HoldDeflate, ScenarioKind.Broadcast })
        {
            var scenario = Scenario.For(kind);
            Assert.True(scenario.UsesServerBuild);
            Assert.True(scenario.Supports(ServerKind.ActorWs) && scenario.Supports(ServerKind.Kestrel));
            var launch = scenario.Launch(ServerKind.Kestrel, "/a/b.dll", new BenchOptions());
            Assert.Equal(["/a/b.dll", "--host", "127.0.0.1", "--port", "1"], launch.DotnetArguments("127.0.0.1", 1));
        }
    }
}
