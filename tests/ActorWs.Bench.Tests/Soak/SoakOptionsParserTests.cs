using ActorWs.Bench.Soak;
using Xunit;

namespace ActorWs.Bench.Tests.Soak;

public class SoakOptionsParserTests
{
    [Fact]
    public void Defaults_are_ten_thousand_connections_for_an_hour_with_every_kind_in_the_mix()
    {
        Assert.Null(SoakOptionsParser.Parse(["--soak"], out var options, out var help));
        Assert.False(help);
        Assert.Equal(10_000, options.Connections);
        Assert.Equal(TimeSpan.FromHours(1), options.Duration);
        Assert.Equal(TimeSpan.FromMinutes(5), options.EffectiveWarmup);
        Assert.All(Enum.GetValues<SoakClientKind>(), k => Assert.True(options.Mix[k] > 0, $"{k} is in the default mix"));
    }

    [Fact]
    public void Options_are_read_with_their_units()
    {
        var error = SoakOptionsParser.Parse(
            ["--soak", "--soak-connections", "2000", "--soak-duration", "2m", "--seed", "7", "--soak-warmup", "30s",
             "--soak-mix", "echo=1,bomb=3", "--soak-faults-per-minute", "12", "--soak-sample-interval", "500ms", "--no-build",
             "--soak-max-rss-slope", "2048", "--soak-max-heap-slope", "512.5", "--client-cpus", "1-3"],
            out var options, out _);
        Assert.Null(error);
        Assert.Equal(2000, options.Connections);
        Assert.Equal(TimeSpan.FromMinutes(2), options.Duration);
        Assert.Equal(TimeSpan.FromSeconds(30), options.EffectiveWarmup);
        Assert.Equal(7, options.Seed);
        Assert.Equal(1, options.Mix[SoakClientKind.Echo]);
        Assert.Equal(3, options.Mix[SoakClientKind.CompressionBomb]);
        Assert.Equal(0, options.Mix[SoakClientKind.Room]);
        Assert.Equal(12, options.FaultsPerMinute);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.SampleInterval);
        Assert.False(options.BuildServer);
        Assert.Equal(2048, options.MaxRssSlopeKibPerMinute);
        Assert.Equal(512.5, options.MaxGcHeapSlopeKibPerMinute);
        Assert.Equal([1, 2, 3], options.ResolveClientCpus(4));
    }

    [Fact]
    public void The_clients_keep_off_the_servers_cpus_by_default()
    {
        Assert.Null(SoakOptionsParser.Parse(["--soak"], out var options, out _));
        Assert.Equal(SoakOptions.AutoClientCpus, options.ClientCpus);
        Assert.Equal([1], options.ResolveClientCpus(2));
        Assert.Equal([2, 3], (options with { ServerCpus = "0-1" }).ResolveClientCpus(4));
        Assert.Empty(options.ResolveClientCpus(1)); // one CPU: nothing left to pin to
        Assert.Empty((options with { ClientCpus = SoakOptions.AllClientCpus }).ResolveClientCpus(2));
    }

    [Theory]
    [InlineData("--soak-connections", "0")]
    [InlineData("--soak-connections", "20001")]
    [InlineData("--soak-duration", "soon")]
    [InlineData("--soak-duration", "48h")]
    [InlineData("--soak-mix", "echo=1,teleport=2")]
    [InlineData("--soak-mix", "echo=0")]
    [InlineData("--soak-faults-per-minute", "-1")]
    [InlineData("--soak-max-heap-slope", "-5")]
    [InlineData("--client-cpus", "seven")]
    [InlineData("--frobnicate", "1")]
    public void Bad_values_are_refused_with_a_reason(string name, string value)
    {
        var error = SoakOptionsParser.Parse(["--soak", name, value], out _, out _);
        Assert.NotNull(error);
        Assert.Contains(name, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_warmup_as_long_as_the_run_is_refused()
    {
        Assert.NotNull(SoakOptionsParser.Parse(["--soak", "--soak-duration", "20s", "--soak-warmup", "20s"], out _, out _));
    }

    [Fact]
    public void The_soak_is_selected_by_its_flag_only()
    {
        Assert.True(SoakOptionsParser.IsSoak(["--seed", "1", "--soak"]));
        Assert.False(SoakOptionsParser.IsSoak(["--scenarios", "echo"]));
    }
}
