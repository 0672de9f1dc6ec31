using System.Globalization;
using System.Text.Json;
using ActorWs.Bench.Cli;

namespace ActorWs.Bench.Servers;

/// <summary>
/// An ActorWs cluster of several server processes on loopback, each pinned to the server CPUs: node 1 founds the
/// cluster, the others have it as their seed (as <c>scripts/cluster.sh</c> starts them). Knows when every node sees all
/// members Up (<c>GET /cluster</c>) and reads the relay counters from <c>GET /metrics</c>.
/// </summary>
/// <remarks>Start, wait and stop from one caller at a time; <see cref="Nodes"/> may be read from any thread.</remarks>
public sealed class ClusterNodes : IAsyncDisposable
{
    /// <summary>The route that shows the cluster as a node sees it.</summary>
    public const string ClusterPath = "/cluster";

    /// <summary>The route with the server's metrics in Prometheus text format.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>
    /// The counter of messages carrying room broadcasts to other nodes' relays (a label <c>direction</c>: <c>sent</c> on a
    /// room's node, <c>received</c> on the relays' nodes); a room's turn of several broadcasts sends one per node.
    /// </summary>
    public const string RelayCounter = "actorws_cluster_relay_messages_total";

    /// <summary>The counter of room broadcasts carried in those messages (same labels): one per other node with members per broadcast.</summary>
    public const string RelayedBroadcastsCounter = "actorws_cluster_relayed_broadcasts_total";

    /// <summary>How often <c>/cluster</c> is asked while the members come Up.</summary>
    public static readonly TimeSpan UpPollInterval = TimeSpan.FromMilliseconds(300);

    private readonly List<ServerProcess> _nodes = [];
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = ServerProcess.HealthRequestTimeout };
    private readonly TimeProvider _time;

    private ClusterNodes(TimeProvider time) => _time = time;

    /// <summary>The nodes, in start order (node 1 first).</summary>
    public IReadOnlyList<ServerProcess> Nodes => _nodes;

    /// <summary>
    /// Starts <paramref name="count"/> nodes of ActorWs (<paramref name="assembly"/>) pinned to <paramref name="cpus"/>, each
    /// on a free HTTP port and a free remoting port, and waits until each answers <c>GET /health</c>. Failures are
    /// reported through the returned problem (the nodes that did start are in the returned cluster, to be disposed).
    /// </summary>
    /// <param name="assembly">ActorWs's Release assembly.</param>
    /// <param name="count">How many nodes.</param>
    /// <param name="cpus">The taskset CPU list of every node.</param>
    /// <param name="startupTimeout">How long each node may take to be healthy.</param>
    /// <param name="time">The clock.</param>
    /// <param name="log">Progress lines.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The cluster and null, or the cluster so far and why it could not start.</returns>
    public static async Task<(ClusterNodes Cluster, string? Problem)> StartAsync(
        string assembly, int count, string cpus, TimeSpan startupTimeout, TimeProvider time, Action<string> log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(log);
        var cluster = new ClusterNodes(time);
        int? seed = null;
        for (var i = 0; i < count; i++)
        {
            var clusterPort = FreePort.Pick();
            ServerProcess node;
            try
            {
                node = ServerProcess.Start(ServerKind.ActorWs, ServerLaunch.ClusterNode(assembly, clusterPort, seed), cpus, time);
            }
            catch (InvalidOperationException ex)
            {
                return (cluster, ex.Message);
            }

            cluster._nodes.Add(node);
            seed ??= clusterPort;
            log($"node{i + 1} started pid {node.Pid} on port {node.Port} (remoting {clusterPort}{(i == 0 ? ", founds the cluster" : $", seed {seed}")})");
        }

        foreach (var node in cluster._nodes)
        {
            if (await node.WaitUntilHealthyAsync(startupTimeout, cancellationToken).ConfigureAwait(false) is { } unhealthy)
            {
                return (cluster, unhealthy);
            }
        }

        return (cluster, null);
    }

    /// <summary>Polls every node's <c>GET /cluster</c> until each sees <see cref="Nodes"/>.Count members Up and none unreachable.</summary>
    /// <param name="timeout">The longest wait.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>Null when they are; otherwise why not (with the last answer).</returns>
    public async Task<string?> WaitUntilAllUpAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var last = "no answer yet";
        while (_time.GetElapsedTime(started) < timeout)
        {
            var allUp = true;
            foreach (var node in _nodes)
            {
                if (node.HasExited)
                {
                    return $"a node (pid {node.Pid}) exited before the cluster was Up:\n{node.RecentOutput}";
                }

                string? json = await GetOrNullAsync(node, ClusterPath, cancellationToken).ConfigureAwait(false);
                if (json is null || UpMembers(json) != _nodes.Count)
                {
                    allUp = false;
                    last = $"port {node.Port}: {json ?? "no answer"}";
                    break;
                }
            }

            if (allUp)
            {
                return null;
            }

            await Task.Delay(UpPollInterval, _time, cancellationToken).ConfigureAwait(false);
        }

        return $"the {_nodes.Count} nodes were not all Up within {timeout} (last GET {ClusterPath}: {last})";
    }

    /// <summary>How many members node <paramref name="index"/> sees Up (see <see cref="UpMembers"/>); 0 when it does not answer.</summary>
    /// <param name="index">The node (0-based).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The count.</returns>
    public async Task<int> UpMembersSeenByAsync(int index, CancellationToken cancellationToken) =>
        await GetOrNullAsync(_nodes[index], ClusterPath, cancellationToken).ConfigureAwait(false) is { } json ? UpMembers(json) : 0;

    /// <summary>
    /// What every node's rooms sent to other nodes' relays, added up: messages (<see cref="RelayCounter"/>) and the
    /// broadcasts they carried (<see cref="RelayedBroadcastsCounter"/>); null when a node did not answer or has neither.
    /// </summary>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>The sums, or null.</returns>
    public async Task<(double Messages, double Broadcasts)?> ReadRelayCountersAsync(CancellationToken cancellationToken)
    {
        double messages = 0, broadcasts = 0;
        foreach (var node in _nodes)
        {
            if (await GetOrNullAsync(node, MetricsPath, cancellationToken).ConfigureAwait(false) is not { } text
                || RelayCounters(text) is not { } carrying
                || RelayCounters(text, RelayedBroadcastsCounter) is not { } carried)
            {
                return null;
            }

            messages += carrying.Sent;
            broadcasts += carried.Sent;
        }

        return (messages, broadcasts);
    }

    /// <summary>
    /// How many members a <c>GET /cluster</c> answer shows Up, provided the node itself is Up and none is unreachable;
    /// otherwise 0. Null-safe against any other shape (0).
    /// </summary>
    /// <param name="json">The answer.</param>
    /// <returns>The Up members, or 0.</returns>
    public static int UpMembers(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("self", out var self) || self.ValueKind != JsonValueKind.Object
                || !self.TryGetProperty("status", out var status) || status.GetString() != "up"
                || !root.TryGetProperty("unreachable", out var unreachable) || unreachable.ValueKind != JsonValueKind.Array
                || unreachable.GetArrayLength() != 0
                || !root.TryGetProperty("membersByStatus", out var byStatus) || byStatus.ValueKind != JsonValueKind.Object
                || !byStatus.TryGetProperty("up", out var up) || !up.TryGetInt32(out var count))
            {
                return 0;
            }

            // Members joining or leaving are listed under other statuses: all must be Up.
            var others = byStatus.EnumerateObject().Where(p => p.Name != "up").Sum(p => p.Value.TryGetInt32(out var n) ? n : 1);
            return others == 0 ? count : 0;
        }
        catch (JsonException)
        {
            return 0;
        }
    }

    /// <summary>
    /// The values of a relay counter (<see cref="RelayCounter"/> unless <paramref name="counter"/> names another) with
    /// <c>direction="sent"</c> and <c>direction="received"</c> in a Prometheus text exposition; null when neither is
    /// there (a node that is not clustered has none).
    /// </summary>
    /// <param name="metrics">The <c>GET /metrics</c> text.</param>
    /// <param name="counter">The counter's name.</param>
    /// <returns>The two values (a missing one is 0), or null.</returns>
    public static (double Sent, double Received)? RelayCounters(string metrics, string counter = RelayCounter)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(counter);
        double? sent = null, received = null;
        foreach (var raw in metrics.Split('\n'))
        {
            var line = raw.Trim();
            if (!line.StartsWith(counter + "{", StringComparison.Ordinal))
            {
                continue;
            }

            var close = line.IndexOf('}', StringComparison.Ordinal);
            if (close < 0)
            {
                continue;
            }

            var labels = line[(counter.Length + 1)..close];
            var rest = line[(close + 1)..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (rest.Length == 0 || !double.TryParse(rest[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                continue;
            }

            if (labels.Contains("direction=\"sent\"", StringComparison.Ordinal))
            {
                sent = (sent ?? 0) + value;
            }
            else if (labels.Contains("direction=\"received\"", StringComparison.Ordinal))
            {
                received = (received ?? 0) + value;
            }
        }

        return sent is null && received is null ? null : (sent ?? 0, received ?? 0);
    }

    /// <summary>
    /// Stops every node still running, the last started first, one after the other (SIGTERM: each drains and leaves the
    /// cluster while the others can still confirm it; killed after the grace period).
    /// </summary>
    /// <returns>Whether every node exited on SIGTERM.</returns>
    public async Task<bool> StopAsync()
    {
        var graceful = true;
        for (var i = _nodes.Count - 1; i >= 0; i--)
        {
            graceful &= await _nodes[i].StopAsync().ConfigureAwait(false);
        }

        return graceful;
    }

    /// <summary>Stops the nodes and releases them.</summary>
    /// <returns>Completes when every node is gone.</returns>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        foreach (var node in _nodes)
        {
            await node.DisposeAsync().ConfigureAwait(false);
        }

        _http.Dispose();
    }

    private async Task<string?> GetOrNullAsync(ServerProcess node, string path, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http.GetAsync(new Uri($"http://{ServerProcess.Host}:{node.Port}{path}"), cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false) : null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }
}
