using ActorWs.Hosting.Configuration;
using ActorWs.Hosting.Configuration.Hocon;
using Microsoft.Extensions.Configuration;

namespace ActorWs.Hosting.Tests.Configuration.Provider;

/// <summary>HOCON &lt; environment variables &lt; command line, with the standard .NET providers.</summary>
public sealed class OverrideOrderTests : IDisposable
{
    private const string Hocon = "server { port : 8080, host : localhost, name : hocon }";

    // A prefix of our own keeps these variables away from tests running in parallel and from the real environment.
    private readonly string _prefix = $"ACTORWS{Guid.NewGuid():N}__";
    private readonly List<string> _variables = [];

    [Fact]
    public void Environment_overrides_hocon_and_command_line_overrides_both()
    {
        SetVariable("SERVER__PORT", "9000");
        SetVariable("SERVER__HOST", "0.0.0.0");
        var configuration = Build(["--server:port", "9100"]);

        Assert.Equal("9100", configuration["server:port"]);
        Assert.Equal("0.0.0.0", configuration["server:host"]);
        Assert.Equal("hocon", configuration["server:name"]);

        Assert.Equal("command line", configuration.DescribeOrigin("server:port"));
        Assert.Equal($"environment variable {_prefix}SERVER__HOST", configuration.DescribeOrigin("server:host"));
        Assert.Equal("hocon.conf:1", configuration.DescribeOrigin("server:name"));
        Assert.Null(configuration.DescribeOrigin("server:absent"));
    }

    [Fact]
    public void Switch_mappings_give_short_command_line_names()
    {
        var configuration = Build(["-p", "7000"], new Dictionary<string, string> { ["-p"] = "server:port" });
        Assert.Equal("7000", configuration["server:port"]);
    }

    [Fact]
    public void Without_overrides_hocon_values_stand()
    {
        var configuration = Build([]);
        Assert.Equal("8080", configuration["server:port"]);
        Assert.Equal("hocon.conf:1", configuration.DescribeOrigin("server:port"));
    }

    [Fact]
    public void The_combined_helper_adds_the_three_sources_in_override_order()
    {
        SetVariable("SERVER__HOST", "0.0.0.0");
        SetVariable("SERVER__PORT", "9000");
        var files = new HoconReaderOptions { FileSystem = new HoconInMemoryFileSystem("/app").Add("/app/hocon.conf", Hocon), EnvironmentLookup = _ => null };
        var configuration = new ConfigurationBuilder()
            .AddHoconWithOverrides("hocon.conf", _prefix, ["--server:port=9100"], readerOptions: files)
            .Build();

        Assert.Equal(["HoconConfigurationProvider", "SettingsEnvironmentVariablesProvider", "SettingsCommandLineProvider"], configuration.Providers.Select(p => p.GetType().Name));
        Assert.Equal("command-line argument --server:port=9100", configuration.DescribeOrigin("server:port"));
        Assert.Equal("9100", configuration["server:port"]);
        Assert.Equal("0.0.0.0", configuration["server:host"]);
        Assert.Equal("hocon", configuration["server:name"]);
    }

    public void Dispose()
    {
        foreach (var variable in _variables) Environment.SetEnvironmentVariable(variable, null);
    }

    private IConfigurationRoot Build(string[] args, Dictionary<string, string>? switchMappings = null)
        => new ConfigurationBuilder()
            .AddHocon(Hocon, "hocon.conf", new HoconReaderOptions { EnvironmentLookup = _ => null })
            .AddEnvironmentVariables(_prefix)
            .AddCommandLine(args, switchMappings)
            .Build();

    private void SetVariable(string name, string value)
    {
        _variables.Add(_prefix + name);
        Environment.SetEnvironmentVariable(_prefix + name, value);
    }
}
