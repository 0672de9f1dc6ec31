using ActorWs.Hosting.Configuration;
using ActorWs.Hosting.Configuration.Hocon;
using Microsoft.Extensions.Configuration;

namespace ActorWs.Hosting.Tests.Configuration.Provider;

/// <summary>The HOCON configuration provider: key mapping, origins, files, errors.</summary>
public sealed class HoconConfigurationProviderTests
{
    private static readonly HoconReaderOptions NoEnvironment = new() { EnvironmentLookup = _ => null };

    [Fact]
    public void Paths_become_colon_keys_and_arrays_become_indexed_keys()
    {
        var configuration = new ConfigurationBuilder().AddHocon(
            "server { port : 8080, host : \"0.0.0.0\", tls.enabled : true }\nlimits.ratio : 1.50\nnames : [a, b]\nnothing : null\nempty {}\nnone : []",
            "hocon.conf",
            NoEnvironment).Build();

        Assert.Equal("8080", configuration["server:port"]);
        Assert.Equal("0.0.0.0", configuration["SERVER:HOST"]);
        Assert.Equal("true", configuration["server:tls:enabled"]);
        Assert.Equal("1.50", configuration["limits:ratio"]);
        Assert.Equal(["a", "b"], configuration.GetSection("names").GetChildren().Select(c => c.Value));
        Assert.Equal("b", configuration["names:1"]);
        Assert.Null(configuration["nothing"]);
        Assert.True(configuration.GetSection("empty").Exists() || configuration.AsEnumerable().Any(kv => kv.Key == "empty"));
        Assert.Contains(configuration.AsEnumerable(), kv => kv.Key == "none" && kv.Value is null);
    }

    [Fact]
    public void Every_key_knows_the_file_and_line_of_its_value()
    {
        var configuration = new ConfigurationBuilder().AddHocon("server {\n  port : 8080\n  names : [\n    a\n    b\n  ]\n}", "hocon.conf", NoEnvironment).Build();
        var provider = Assert.IsAssignableFrom<IHoconOriginLookup>(configuration.Providers.Single());
        Assert.True(provider.TryGetOrigin("server:port", out var origin));
        Assert.Equal("hocon.conf:2", origin.ToString());
        Assert.True(provider.TryGetOrigin("SERVER:NAMES:1", out origin));
        Assert.Equal(5, origin.Line);
        Assert.False(provider.TryGetOrigin("server:absent", out _));
        Assert.Equal("hocon.conf:2", configuration.DescribeOrigin("server:port"));
    }

    [Fact]
    public void A_file_on_disk_is_read_with_its_includes()
    {
        var directory = Path.Combine(Path.GetTempPath(), "actorws-provider-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            var path = Path.Combine(directory, "hocon.conf");
            File.WriteAllText(path, "server.port : 80\ninclude \"local.conf\"\n");
            File.WriteAllText(Path.Combine(directory, "local.conf"), "server.port : 9090\n");
            var configuration = new ConfigurationBuilder().AddHoconFile(path).Build();
            Assert.Equal("9090", configuration["server:port"]);
            Assert.Equal(Path.Combine(directory, "local.conf") + ":1", configuration.DescribeOrigin("server:port"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void A_missing_file_is_an_error_unless_optional()
    {
        var files = new HoconReaderOptions { FileSystem = new HoconInMemoryFileSystem("/app") };
        var error = Assert.Throws<HoconException>(() => new ConfigurationBuilder().AddHoconFile("hocon.conf", readerOptions: files).Build());
        Assert.Equal("hocon.conf: the configuration file does not exist (pass optional: true to allow that)", error.Message);
        var configuration = new ConfigurationBuilder().AddHoconFile("hocon.conf", optional: true, readerOptions: files).Build();
        Assert.Empty(configuration.AsEnumerable());
    }

    [Fact]
    public void Invalid_hocon_stops_the_build_with_the_file_and_line()
    {
        var error = Assert.Throws<HoconException>(() => new ConfigurationBuilder().AddHocon("server {\n  port = 80,,\n}", "hocon.conf", NoEnvironment).Build());
        Assert.Equal("hocon.conf:2: two commas in a row", error.Message);
    }

    [Fact]
    public void The_resolved_tree_is_available_for_typed_reads()
    {
        var configuration = new ConfigurationBuilder().AddHocon("server.idle-timeout : 2 minutes", "hocon.conf", NoEnvironment).Build();
        var provider = Assert.IsType<HoconConfigurationProvider>(configuration.Providers.Single());
        Assert.Equal(TimeSpan.FromMinutes(2), provider.Root!.GetDuration("server.idle-timeout"));
    }
}
