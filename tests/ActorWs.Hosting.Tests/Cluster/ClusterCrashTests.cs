using System.Diagnostics;
using System.Net.Http;
using System.Net.WebSockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using Xunit;
using Xunit.Abstractions;

namespace ActorWs.Hosting.Tests.Cluster;

/// <summary>
/// Three real server processes form a cluster; clients on each are in one room; then one process is killed with SIGKILL
/// and another stopped with SIGTERM. What the survivors' clients see is what the README promises: the dead node's member
/// leaves presence within failure detection and the resolver's stable-after (or, if the room itself lived on the dead
/// node, its members are told it is gone and a join starts it afresh), nobody is left as a ghost, the survivors go on
/// serving, and a node stopping gracefully closes its WebSockets with 1012 and exits 0.
/// </summary>
[Collection(ClusterProcessesCollection.Name)]
public sealed partial class ClusterCrashTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(120);

    /// <summary>The resolver's stable-after for these nodes (20 s by default): short, so the test takes seconds.</summary>
    private const int StableAfterSeconds = 3;

    /// <summary>
    /// The bound on a crashed node's members leaving presence: failure detection (a heartbeat a second, 3 s of acceptable
    /// pause: about 5 s), then stable-after, then the removal's gossip, with room for a busy machine.
    /// </summary>
    private static readonly TimeSpan GhostBound = TimeSpan.FromSeconds(5 + StableAfterSeconds + 17);

    private readonly string _workDir = Directory.CreateTempSubdirectory("actorws-cluster-crash-").FullName;
    private readonly List<Node> _nodes = [];

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);

    private const int SIGKILL = 9;
    private const int SIGTERM = 15;

    public void Dispose()
    {
        foreach (var node in _nodes) node.Dispose();
        Directory.Delete(_workDir, recursive: true);
    }

    [GeneratedRegex(@"listening on (?<url>http://127\.0\.0\.1:\d+/)")]
    private static partial Regex ListeningLine();

    /// <summary>One server process, and the URL it said it listens on.</summary>
    private sealed class Node(string name, CapturedProcess process) : IDisposable
    {
        public string Name { get; } = name;
        public Process Process => process.Process;
        public string Http { get; set; } = "";
        public string Ws => Http.Replace("http:", "ws:", StringComparison.Ordinal) + "ws";

        public void Dispose() => process.Dispose();
    }

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private async Task<Node> StartNodeAsync(string name, string? seed)
    {
        string[] args =
        [
            Path.Combine(AppContext.BaseDirectory, "ActorWs.dll"), "--config", Settings.ServerSettingsTests.RepoHoconConf(),
            "--host", "127.0.0.1", "--port", "0", "--akka:actor:provider=cluster", "--cluster-host", "127.0.0.1", "--cluster-port", "0",
            $"--akka:cluster:split-brain-resolver:stable-after={StableAfterSeconds}s",
            "--akka:cluster:gossip-interval=200ms", "--akka:cluster:leader-actions-interval=200ms",
            .. (seed is null ? Array.Empty<string>() : ["--cluster-seed", seed]),
        ];
        var process = CapturedProcess.Start("dotnet", args, _workDir);
        var node = new Node(name, process);
        _nodes.Add(node);
        string listening = await process.WaitForLineAsync(line => ListeningLine().IsMatch(line), Wait);
        node.Http = ListeningLine().Match(listening).Groups["url"].Value;
        return node;
    }

    /// <summary>Three processes: node1 founds the cluster, the others join it; returns once each sees all three Up.</summary>
    private async Task<(Node Node1, Node Node2, Node Node3)> StartThreeNodesAsync()
    {
        var node1 = await StartNodeAsync("node1", seed: null);
        await WaitForUpMembersAsync(node1, 1);
        string seed = (await ClusterViewAsync(node1)).GetProperty("self").GetProperty("address").GetString()!.Split('@')[1];
        var node2 = await StartNodeAsync("node2", seed);
        var node3 = await StartNodeAsync("node3", seed);
        foreach (var node in _nodes) await WaitForUpMembersAsync(node, 3);
        return (node1, node2, node3);
    }

    private static async Task<JsonElement> ClusterViewAsync(Node node) =>
        JsonDocument.Parse(await Http.GetStringAsync(node.Http + "cluster")).RootElement;

    /// <summary>Waits until <paramref name="node"/> sees exactly <paramref name="up"/> members, all Up and reachable.</summary>
    private static async Task WaitForUpMembersAsync(Node node, int up)
    {
        var deadline = DateTime.UtcNow + Wait;
        string last = "";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var view = await ClusterViewAsync(node);
                last = view.ToString();
                var members = view.GetProperty("members").EnumerateArray().ToList();
                if (members.Count == up && members.All(m => m.GetProperty("status").GetString() == "up" && m.GetProperty("reachable").GetBoolean())) return;
            }
            catch (HttpRequestException)
            {
                // not answering yet
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"{node.Name} never saw {up} Up members; last /cluster: {last}");
    }

    /// <summary>A client of the JSON room protocol on <c>/ws</c>, reading everything the server sends into a queue.</summary>
    private sealed class Client : IAsyncDisposable
    {
        private readonly ClientWebSocket _socket = new();
        private readonly Channel<JsonElement> _received = Channel.CreateUnbounded<JsonElement>();
        private Task _reading = Task.CompletedTask;
        private int _ref;

        private Client(string name) => Name = name;

        public string Name { get; }
        public string SessionId { get; private set; } = "";
        public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

        public static async Task<Client> ConnectAsync(string name, string ws)
        {
            var client = new Client(name);
            await client._socket.ConnectAsync(new Uri(ws), new CancellationTokenSource(Wait).Token);
            client._reading = client.ReadAsync();
            var welcome = await client.NextAsync(m => m.GetProperty("op").GetString() == "welcome", Wait);
            client.SessionId = welcome.GetProperty("session").GetString()!;
            return client;
        }

        private async Task ReadAsync()
        {
            var buffer = new byte[64 * 1024];
            try
            {
                while (true)
                {
                    int length = 0;
                    ValueWebSocketReceiveResult result;
                    do
                    {
                        result = await _socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None);
                        length += result.Count;
                    }
                    while (!result.EndOfMessage);
                    if (result.MessageType == WebSocketMessageType.Close) break;
                    if (result.MessageType == WebSocketMessageType.Text)
                        _received.Writer.TryWrite(JsonDocument.Parse(buffer.AsMemory(0, length)).RootElement.Clone());
                }
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                // the connection ended; CloseStatus says how, if it was a close handshake
            }
            _received.Writer.TryComplete();
        }

        /// <summary>The next message <paramref name="match"/> accepts (others are skipped), within <paramref name="within"/>.</summary>
        public async Task<JsonElement> NextAsync(Func<JsonElement, bool> match, TimeSpan within)
        {
            using var timeout = new CancellationTokenSource(within);
            try
            {
                while (true)
                {
                    var message = await _received.Reader.ReadAsync(timeout.Token);
                    if (match(message)) return message;
                }
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"{Name}: no such message within {within}");
            }
            catch (ChannelClosedException)
            {
                throw new InvalidOperationException($"{Name}: the connection ended ({CloseStatus}) before such a message");
            }
        }

        /// <summary>Sends <c>{"op":op,…fields,"ref":n}</c> and returns the reply with that ref.</summary>
        public async Task<JsonElement> RequestAsync(string op, string fields)
        {
            int reference = Interlocked.Increment(ref _ref);
            string json = $"{{\"op\":\"{op}\",{fields},\"ref\":{reference}}}";
            await _socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, new CancellationTokenSource(Wait).Token);
            return await NextAsync(m => m.TryGetProperty("ref", out var r) && r.ValueKind == JsonValueKind.Number && r.GetInt32() == reference, Wait);
        }

        /// <summary>The room's incarnation, as the last join reply gave it.</summary>
        public long JoinedIncarnation { get; private set; }

        /// <summary>Joins <paramref name="room"/>; returns the members the reply lists.</summary>
        public async Task<string[]> JoinAsync(string room)
        {
            var reply = await RequestAsync("join", $"\"room\":\"{room}\"");
            Assert.Equal("ok", reply.GetProperty("status").GetString());
            JoinedIncarnation = reply.GetProperty("incarnation").GetInt64();
            return reply.GetProperty("members").EnumerateArray().Select(m => m.GetString()!).ToArray();
        }

        /// <summary>Waits for the connection to end; its close status (null without a close handshake).</summary>
        public async Task<WebSocketCloseStatus?> ClosedAsync(TimeSpan within)
        {
            await _reading.WaitAsync(within);
            return _socket.CloseStatus;
        }

        public async ValueTask DisposeAsync()
        {
            _socket.Abort();
            await _reading.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            _socket.Dispose();
        }
    }

    [Fact]
    public async Task ANodeKilled_LeavesNoGhost_TheSurvivorsServe_AndANodeStopped_Closes1012AndExits0()
    {
        if (!OperatingSystem.IsLinux()) return; // POSIX signals; CI runs on Linux

        var (node1, node2, node3) = await StartThreeNodesAsync();

        // A client on each node, all in one room (which lives on one of the three, wherever its shard went).
        await using var alice = await Client.ConnectAsync("alice@node1", node1.Ws);
        await using var bob = await Client.ConnectAsync("bob@node2", node2.Ws);
        await using var carol = await Client.ConnectAsync("carol@node3", node3.Ws);
        Assert.Equal(3, new[] { alice.SessionId, bob.SessionId, carol.SessionId }.Distinct().Count()); // ids unique across nodes
        await alice.JoinAsync("lobby");
        long firstLife = alice.JoinedIncarnation;
        await bob.JoinAsync("lobby");
        Assert.Equal([alice.SessionId, bob.SessionId, carol.SessionId], await carol.JoinAsync("lobby"));

        // SIGKILL node3: no leave, no goodbye.
        Assert.Equal(0, kill(node3.Process.Id, SIGKILL));
        var sinceKill = Stopwatch.StartNew();

        // Alice and Bob each learn, within the bound, either that Carol left (the room lived on), or that the room was
        // lost with node3 and they are in its next life, started empty on a survivor: never nothing.
        bool CarolGone(JsonElement m) =>
            (m.GetProperty("op").GetString() == "presence" && m.GetProperty("event").GetString() == "leave" && m.GetProperty("member").GetString() == carol.SessionId)
            || (m.GetProperty("op").GetString() == "notice" && m.GetProperty("room").GetString() == "lobby");
        var toldAlice = await alice.NextAsync(CarolGone, GhostBound);
        var toldBob = await bob.NextAsync(CarolGone, GhostBound);
        output.WriteLine($"told after {sinceKill.Elapsed.TotalSeconds:F1} s: {toldAlice}; {toldBob}");
        Assert.Equal(toldAlice.GetProperty("op").GetString(), toldBob.GetProperty("op").GetString());
        if (toldAlice.GetProperty("op").GetString() == "notice")
        {
            // The room was on node3: it started again on a survivor, a new life of it, with Alice and Bob in it.
            foreach (var told in new[] { toldAlice, toldBob })
            {
                Assert.Equal("restarted", told.GetProperty("event").GetString());
                Assert.Contains("lost with its node", told.GetProperty("reason").GetString());
                Assert.NotEqual(firstLife, told.GetProperty("incarnation").GetInt64());
            }
            Assert.Equal(toldAlice.GetProperty("incarnation").GetInt64(), toldBob.GetProperty("incarnation").GetInt64());
        }
        await WaitForUpMembersAsync(node1, 2);
        await WaitForUpMembersAsync(node2, 2);

        // No ghost: a newcomer on node2 sees exactly Alice, Bob and itself; and the room carries messages across nodes.
        await using var dave = await Client.ConnectAsync("dave@node2", node2.Ws);
        var members = await dave.JoinAsync("lobby");
        Assert.Equal(dave.SessionId, members[^1]);
        Assert.Equal(new[] { alice.SessionId, bob.SessionId }.Order(), members[..^1].Order()); // rejoined in whichever order
        var sent = await alice.RequestAsync("send", "\"room\":\"lobby\",\"data\":{\"text\":\"still here\"}");
        Assert.Equal("ok", sent.GetProperty("status").GetString());
        var heard = await bob.NextAsync(m => m.GetProperty("op").GetString() == "message" && m.GetProperty("room").GetString() == "lobby", Wait);
        Assert.Equal("still here", heard.GetProperty("data").GetProperty("text").GetString());
        Assert.Equal(alice.SessionId, heard.GetProperty("from").GetString());

        // SIGTERM node2: its clients are told to reconnect elsewhere (1012), it leaves and exits 0; node1 serves on.
        Assert.Equal(0, kill(node2.Process.Id, SIGTERM));
        Assert.Equal((WebSocketCloseStatus)1012, await bob.ClosedAsync(Wait)); // 1012 service restart (no name in the enum)
        Assert.Equal((WebSocketCloseStatus)1012, await dave.ClosedAsync(Wait));
        await node2.Process.WaitForExitAsync(new CancellationTokenSource(Wait).Token);
        Assert.Equal(0, node2.Process.ExitCode);
        await WaitForUpMembersAsync(node1, 1);
        Assert.Equal("ok", (await alice.RequestAsync("ping", "\"x\":0")).GetProperty("status").GetString());
        Assert.Equal(137, await ExitCodeAsync(node3));
    }

    private static async Task<int> ExitCodeAsync(Node node)
    {
        await node.Process.WaitForExitAsync(new CancellationTokenSource(Wait).Token);
        return node.Process.ExitCode;
    }
}
