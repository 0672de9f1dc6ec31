using ActorWs.Bench.Cli;
using Xunit;

namespace ActorWs.Bench.Tests.Cli;

public class ScenarioNamesTests
{
    [Fact]
    public void Every_scenario_has_a_name_that_parses_back_to_it()
    {
        foreach (var kind in Enum.GetValues<ScenarioKind>())
        {
            var name = ScenarioNames.Name(kind);
            Assert.True(ScenarioNames.TryParse(name, out var parsed));
            Assert.Equal(kind, parsed);
            Assert.True(ScenarioNames.TryParse(name.ToUpperInvariant(), out parsed));
            Assert.Equal(kind, parsed);
        }

        Assert.Equal(Enum.GetValues<ScenarioKind>().Length, ScenarioNames.All.Count);
    }

    [Fact]
    public void The_two_word_scenario_is_hyphenated()
    {
        Assert.Equal("hold-deflate", ScenarioNames.Name(ScenarioKind.HoldDeflate));
        Assert.False(ScenarioNames.TryParse("hold_deflate", out _));
        Assert.False(ScenarioNames.TryParse(string.Empty, out _));
    }

    [Fact]
    public void An_undefined_kind_has_no_name()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ScenarioNames.Name((ScenarioKind)99));
    }
}
