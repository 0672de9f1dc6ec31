using System.Net;
using System.Net.Sockets;
using ActorWs.Bench.Building;
using ActorWs.Bench.LoadGeneration;
using ActorWs.Bench.TickServer;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace ActorWs.Bench.Tests.LoadGeneration;

/// <summary>
/// The generator against real in-process servers. Its <c>--target</c>, given twice: a short real echo run against two
/// servers spreads its connections round-robin over them, and a target where nothing listens gets exactly its share of
/// the connections (refused), so the spread is over real addresses. The broadcast's <c>--rate</c>: the senders send at
/// that rate whatever comes back (open loop), and every member still gets every message. Needs gcc, as the tool does.
/// </summary>
public sealed class LoadGeneratorTargetsTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private readonly CancellationTokenSource _deadline = new(Deadline);
    private DirectoryInfo? _folder;
    private string? _generator;
    private readonly List<RunningTickServer> _servers = [];

    public async Task InitializeAsync()
    {
        if (!GccIsInstalled()) return;
        var layout = RepositoryLayout.Locate(null) ?? throw new InvalidOperationException("the tests run inside the repository");
        _folder = Directory.CreateTempSubdirectory("loadgen-targets-");
        _generator = Path.Combine(_folder.FullName, "loadgen");
        var outcome = await LoadGeneratorBuilder.BuildAsync(layout, _generator, _deadline.Token);
        Assert.True(outcome.Succeeded, outcome.Message);
        for (var i = 0; i < 2; i++)
        {
            _servers.Add(await TickServerHost.StartAsync(new TickServerArguments("127.0.0.1", 0, 30, 64), NullLoggerFactory.Instance, _deadline.Token));
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.StopAsync().WaitAsync(Deadline);
            await server.DisposeAsync();
        }

        _folder?.Delete(recursive: true);
        _deadline.Dispose();
    }

    private Task<LoadGenRecord> EchoAsync(params int[] ports) =>
        RunAsync(
        [
            "echo", .. ports.SelectMany(p => new[] { "--target", $"127.0.0.1:{p}" }),
            "--connections", "6", "--warmup", "0", "--duration", "0.5", "--connect-timeout", "5", "--close-timeout", "2",
        ]);

    private async Task<LoadGenRecord> RunAsync(params string[] arguments)
    {
        var run = await CommandRunner.RunAsync(_generator!, arguments, _folder!.FullName, TimeSpan.FromSeconds(30), _deadline.Token);
        Assert.True(run.Succeeded, run.Output);
        var result = run.Output.Split('\n').Select(LoadGenRecord.Parse).OfType<LoadGenRecord>().LastOrDefault(r => r.Event == LoadGenRecord.Result);
        return result ?? throw new Xunit.Sdk.XunitException($"no result line:\n{run.Output}");
    }

    [Fact]
    public async Task Connections_go_round_robin_over_every_target()
    {
        if (_generator is null) return; // no gcc: the tool cannot run either

        var result = await EchoAsync(_servers[0].LocalEndPoint.Port, _servers[1].LocalEndPoint.Port);

        Assert.Equal(2, result.Number("targets"));
        Assert.Equal("3,3", result.Fields["opened_by_target"]);
        Assert.Equal(6, result.Number("opened"));
        Assert.True(result.Number("messages") > 0, "no echo came back");
        Assert.Equal(0, result.Sum("err_connect", "err_handshake", "err_protocol", "err_closed", "err_timeout", "mismatches"));
    }

    [Fact]
    public async Task A_target_that_is_not_there_gets_its_share_of_the_connections_refused()
    {
        if (_generator is null) return;
        int nowhere;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            nowhere = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var result = await EchoAsync(_servers[0].LocalEndPoint.Port, nowhere);

        Assert.Equal("3,0", result.Fields["opened_by_target"]);
        Assert.Equal(3, result.Number("opened"));
        Assert.Equal(3, result.Number("err_connect"));
    }

    [Fact]
    public async Task An_open_loop_broadcast_sends_at_its_rate_and_every_member_gets_every_message()
    {
        if (_generator is null) return;

        // 8 members of one room, 2 of them sending 100 messages/s together for two seconds: a closed loop on loopback
        // turns round far faster than that, so the count shows the rate is the generator's, not the server's. The warm-up
        // is 2 s: the test's server is cold (its room path compiles under the first messages), and with 0.5 s a busy CI
        // box once delivered the warm-up's late messages inside the window (delivery ratio 1.11).
        var result = await RunAsync(
            "broadcast", "--port", _servers[0].LocalEndPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--members", "8", "--senders", "2", "--rate", "100", "--warmup", "2", "--duration", "2",
            "--connect-timeout", "5", "--close-timeout", "2");

        Assert.Equal(100, result.Number("rate"));
        Assert.InRange(result.Number("sends_per_sec") ?? 0, 90, 110);
        Assert.InRange(result.Number("delivery_ratio") ?? 0, 0.95, 1.05);
        Assert.Equal(8, result.Number("open_at_end"));
        Assert.Equal(0, result.Sum("gaps", "bad_messages", "stalls"));
    }

    private static bool GccIsInstalled() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, "gcc")));
}
