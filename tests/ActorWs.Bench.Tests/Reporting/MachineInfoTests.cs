using ActorWs.Bench.Reporting;
using Xunit;

namespace ActorWs.Bench.Tests.Reporting;

public class MachineInfoTests
{
    [Fact]
    public void Cpu_info_gives_the_first_model_and_the_processor_count()
    {
        const string cpuinfo = """
            processor	: 0
            vendor_id	: AuthenticAMD
            model name	: AMD EPYC 7B13
            flags		: fpu vme

            processor	: 1
            model name	: Something Else
            """;
        Assert.Equal(("AMD EPYC 7B13", 2), MachineInfo.ParseCpuInfo(cpuinfo));
    }

    [Fact]
    public void Missing_cpu_info_reads_as_unknown()
    {
        Assert.Equal(("unknown", 0), MachineInfo.ParseCpuInfo(null));
        Assert.Equal(("unknown", 0), MachineInfo.ParseCpuInfo("garbage without colons"));
    }
}
