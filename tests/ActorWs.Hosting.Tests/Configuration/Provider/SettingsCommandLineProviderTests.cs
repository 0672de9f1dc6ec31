using ActorWs.Hosting.Configuration;
using Microsoft.Extensions.Configuration;

namespace ActorWs.Hosting.Tests.Configuration.Provider;

/// <summary>
/// The command-line provider reads arguments exactly as the standard one does, and names the argument behind a key;
/// the argument reader agrees with the standard provider on what each argument sets.
/// </summary>
public sealed class SettingsCommandLineProviderTests
{
    private static readonly Dictionary<string, string> Mappings = new() { ["--port"] = "server:port", ["-p"] = "server:port", ["--config"] = "config" };

    public static TheoryData<string[]> ArgumentLists() => new()
    {
        new[] { "--server:port=9000" },
        new[] { "--server:port", "9000" },
        new[] { "/server:port", "9000" },
        new[] { "/server:port=9000" },
        new[] { "server:port=9000" },
        new[] { "--port", "9000", "--port=9001" },
        new[] { "-p", "9000" },
        new[] { "-p=9000" },
        new[] { "--PORT", "9000" },
        new[] { "--prot", "9000" },
        new[] { "-x", "9000", "--server:host=a" },
        new[] { "9000", "--server:host", "a" },
        new[] { "--server:host" },
        new[] { "--server:host", "--server:port", "1" },
        new[] { "--a=b=c" },
    };

    [Theory]
    [MemberData(nameof(ArgumentLists))]
    public void TheArgumentReader_SetsWhatTheStandardProviderSets(string[] args)
    {
        var standard = new ConfigurationBuilder().AddCommandLine(args, Mappings).Build().AsEnumerable().Where(kv => kv.Value is not null)
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.OrdinalIgnoreCase);
        var ours = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var argument in CommandLineArguments.Parse(args, Mappings))
        {
            if (argument.Key is { } key) ours[key] = argument.Value;
        }

        Assert.Equal(standard.OrderBy(kv => kv.Key, StringComparer.OrdinalIgnoreCase), ours.OrderBy(kv => kv.Key, StringComparer.OrdinalIgnoreCase));
    }

    [Fact]
    public void AnUnmappedShortSwitchWithEquals_IsRejectedByTheStandardProvider_AndReportedAsUnknown()
    {
        Assert.Throws<FormatException>(() => new ConfigurationBuilder().AddCommandLine(["-x=1"], Mappings).Build());
        var argument = Assert.Single(CommandLineArguments.Parse(["-x=1"], Mappings));
        Assert.Equal(CommandLineArgumentKind.UnknownSwitch, argument.Kind);
        Assert.Equal("-x", argument.Switch);
    }

    [Fact]
    public void EachArgument_IsClassified()
    {
        var kinds = CommandLineArguments.Parse(["--port", "1", "--server:host=a", "--prot=2", "stray", "-x", "3", "--config"], Mappings)
            .Select(a => (a.Text, a.Kind));
        Assert.Equal(
            [
                ("--port 1", CommandLineArgumentKind.MappedSwitch),
                ("--server:host=a", CommandLineArgumentKind.SettingPath),
                ("--prot=2", CommandLineArgumentKind.UnknownSwitch),
                ("stray", CommandLineArgumentKind.Stray),
                ("-x 3", CommandLineArgumentKind.UnknownSwitch),
                ("--config", CommandLineArgumentKind.MissingValue),
            ],
            kinds);
    }

    [Fact]
    public void TheArgumentThatSetAKey_IsItsOrigin_TheLastOneWinning()
    {
        var configuration = new ConfigurationBuilder()
            .Add(new SettingsCommandLineSource(["--port", "1", "--server:host=a", "--port=2", "--server:backlog", "5"], Mappings))
            .Build();
        Assert.Equal("2", configuration["server:port"]);
        Assert.Equal("command-line argument --port=2", configuration.DescribeOrigin("server:port"));
        Assert.Equal("command-line argument --server:host=a", configuration.DescribeOrigin("SERVER:HOST"));
        Assert.Equal("command-line argument --server:backlog 5", configuration.DescribeOrigin("server:backlog"));
        Assert.Null(configuration.DescribeOrigin("server:absent"));
    }
}
