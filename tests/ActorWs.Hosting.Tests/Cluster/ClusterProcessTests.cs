using System.Diagnostics;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ActorWs.Hosting.Tests.Cluster;

/// <summary>
/// Clustering as a person meets it: <c>scripts/cluster.sh</c> starting three real server processes, and the executable
/// alone, single or misconfigured.
/// </summary>
[Collection(ClusterProcessesCollection.Name)]
public sealed partial class ClusterProcessTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(150);
    private readonly string _workDir = Directory.CreateTempSubdirectory("actorws-cluster-exe-").FullName;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);

    private const int SIGINT = 2;
    private const int SIGTERM = 15;

    public void Dispose() => Directory.Delete(_workDir, recursive: true);

    private CapturedProcess Start(string fileName, IEnumerable<string> args) => CapturedProcess.Start(fileName, args, _workDir);

    private CapturedProcess StartServer(params string[] args) => Start("dotnet", [Path.Combine(AppContext.BaseDirectory, "ActorWs.dll"), .. args]);

    private static string RepositoryRoot() => Path.GetDirectoryName(Settings.ServerSettingsTests.RepoHoconConf())!;

    private CapturedProcess StartScript(params string[] args) =>
        Start("bash", [Path.Combine(RepositoryRoot(), "scripts", "cluster.sh"), "--dll", Path.Combine(AppContext.BaseDirectory, "ActorWs.dll"), "--timeout", "120", .. args]);

    private static bool IsAlive(int pid) => Directory.Exists($"/proc/{pid}") && File.ReadAllText($"/proc/{pid}/cmdline").Contains("ActorWs.dll", StringComparison.Ordinal);

    [GeneratedRegex(@"^  node(?<n>\d)  (?<http>http://127\.0\.0\.1:\d+/)  ws://127\.0\.0\.1:\d+/ws  http://127\.0\.0\.1:\d+/cluster  (?<address>akka\.tcp://actorws@127\.0\.0\.1:\d+)  \(pid (?<pid>\d+), log (?<log>\S+)\)$")]
    private static partial Regex NodeLine();

    [Fact]
    public async Task TheClusterScript_StartsThreeNodesThatAreAllUp_PrintsTheirUrls_AndCtrlCStopsAllThree_WithExitCodeZero()
    {
        if (!OperatingSystem.IsLinux()) return; // a bash script and POSIX signals; CI runs on Linux
        using var script = StartScript("--http-ports", "0,0,0", "--cluster-ports", "0,0,0");
        await script.WaitForLineAsync(line => line == "Press Ctrl+C to stop all three.", Wait);
        var nodes = script.Output.Split('\n').Select(line => NodeLine().Match(line)).Where(m => m.Success).ToList();
        Assert.Equal(["1", "2", "3"], nodes.Select(m => m.Groups["n"].Value));
        Assert.Contains("ActorWs cluster of 3 nodes is Up (in ", script.Output);
        var addresses = nodes.Select(m => m.Groups["address"].Value).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(3, addresses.Distinct().Count());
        var pids = nodes.Select(m => int.Parse(m.Groups["pid"].Value, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.All(pids, pid => Assert.True(IsAlive(pid), $"pid {pid} is not a running server"));

        // Each node, asked over TCP, sees the same three members, all Up; and it is the node the script says it is.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        foreach (var node in nodes)
        {
            var view = JsonDocument.Parse(await http.GetStringAsync(node.Groups["http"].Value + "cluster")).RootElement;
            Assert.Equal(node.Groups["address"].Value, view.GetProperty("self").GetProperty("address").GetString());
            var members = view.GetProperty("members").EnumerateArray().ToList();
            Assert.Equal(addresses, members.Select(m => m.GetProperty("address").GetString()!).Order(StringComparer.Ordinal).ToArray());
            Assert.All(members, m => Assert.Equal("up", m.GetProperty("status").GetString()));
            Assert.True(File.Exists(node.Groups["log"].Value));
        }

        // Ctrl+C: every node stops gracefully (leaving the cluster), exits 0, and none is left behind.
        Assert.Equal(0, kill(script.Process.Id, SIGINT));
        await script.Process.WaitForExitAsync(new CancellationTokenSource(Wait).Token);
        script.Process.WaitForExit(); // flush the output readers
        Assert.Equal(0, script.Process.ExitCode);
        for (int i = 0; i < 3; i++) Assert.Contains($"node{i + 1} (pid {pids[i]}) exited with 0\n", script.Output);
        Assert.All(pids, pid => Assert.False(IsAlive(pid), $"pid {pid} outlived the script"));
        // They left the cluster on the way out, rather than being lost.
        string log2 = await File.ReadAllTextAsync(nodes[1].Groups["log"].Value);
        Assert.Contains("Exiting completed", log2);
        // And each ran its remoting with compiled handlers (the executable turns dynamic code on for a cluster node).
        foreach (var node in nodes) Assert.DoesNotContain("Dynamic code stayed off", await File.ReadAllTextAsync(node.Groups["log"].Value));
    }

    [Fact]
    public async Task TheClusterScript_WhenANodeCannotStart_StopsTheOthers_AndExits1()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var blocker = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        blocker.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        blocker.Listen();
        int taken = ((IPEndPoint)blocker.LocalEndPoint!).Port;
        using var script = StartScript("--http-ports", "0,0,0", "--cluster-ports", $"0,{taken},0");
        await script.Process.WaitForExitAsync(new CancellationTokenSource(Wait).Token);
        script.Process.WaitForExit();
        Assert.Equal(1, script.Process.ExitCode);
        string output = script.Output;
        Assert.Contains("cluster.sh: node2 exited while starting", output);
        Assert.Contains($"ActorWs: cannot start: cluster port {taken} in use on 127.0.0.1 (use --cluster-port N for another port)", output);
        Assert.Contains(output.Split('\n'), line => Regex.IsMatch(line, @"^node2 \(pid \d+\) exited with 1$"));
        // The node that had started is stopped, not left behind.
        var node1 = Regex.Match(output, @"^node1 \(pid (\d+)\) exited with 0$", RegexOptions.Multiline);
        Assert.True(node1.Success, output);
        Assert.False(IsAlive(int.Parse(node1.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task ASingleNodeProcess_LoadsNothingOfRemotingOrTheCluster_AndSaysClusteringIsOff()
    {
        if (!OperatingSystem.IsLinux()) return; // /proc
        using var server = StartServer("--port", "0");
        string line = await server.WaitForLineAsync(l => l.Contains("ActorWs listening on", StringComparison.Ordinal), Wait);
        int port = int.Parse(Regex.Match(line, @"http://127\.0\.0\.1:(\d+)/").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.DoesNotContain("cluster /cluster", line); // the startup line names it only on a cluster node
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var view = JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/cluster")).RootElement;
        Assert.False(view.GetProperty("enabled").GetBoolean());
        await http.GetStringAsync($"http://127.0.0.1:{port}/metrics");

        // The assemblies the process has mapped: Akka.NET's core is there, its remoting and cluster are not.
        var mapped = File.ReadAllLines($"/proc/{server.Process.Id}/maps")
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "")
            .Where(path => path.EndsWith(".dll", StringComparison.Ordinal))
            .Select(Path.GetFileName)
            .ToHashSet(StringComparer.Ordinal);
        Assert.Contains("Akka.dll", mapped);
        Assert.Contains("ActorWs.Server.dll", mapped);
        Assert.DoesNotContain(mapped, name => name!.StartsWith("Akka.Remote", StringComparison.Ordinal) || name.StartsWith("Akka.Cluster", StringComparison.Ordinal) || name.StartsWith("DotNetty", StringComparison.Ordinal));

        Assert.Equal(0, kill(server.Process.Id, SIGTERM));
        await server.Process.WaitForExitAsync(new CancellationTokenSource(Wait).Token);
        Assert.Equal(0, server.Process.ExitCode);
    }

    [Fact]
    public async Task ABadClusterSetting_StopsTheStart_WithFileLineAndKey_AndExitCode2()
    {
        string config = Path.Combine(_workDir, "cluster.conf");
        await File.WriteAllTextAsync(config, "akka {\n  actor.provider = cluster\n  cluster.seed-nodes = [\"10.0.0.1\"]\n}\n");
        using var server = StartServer("--config", config, "--port", "0");
        await server.Process.WaitForExitAsync(new CancellationTokenSource(Wait).Token);
        server.Process.WaitForExit();
        Assert.Equal(2, server.Process.ExitCode);
        Assert.Contains($"ActorWs: bad configuration:\nakka.cluster.seed-nodes.0 at {config}:3: expected a seed node as host:port (such as 10.0.0.1:4053) or akka.tcp://actorws@host:port, got \"10.0.0.1\"", server.Output);
        Assert.DoesNotContain("listening", server.Output);
    }

    [Fact]
    public async Task AClusterPortInUse_IsReportedInOneLine_AndExitCode1()
    {
        using var blocker = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        blocker.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        blocker.Listen();
        int port = ((IPEndPoint)blocker.LocalEndPoint!).Port;
        using var server = StartServer("--port", "0", "--akka:actor:provider=cluster", "--cluster-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await server.Process.WaitForExitAsync(new CancellationTokenSource(Wait).Token);
        server.Process.WaitForExit();
        Assert.Equal(1, server.Process.ExitCode);
        Assert.Contains($"ActorWs: cannot start: cluster port {port} in use on 127.0.0.1 (use --cluster-port N for another port)\n", server.Output);
        Assert.DoesNotContain("Unhandled exception", server.Output);
        Assert.DoesNotContain("listening", server.Output);
    }
}

/// <summary>
/// The test classes that start clusters of server processes run one after the other: three processes each already
/// share this machine's two cores, and a graceful stop waits for every node to leave.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ClusterProcessesCollection
{
    public const string Name = "cluster processes";
}
