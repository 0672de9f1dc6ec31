using ActorWs.Bench.Procfs;
using Xunit;

namespace ActorWs.Bench.Tests.Procfs;

public class CpuCoreProbeTests
{
    // user nice system idle iowait irq softirq steal guest guest_nice
    private const string ProcStat = """
        cpu  300 0 100 1000 50 0 20 0 0 0
        cpu0 100 0 50 400 20 0 10 0 0 0
        cpu1 200 0 50 600 30 0 10 0 0 0
        intr 12345 0 0
        ctxt 999
        """;

    [Fact]
    public void Busy_is_every_field_but_idle_and_iowait_summed_over_the_cpus_listed()
    {
        Assert.Equal(new CpuCoreTicks(160, 580), CpuCoreProbe.Parse(ProcStat, [0]));
        Assert.Equal(new CpuCoreTicks(160 + 260, 580 + 890), CpuCoreProbe.Parse(ProcStat, [0, 1]));
    }

    [Fact]
    public void The_aggregate_line_is_never_taken_for_a_cpu()
    {
        Assert.Equal(new CpuCoreTicks(260, 890), CpuCoreProbe.Parse(ProcStat, [1]));
    }

    [Fact]
    public void A_listed_cpu_without_a_line_or_with_a_malformed_one_gives_null()
    {
        Assert.Null(CpuCoreProbe.Parse(ProcStat, [2]));
        Assert.Null(CpuCoreProbe.Parse("cpu0 1 2 3 x 5 6 7 8\n", [0]));
        Assert.Null(CpuCoreProbe.Parse("cpu0 1 2 3\n", [0]));
    }

    [Fact]
    public void Busy_percent_is_the_busy_share_of_the_ticks_between_two_readings()
    {
        var earlier = new CpuCoreTicks(100, 1000);
        Assert.Equal(75, new CpuCoreTicks(175, 1100).BusyPercentSince(earlier));
        Assert.Null(earlier.BusyPercentSince(earlier));
    }

    [Theory]
    [InlineData("0", new[] { 0 })]
    [InlineData("1", new[] { 1 })]
    [InlineData("0-3,6", new[] { 0, 1, 2, 3, 6 })]
    [InlineData("6,0-1,1", new[] { 0, 1, 6 })]
    [InlineData("4095", new[] { 4095 })]
    public void Cpu_lists_expand_to_sorted_distinct_numbers(string list, int[] expected)
    {
        Assert.Equal(expected, CpuCoreProbe.ParseCpuList(list));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("3-1")]
    [InlineData("0-")]
    [InlineData("-1")]
    [InlineData("0,,1")]
    [InlineData("4096")]
    [InlineData("0-99999")]
    public void Malformed_or_oversized_cpu_lists_give_null(string list)
    {
        Assert.Null(CpuCoreProbe.ParseCpuList(list));
    }
}
