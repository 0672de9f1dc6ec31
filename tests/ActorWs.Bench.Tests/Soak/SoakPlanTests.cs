using ActorWs.Bench.Soak;
using Xunit;

namespace ActorWs.Bench.Tests.Soak;

public class SoakPlanTests
{
    [Fact]
    public void Slots_follow_the_weights_exactly_and_add_up()
    {
        var mix = new Dictionary<SoakClientKind, int> { [SoakClientKind.Echo] = 1, [SoakClientKind.Room] = 1, [SoakClientKind.Flood] = 1 };
        var slots = SoakPlan.Assign(10, mix, 1);
        Assert.Equal(10, slots.Length);
        var counts = slots.GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(3, counts.Count);
        Assert.All(counts.Values, c => Assert.InRange(c, 3, 4));
    }

    [Fact]
    public void The_same_seed_gives_the_same_plan_and_another_seed_another_order()
    {
        var a = SoakPlan.Assign(1000, SoakOptions.DefaultMix, 42);
        Assert.Equal(a, SoakPlan.Assign(1000, SoakOptions.DefaultMix, 42));
        var b = SoakPlan.Assign(1000, SoakOptions.DefaultMix, 43);
        Assert.NotEqual(a, b);
        Assert.Equal(a.Order(), b.Order());
    }

    [Fact]
    public void Kinds_are_spread_over_the_ramp_up()
    {
        var slots = SoakPlan.Assign(1000, SoakOptions.DefaultMix, 42);
        // With the default mix a tenth of the slots holds every kind: the abusive ones do not all come at the end.
        Assert.Equal(Enum.GetValues<SoakClientKind>().Length, slots.Take(200).Distinct().Count());
    }
}
