using ActorWs.Hosting.Configuration;
using ActorWs.Samples.Arena;
using ActorWs.Samples.Chat;
using ActorWs.Samples.Embedded;
using Microsoft.Extensions.Hosting;

namespace ActorWs.Samples.Tests;

/// <summary>What every sample's <c>Build(args)</c> does with the server's own settings.</summary>
public sealed class SampleConfigurationTests
{
    /// <summary>Each sample's entry point, by name.</summary>
    public static TheoryData<string> Samples => ["arena", "chat", "embedded"];

    private static IHost Build(string sample, params string[] args) => sample switch
    {
        "arena" => ArenaApp.Build(args),
        "chat" => ChatApp.Build(args),
        "embedded" => EmbeddedApp.Build(args),
        _ => throw new ArgumentOutOfRangeException(nameof(sample), sample, null),
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public void ABadServerSetting_StopsTheBuild_NamingTheSettingAndWhereItCameFrom(string sample)
    {
        // Before the host runs, so that the sample says it in one line (exit code 2) instead of failing the host's start.
        var ex = Assert.Throws<ConfigurationValidationException>(() => Build(sample, "--port", "0", "--server:drain-timeout=forever"));
        var error = Assert.Single(ex.Errors);
        Assert.StartsWith("server.drain-timeout at command-line argument --server:drain-timeout=forever: expected a duration", error);
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void AMistypedSwitch_OrSetting_StopsTheBuild_WithTheNearestOne(string sample)
    {
        // As the server does: --prot 9000 once started on the default port without a word.
        var ex = Assert.Throws<ConfigurationValidationException>(() => Build(sample, "--port", "0", "--prot", "9000", "--server:prot=9000"));
        Assert.Equal(2, ex.Errors.Count);
        Assert.StartsWith("command-line argument --prot 9000: unknown switch; did you mean --port 9000?", ex.Errors[0]);
        Assert.Equal("server.prot at command-line argument --server:prot=9000: unknown setting; did you mean server.port?", ex.Errors[1]);
    }
}
