using System.Collections;
using Akka.Hosting;
using ActorWs.Hosting.Configuration;
using ActorWs.Hosting.Configuration.Hocon;
using ActorWs.Hosting.Hosting;
using ActorWs.Hosting.Settings;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ActorWs.Hosting.Tests.Settings;

/// <summary>The cluster's settings in the <c>akka</c> section: read, checked, and overridden as every other setting is.</summary>
public sealed class ClusterSettingsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorws-cluster-settings-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A real file on disk, so that messages name it as the executable names a user's file.</summary>
    private string WriteConfig(string hocon)
    {
        string path = Path.Combine(_dir, "cluster.conf");
        File.WriteAllText(path, hocon);
        return path;
    }

    /// <summary>The file, then the given environment variables, then the command line: the executable's order and switches.</summary>
    private static IConfigurationRoot Configure(string file, string[]? args = null, IDictionary<string, string>? environment = null) =>
        new ConfigurationBuilder()
            .AddHoconFile(file)
            .Add(new SettingsEnvironmentVariablesSource(ActorWsConfiguration.EnvironmentPrefix, () => new Hashtable((IDictionary)(environment ?? new Dictionary<string, string>()))))
            .Add(new SettingsCommandLineSource(args ?? [], new Dictionary<string, string>(ActorWsConfiguration.SwitchMappings), new Dictionary<string, string>(ActorWsConfiguration.ListSwitches)))
            .Build();

    private static IReadOnlyList<string> Errors(IConfigurationRoot configuration)
    {
        var ex = Record.Exception(() => ClusterSettings.Read(configuration));
        return ex is ConfigurationValidationException invalid ? invalid.Errors : ex is null ? [] : throw ex;
    }

    [Fact]
    public void TheShippedHoconConf_IsASingleNode_AndItsClusterKeysStateTheBuiltInDefaults()
    {
        var shipped = new ConfigurationBuilder().AddHoconFile(ServerSettingsTests.RepoHoconConf()).Build();
        Assert.Null(ClusterSettings.Read(shipped)); // provider = local: no cluster
        // Switched on, the file's values are exactly the options' defaults.
        var switchedOn = new ConfigurationBuilder().AddHoconFile(ServerSettingsTests.RepoHoconConf())
            .AddInMemoryCollection(new Dictionary<string, string?> { ["akka:actor:provider"] = "cluster" }).Build();
        var fromFile = ClusterSettings.Read(switchedOn)!;
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(new ActorWsClusterOptions()), System.Text.Json.JsonSerializer.Serialize(fromFile));
    }

    [Fact]
    public void EveryClusterKeyInHoconConf_IsRead_AndABadValueOfIt_IsRefused()
    {
        // A key in the file that nothing reads would be a setting that silently does nothing.
        var shipped = new ConfigurationBuilder().AddHoconFile(ServerSettingsTests.RepoHoconConf()).Build();
        var keys = shipped.GetSection("akka:remote").AsEnumerable().Concat(shipped.GetSection("akka:cluster").AsEnumerable())
            .Where(kv => !shipped.GetSection(kv.Key).GetChildren().Any())
            .Select(kv => kv.Key)
            .ToList();
        Assert.Equal(13, keys.Count);
        foreach (var key in keys)
        {
            var broken = new ConfigurationBuilder().AddHoconFile(ServerSettingsTests.RepoHoconConf())
                .AddInMemoryCollection(new Dictionary<string, string?> { [key] = "not-a-valid-value-%" }).Build();
            var ex = Record.Exception(() => ClusterSettings.Read(broken));
            var invalid = Assert.IsType<ConfigurationValidationException>(ex);
            Assert.Contains(key.Replace(':', '.'), invalid.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ValidSettings_AreRead_IntoTheOptions()
    {
        var options = ClusterSettings.Read(Configure(WriteConfig("""
            akka {
              actor.provider = cluster
              remote.dot-netty.tcp { hostname = "0.0.0.0", port = 4100, public-hostname = "node-1.internal" }
              cluster {
                seed-nodes = ["10.0.0.1:4100", "akka.tcp://actorws@10.0.0.2:4100", "[::1]:4100"]
                roles = [web, "eu-west.1"]
                min-nr-of-members = 2
                split-brain-resolver { stable-after = 30s, down-all-when-unstable = 15s, keep-majority.role = web }
                failure-detector { heartbeat-interval = 500ms, acceptable-heartbeat-pause = 5s, threshold = 10.5 }
              }
            }
            """)))!;
        Assert.Equal("0.0.0.0", options.HostName);
        Assert.Equal(4100, options.Port);
        Assert.Equal("node-1.internal", options.PublicHostName);
        Assert.Equal(["akka.tcp://actorws@10.0.0.1:4100", "akka.tcp://actorws@10.0.0.2:4100", "akka.tcp://actorws@[::1]:4100"], options.SeedNodeAddresses());
        Assert.Equal(["web", "eu-west.1"], options.Roles);
        Assert.Equal(2, options.MinimumMembers);
        Assert.Equal(TimeSpan.FromSeconds(30), options.StableAfter);
        Assert.True(options.DownAllWhenUnstable);
        Assert.Equal(TimeSpan.FromSeconds(15), options.DownAllWhenUnstableAfter);
        Assert.Equal("web", options.SplitBrainRole);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.HeartbeatInterval);
        Assert.Equal(TimeSpan.FromSeconds(5), options.AcceptableHeartbeatPause);
        Assert.Equal(10.5, options.FailureThreshold);

        var off = ClusterSettings.Read(Configure(WriteConfig("akka { actor.provider = cluster, cluster.split-brain-resolver.down-all-when-unstable = off }")))!;
        Assert.False(off.DownAllWhenUnstable);
        Assert.Null(off.DownAllWhenUnstableAfter);
    }

    [Fact]
    public void BadSettings_AreAllReported_EachWithFileLineAndKey()
    {
        string file = WriteConfig("""
            akka {
              actor.provider = cluster
              remote.dot-netty.tcp {
                hostname = "0.0.0.0"
                port = 70000
              }
              cluster {
                seed-nodes = ["10.0.0.1", "akka.tcp://other@10.0.0.2:4053", "10.0.0.3:0"]
                roles = ["a role"]
                split-brain-resolver {
                  active-strategy = keep-oldest
                  stable-after = soon
                  down-all-when-unstable = sometimes
                }
                failure-detector.threshold = 0
              }
            }
            """);
        var errors = Errors(Configure(file));
        string seedForm = "expected a seed node as host:port (such as 10.0.0.1:4053) or akka.tcp://actorws@host:port";
        Assert.Equal(
        [
            $"akka.remote.dot-netty.tcp.port at {file}:5: expected an integer 0–65535, got \"70000\"",
            $"akka.remote.dot-netty.tcp.public-hostname: expected the address other nodes reach this one at, since akka.remote.dot-netty.tcp.hostname at {file}:4 binds every interface, got null",
            $"akka.cluster.seed-nodes.0 at {file}:8: {seedForm}, got \"10.0.0.1\"",
            $"akka.cluster.seed-nodes.1 at {file}:8: {seedForm}, got \"akka.tcp://other@10.0.0.2:4053\"",
            $"akka.cluster.seed-nodes.2 at {file}:8: {seedForm}, got \"10.0.0.3:0\"",
            $"akka.cluster.roles.0 at {file}:9: expected a role name of letters, digits, '.', '_' and '-', got \"a role\"",
            $"akka.cluster.split-brain-resolver.active-strategy at {file}:11: expected keep-majority (the split-brain resolver ActorWs sets up; see README, Cluster), got \"keep-oldest\"",
            $"akka.cluster.split-brain-resolver.stable-after at {file}:12: expected a duration such as 10s, 500ms or 2 minutes between 1s and 1h, got \"soon\"",
            $"akka.cluster.split-brain-resolver.down-all-when-unstable at {file}:13: expected on (3/4 of stable-after, at least 4s), off, or a duration between 1s and 1h, got \"sometimes\"",
            $"akka.cluster.failure-detector.threshold at {file}:15: expected a number between 1 and 100, got \"0\"",
        ], errors);
    }

    [Fact]
    public void SeedNodes_WithoutTheClusterProvider_AreRefused_NamingWhereTheProviderWasSet()
    {
        string file = WriteConfig("akka {\n  actor.provider = local\n}\n");
        var errors = Errors(Configure(file, ["--cluster-seed", "10.0.0.1:4053"]));
        Assert.Equal(
            [$"akka.cluster.seed-nodes.0 at command-line argument --cluster-seed 10.0.0.1:4053: expected no seed nodes while akka.actor.provider at {file}:2 is not cluster (set akka.actor.provider = cluster, or --akka:actor:provider=cluster, to join them), got \"10.0.0.1:4053\""],
            errors);
    }

    [Fact]
    public void ClusterSeed_IsRepeatable_AndReplacesTheFilesListWhole_InTheOrderGiven()
    {
        string file = WriteConfig("""
            akka.actor.provider = cluster
            akka.cluster.seed-nodes = ["10.9.9.1:4053", "10.9.9.2:4053", "10.9.9.3:4053"]
            """);
        var fromFile = ClusterSettings.Read(Configure(file))!;
        Assert.Equal(["10.9.9.1:4053", "10.9.9.2:4053", "10.9.9.3:4053"], fromFile.SeedNodes);

        // Two seeds on the command line: those two, not a merge of them over the file's first two items and its third.
        var fromCommandLine = ClusterSettings.Read(Configure(file, ["--cluster-seed", "127.0.0.1:4091", "--cluster-seed=127.0.0.1:4092", "--cluster-port", "4093", "--cluster-host", "localhost"]))!;
        Assert.Equal(["127.0.0.1:4091", "127.0.0.1:4092"], fromCommandLine.SeedNodes);
        Assert.Equal(4093, fromCommandLine.Port);
        Assert.Equal("localhost", fromCommandLine.HostName);

        // A bad one is named by its argument.
        var errors = Errors(Configure(file, ["--cluster-seed", "127.0.0.1:4091", "--cluster-seed", "nonsense"]));
        Assert.Equal(["akka.cluster.seed-nodes.1 at command-line argument --cluster-seed nonsense: expected a seed node as host:port (such as 10.0.0.1:4053) or akka.tcp://actorws@host:port, got \"nonsense\""], errors);
    }

    [Fact]
    public void EnvironmentVariables_SetTheClusterSettings_AsEverySettingIsSet_AndTheCommandLineStillWins()
    {
        string file = WriteConfig("akka.cluster.seed-nodes = [\"10.9.9.1:4053\", \"10.9.9.2:4053\"]");
        var environment = new Dictionary<string, string>
        {
            ["ACTORWS__AKKA__ACTOR__PROVIDER"] = "cluster",
            ["ACTORWS__AKKA__REMOTE__DOT_NETTY__TCP__PORT"] = "4200",
            ["ACTORWS__AKKA__CLUSTER__SEED_NODES__0"] = "10.1.1.1:4200",
            ["ACTORWS__AKKA__CLUSTER__SPLIT_BRAIN_RESOLVER__STABLE_AFTER"] = "40s",
        };
        var options = ClusterSettings.Read(Configure(file, environment: environment))!;
        Assert.Equal(4200, options.Port);
        Assert.Equal(["10.1.1.1:4200"], options.SeedNodes); // the variable's list, whole: not merged with the file's second item
        Assert.Equal(TimeSpan.FromSeconds(40), options.StableAfter);

        var overridden = ClusterSettings.Read(Configure(file, ["--cluster-port", "4300", "--cluster-seed", "10.2.2.2:4300"], environment))!;
        Assert.Equal(4300, overridden.Port);
        Assert.Equal(["10.2.2.2:4300"], overridden.SeedNodes);

        var bad = new Dictionary<string, string>(environment) { ["ACTORWS__AKKA__REMOTE__DOT_NETTY__TCP__PORT"] = "-1" };
        Assert.Equal(["akka.remote.dot-netty.tcp.port at environment variable ACTORWS__AKKA__REMOTE__DOT_NETTY__TCP__PORT: expected an integer 0–65535, got \"-1\""],
            Errors(Configure(file, environment: bad)));
    }

    [Fact]
    public void TheExecutablesCheck_ReportsClusterSettings_WithTheRest_AndKnowsTheClusterSwitches()
    {
        string file = WriteConfig("server.port = \"80a\"\nakka.actor.provider = cluster\n");
        string[] args = ["--config", file, "--cluster-seed", "nonsense", "--cluster-sed", "10.0.0.1:4053"];
        var configuration = (IConfigurationRoot)new ConfigurationBuilder().AddActorWsConfiguration(args).Build();
        var ex = Assert.Throws<ConfigurationValidationException>(() => ActorWsConfiguration.Validate(configuration, args));
        Assert.Contains("command-line argument --cluster-sed 10.0.0.1:4053: unknown switch; did you mean --cluster-seed 10.0.0.1:4053? (known switches: --port, --host, --config, --cluster-host, --cluster-port, --cluster-seed (repeatable), and --<setting>=<value> for any setting, such as --server:port=9000)", ex.Errors);
        Assert.Contains($"server.port at {file}:1: expected an integer 0–65535, got \"80a\"", ex.Errors);
        Assert.Contains("akka.cluster.seed-nodes.0 at command-line argument --cluster-seed nonsense: expected a seed node as host:port (such as 10.0.0.1:4053) or akka.tcp://actorws@host:port, got \"nonsense\"", ex.Errors);
        Assert.Equal(3, ex.Errors.Count);

        string[] missing = ["--config", file, "--cluster-seed"];
        var noValue = Assert.Throws<ConfigurationValidationException>(() => ActorWsConfiguration.Validate((IConfigurationRoot)new ConfigurationBuilder().AddActorWsConfiguration(missing).Build(), missing));
        Assert.Contains(noValue.Errors, e => e.StartsWith("command-line argument --cluster-seed: no value follows it", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("10.0.0.1:4053", "akka.tcp://actorws@10.0.0.1:4053")]
    [InlineData(" node-1.internal:4053 ", "akka.tcp://actorws@node-1.internal:4053")]
    [InlineData("[::1]:4053", "akka.tcp://actorws@[::1]:4053")]
    [InlineData("akka.tcp://actorws@10.0.0.1:4053", "akka.tcp://actorws@10.0.0.1:4053")]
    [InlineData("akka.tcp://actorws@10.0.0.1:4053/", "akka.tcp://actorws@10.0.0.1:4053")]
    [InlineData("10.0.0.1", null)]              // no port
    [InlineData("10.0.0.1:0", null)]            // a seed is dialled: it needs its real port
    [InlineData("10.0.0.1:65536", null)]
    [InlineData("::1:4053", null)]              // IPv6 without brackets: which colon is the port's?
    [InlineData("akka.tcp://other@10.0.0.1:4053", null)] // another actor system never answers the join
    [InlineData("akka://actorws@10.0.0.1:4053", null)]   // not a remote address
    [InlineData("http://10.0.0.1:4053", null)]
    [InlineData("actorws@10.0.0.1:4053", null)]
    [InlineData("bad host:4053", null)]
    [InlineData("", null)]
    public void ASeedNode_IsHostAndPort_OrAnAddressOfThisActorSystem(string seed, string? expected)
    {
        Assert.Equal(expected, ActorWsClusterOptions.NormalizeSeedNode(seed, "actorws"));
    }

    [Fact]
    public void OptionsSetInCode_AreCheckedLikeTheFile_AndWithActorWsClusteringRefusesBadOnes_NamingEveryProblem()
    {
        var options = new ActorWsClusterOptions { HostName = "::", Port = -1, SeedNodes = ["nowhere"], Roles = ["ok", "not ok"], StableAfter = TimeSpan.Zero };
        Assert.Equal(
        [
            "Port: expected 0–65535, got -1",
            "PublicHostName: expected the address other nodes reach this one at, since HostName :: binds every interface",
            "SeedNodes: expected a seed node as host:port (such as 10.0.0.1:4053) or akka.tcp://actorws@host:port, got \"nowhere\"",
            "Roles: expected a role name of letters, digits, '.', '_' and '-', got \"not ok\"",
            "StableAfter: expected a positive duration, got 00:00:00",
        ], options.Validate());
        Assert.Empty(new ActorWsClusterOptions().Validate());

        var services = new ServiceCollection();
        var ex = Assert.Throws<ArgumentException>(() => new AkkaConfigurationBuilder(services, "actorws").WithActorWsClustering(options));
        Assert.StartsWith("Invalid cluster options:\nPort: expected 0–65535, got -1\n", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheResolversTimings_AreWrittenAsAkkaReadsThem()
    {
        Assert.Equal("akka.cluster.split-brain-resolver {\n  stable-after = 20000ms\n  down-all-when-unstable = on\n}",
            ActorWsClusterHostingExtensions.SplitBrainTimings(new ActorWsClusterOptions()));
        Assert.Equal("akka.cluster.split-brain-resolver {\n  stable-after = 7500ms\n  down-all-when-unstable = 12000ms\n}",
            ActorWsClusterHostingExtensions.SplitBrainTimings(new ActorWsClusterOptions { StableAfter = TimeSpan.FromSeconds(7.5), DownAllWhenUnstableAfter = TimeSpan.FromSeconds(12) }));
        Assert.Contains("down-all-when-unstable = off", ActorWsClusterHostingExtensions.SplitBrainTimings(new ActorWsClusterOptions { DownAllWhenUnstable = false, DownAllWhenUnstableAfter = TimeSpan.FromSeconds(12) }));
    }
}
