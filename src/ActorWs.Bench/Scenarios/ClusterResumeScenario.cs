using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using ActorWs.Bench.Cli;
using ActorWs.Bench.Servers;
using ActorWs.Client;
using ActorWs.Client.Connection;
using ActorWs.Client.Events;
using ActorWs.Client.Options;
using ActorWs.Client.Requests;

namespace ActorWs.Bench.Scenarios;

/// <summary>
/// A node of a 3-node cluster dies under its clients. N clients of the JSON room protocol (<see cref="ActorWsClient"/>,
/// the real .NET client) connect alternately to nodes 2 and 3, each listing the other nodes as
/// <see cref="ActorWsClientOptions.FailoverUris"/>, and join one of a few chat rooms (round-robin); one sender per room,
/// connected to node 1, sends numbered messages at a steady rate and records those the room confirmed. After the warm-up
/// node 3 is killed with SIGKILL. Its clients reconnect to another node and resume their sessions there (room positions
/// included). Measures how many resumed and how fast, and, in every room that survived, whether each member got every
/// accepted message exactly once; rooms that lived on node 3 are lost with it, and their members must be told
/// (<c>closed</c>).
/// </summary>
/// <remarks>Stateless; safe to share between threads.</remarks>
public sealed class ClusterResumeScenario : Scenario
{
    /// <summary>The JSON room protocol's route.</summary>
    public const string Path = "/ws";

    /// <summary>How long the cluster's members may take to see each other Up.</summary>
    public static readonly TimeSpan UpTimeout = TimeSpan.FromSeconds(90);

    /// <summary>
    /// How long after the kill the scenario waits for the killed node's clients to come back and for the survivors to
    /// remove the node (a client that has not come back by then counts as not resumed).
    /// </summary>
    public static readonly TimeSpan ResumeTimeout = TimeSpan.FromSeconds(90);

    /// <summary>
    /// Sending goes on this long after node 3 is removed, for the lost rooms' notices to arrive (a lost room comes back
    /// when its members' sessions join it again, each asking every 3 s until it answers).
    /// </summary>
    public static readonly TimeSpan NoticeGrace = TimeSpan.FromSeconds(30);

    /// <summary>How long the members may take to receive the last accepted messages after the senders stop.</summary>
    public static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(15);

    /// <summary>How long connecting and joining every client may take.</summary>
    public static readonly TimeSpan SetupTimeout = TimeSpan.FromSeconds(120);

    /// <summary>How long closing every client may take.</summary>
    public static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Clients connecting (handshake and join) at once.</summary>
    public const int ConnectConcurrency = 32;

    private static readonly MetricDefinition[] Rows =
    [
        new("clients", "clients (nodes 2 and 3)", BetterDirection.Neither, 0),
        new("victims", "clients on the killed node (3)", BetterDirection.Neither, 0),
        new("victims_resumable", "of those, in rooms that survived", BetterDirection.Neither, 0),
        new("resumed", "of those, resumed on another node (welcome resumed:true)", BetterDirection.Higher, 0),
        new("resume_p50_ms", "kill → resumed p50 (ms)", BetterDirection.Lower, 0),
        new("resume_p99_ms", "kill → resumed p99 (ms)", BetterDirection.Lower, 0),
        new("resume_max_ms", "kill → resumed max (ms)", BetterDirection.Lower, 0),
        new("resumes_refused", "of those, resumes refused (welcome resumed:false)", BetterDirection.Lower, 0),
        new("victims_stranded", "clients on the killed node in rooms lost with it", BetterDirection.Neither, 0),
        new("victims_stranded_told", "of those, told (closed, or a fresh session)", BetterDirection.Higher, 0),
        new("rooms", "rooms", BetterDirection.Neither, 0),
        new("rooms_lost", "rooms lost with the node", BetterDirection.Neither, 0),
        new("lost_room_members", "members of lost rooms on node 2", BetterDirection.Neither, 0),
        new("lost_room_members_told", "of those, told of the loss (`closed`, or `restarted` in its new life)", BetterDirection.Higher, 0),
        new("accepted", "messages accepted in surviving rooms", BetterDirection.Neither, 0),
        new("checked", "deliveries checked (accepted × members)", BetterDirection.Neither, 0),
        new("lost", "messages lost (must be 0)", BetterDirection.Lower, 0),
        new("duplicates", "duplicates delivered (must be 0)", BetterDirection.Lower, 0),
        new("library_duplicates", "duplicates the client library dropped", BetterDirection.Lower, 0),
        new("unconfirmed_sends", "sends not confirmed (not counted as accepted)", BetterDirection.Lower, 0),
        new("events_dropped", "client events dropped (buffer full)", BetterDirection.Lower, 0),
    ];

    /// <inheritdoc/>
    public override ScenarioKind Kind => ScenarioKind.ClusterResume;

    /// <inheritdoc/>
    public override IReadOnlyList<MetricDefinition> Metrics => Rows;

    /// <inheritdoc/>
    public override string? Note =>
        "cluster-resume: ActorWs only (resuming a session on another node is ActorWs's own). The clients are ActorWs.Client in "
        + "the tool's process (not pinned); a run fails when a message is lost or duplicated, or a client of the killed node "
        + "did not resume.";

    /// <inheritdoc/>
    public override bool Supports(ServerKind server) => server == ServerKind.ActorWs;

    /// <inheritdoc/>
    public override string Describe(BenchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{options.ClusterResumeClients} clients on nodes 2 and 3 in {options.ClusterResumeRooms} rooms, {options.ClusterResumeRate} msg/s per room from node 1; node 3 killed");
    }

    /// <summary>The client options: quick reconnection, and the other nodes to fail over to.</summary>
    /// <param name="failover">The other nodes' URLs, in the order to try them.</param>
    /// <returns>The options.</returns>
    internal static ActorWsClientOptions ClientOptions(IReadOnlyList<Uri> failover) => new()
    {
        Reconnect = new ReconnectPolicy { BaseDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(1) },
        RequestTimeout = TimeSpan.FromSeconds(10),
        ConnectTimeout = TimeSpan.FromSeconds(5),
        FailoverUris = failover,
    };

    /// <summary>
    /// Which node (0-based) client <paramref name="index"/> connects to, and the order of the others it fails over to:
    /// even clients on node 2, odd ones on node 3; a node-3 client tries node 1 then node 2, or node 2 then node 1,
    /// alternately, so the killed node's clients spread over both survivors.
    /// </summary>
    /// <param name="index">The client's index.</param>
    /// <returns>The node and the failover order.</returns>
    internal static (int Node, int[] Failover) Placement(int index) => (index % 2) switch
    {
        0 => (1, [0, 2]),
        _ => (2, (index / 2) % 2 == 0 ? [0, 1] : [1, 0]),
    };

    /// <summary>The room client <paramref name="index"/> joins.</summary>
    /// <param name="index">The client's index.</param>
    /// <param name="rooms">How many rooms.</param>
    /// <returns>The room name.</returns>
    internal static string RoomOf(int index, int rooms) => RoomName(index / 2 % rooms);

    /// <summary>The name of room <paramref name="room"/> (0-based).</summary>
    /// <param name="room">The room's index.</param>
    /// <returns><c>resume-1</c>, <c>resume-2</c>, …</returns>
    internal static string RoomName(int room) => string.Create(CultureInfo.InvariantCulture, $"resume-{room + 1}");

    /// <inheritdoc/>
    public override async Task<ServerRun> RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var o = context.Options;
        // The runner's single node is not part of this scenario: the cluster gets the server CPUs to itself.
        await context.Server.StopAsync().ConfigureAwait(false);
        if (context.ServerAssembly is not { } assembly)
        {
            return ServerRun.Failed(context.Server.Kind, "no ActorWs assembly to start the cluster's nodes from");
        }

        var (cluster, problem) = await ClusterNodes.StartAsync(
            assembly, BenchOptions.ClusterNodeCount, o.ServerCpus, TimeSpan.FromSeconds(o.StartupTimeoutSeconds), context.Time, context.Log, cancellationToken)
            .ConfigureAwait(false);
        await using (cluster.ConfigureAwait(false))
        {
            problem ??= await cluster.WaitUntilAllUpAsync(UpTimeout, cancellationToken).ConfigureAwait(false);
            if (problem is not null)
            {
                return ServerRun.Failed(context.Server.Kind, problem);
            }

            context.Log($"all {BenchOptions.ClusterNodeCount} members Up");
            var run = new Run(context, cluster);
            try
            {
                return await run.ExecuteAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await run.CloseClientsAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// What one client received: numbers by room, welcomes with when they arrived, rooms it was told were lost (closed, or
    /// started again as a new life with it in it).
    /// </summary>
    private sealed class Member
    {
        public readonly ConcurrentDictionary<string, List<int>> ByRoom = new(StringComparer.Ordinal);
        public readonly ConcurrentQueue<(long At, Welcomed Welcome)> Welcomes = new();
        public readonly ConcurrentQueue<string> Closed = new();
        public int ResumesFailed;

        public Member(ActorWsClient client, string room, int node)
        {
            Client = client;
            Room = room;
            Node = node;
            Reading = Task.Run(ReadAsync);
        }

        public ActorWsClient Client { get; }
        public string Room { get; }
        public int Node { get; }
        public Task Reading { get; }

        public int[] Of(string room)
        {
            if (!ByRoom.TryGetValue(room, out var list)) return [];
            lock (list) return list.ToArray();
        }

        private async Task ReadAsync()
        {
            await foreach (var e in Client.Events.ReadAllAsync().ConfigureAwait(false))
            {
                switch (e)
                {
                    case RoomMessage m when m.Data.ValueKind == System.Text.Json.JsonValueKind.Object && m.Data.TryGetProperty("n", out var n):
                        var list = ByRoom.GetOrAdd(m.Room, _ => []);
                        lock (list) list.Add(n.GetInt32());
                        break;
                    case RoomNotice { Event: "closed" } notice:
                        Closed.Enqueue(notice.Room);
                        break;
                    case RoomNotice { Event: "restarted" } notice when notice.Reason?.Contains("lost with its node", StringComparison.Ordinal) == true:
                        // The room was lost with its node and this client is in its next life: told of the loss too.
                        Closed.Enqueue(notice.Room);
                        break;
                    case Welcomed welcomed:
                        Welcomes.Enqueue((Stopwatch.GetTimestamp(), welcomed));
                        break;
                    case ResumeFailed:
                        Interlocked.Increment(ref ResumesFailed);
                        break;
                }
            }
        }
    }

    /// <summary>One run: the clients, the senders, the kill and the tally.</summary>
    private sealed class Run(ScenarioContext context, ClusterNodes cluster)
    {
        private readonly List<Member> _members = [];
        private readonly List<Member> _senders = [];
        private readonly ConcurrentBag<Member> _created = [];
        private readonly ConcurrentDictionary<string, List<int>> _accepted = new(StringComparer.Ordinal);
        private int _unconfirmed;

        private Uri UriOf(int node) => new($"ws://{ServerProcess.Host}:{cluster.Nodes[node].Port}{Path}");

        public async Task<ServerRun> ExecuteAsync(CancellationToken cancellationToken)
        {
            var o = context.Options;
            string[] rooms = Enumerable.Range(0, o.ClusterResumeRooms).Select(RoomName).ToArray();
            using (var setup = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                setup.CancelAfter(SetupTimeout);
                if (await ConnectAllAsync(rooms, setup.Token).ConfigureAwait(false) is { } failed)
                {
                    return ServerRun.Failed(ServerKind.ActorWs, failed);
                }
            }

            context.Log($"{_members.Count} clients joined {rooms.Length} rooms ({_members.Count(m => m.Client.CurrentUri == UriOf(1))} on node 2, "
                + $"{_members.Count(m => m.Client.CurrentUri == UriOf(2))} on node 3); {rooms.Length} senders on node 1");

            using var stopSending = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var sending = _senders.Select(s => Task.Run(() => SendAsync(s, o.ClusterResumeRate, stopSending.Token), CancellationToken.None)).ToArray();
            await Task.Delay(TimeSpan.FromSeconds(Math.Max(1, o.WarmupSeconds)), context.Time, cancellationToken).ConfigureAwait(false);

            // The kill: the clients on node 3 now are the ones that must come back elsewhere.
            var victims = _members.Where(m => m.Client.CurrentUri == UriOf(2)).ToArray();
            var welcomesBefore = victims.ToDictionary(v => v, v => v.Welcomes.Count);
            context.Log($"killing node 3 (pid {cluster.Nodes[2].Pid}, SIGKILL) under {victims.Length} clients");
            var killedAt = Stopwatch.GetTimestamp();
            var killedAtTime = context.Time.GetTimestamp();
            if (!await cluster.Nodes[2].KillAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false))
            {
                await stopSending.CancelAsync().ConfigureAwait(false);
                await Task.WhenAll(sending).ConfigureAwait(false);
                return ServerRun.Failed(ServerKind.ActorWs, "node 3 did not die within 10 s of SIGKILL");
            }

            // Sending goes on for --duration, until every victim has its welcome back, and until the survivors have removed
            // node 3 (failure detection, then the split-brain resolver's stable-after: ~25 s with the server's defaults),
            // after which the rooms that lived there are known lost and their members told; at most ResumeTimeout.
            var minimum = TimeSpan.FromSeconds(o.DurationSeconds);
            var removed = false;
            while (!cancellationToken.IsCancellationRequested)
            {
                var elapsed = context.Time.GetElapsedTime(killedAtTime);
                if (!removed && await cluster.UpMembersSeenByAsync(0, cancellationToken).ConfigureAwait(false) == BenchOptions.ClusterNodeCount - 1)
                {
                    removed = true;
                    context.Log($"node 1 sees node 3 removed, {elapsed.TotalSeconds:0.0} s after the kill");
                }

                var allBack = victims.All(v => v.Welcomes.Count > welcomesBefore[v]);
                if ((allBack && removed && elapsed >= minimum) || elapsed >= ResumeTimeout) break;
                await Task.Delay(TimeSpan.FromMilliseconds(250), context.Time, cancellationToken).ConfigureAwait(false);
            }

            // The relays tell a lost room's members once they see it gone: give the notices a moment.
            await Task.Delay(NoticeGrace, context.Time, cancellationToken).ConfigureAwait(false);
            await stopSending.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(sending).WaitAsync(TimeSpan.FromSeconds(30), context.Time, CancellationToken.None).ConfigureAwait(false);

            // Rooms the sender was told were lost (closed, or back as a new life) are lost with the node; the others must have reached every member, once.
            var lostRooms = rooms.Where(r => _senders.Single(s => s.Room == r).Closed.Contains(r)).ToHashSet(StringComparer.Ordinal);
            var surviving = rooms.Where(r => !lostRooms.Contains(r)).ToArray();
            await DrainAsync(surviving, cancellationToken).ConfigureAwait(false);

            return Tally(rooms, lostRooms, surviving, victims, welcomesBefore, killedAt);
        }

        private async Task<string?> ConnectAllAsync(string[] rooms, CancellationToken cancellationToken)
        {
            var o = context.Options;
            using var gate = new SemaphoreSlim(ConnectConcurrency);
            async Task<Member> StartAsync(Uri uri, IReadOnlyList<Uri> failover, string room, int node)
            {
                await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    var client = new ActorWsClient(uri, ClientOptions(failover));
                    var member = new Member(client, room, node);
                    _created.Add(member);
                    await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
                    await client.JoinAsync(room, cancellationToken).ConfigureAwait(false);
                    return member;
                }
                finally
                {
                    gate.Release();
                }
            }

            try
            {
                var senders = rooms.Select(r => StartAsync(UriOf(0), [UriOf(1)], r, 0)).ToArray();
                var members = Enumerable.Range(0, o.ClusterResumeClients).Select(i =>
                {
                    var (node, failover) = Placement(i);
                    return StartAsync(UriOf(node), failover.Select(UriOf).ToArray(), RoomOf(i, rooms.Length), node);
                }).ToArray();
                _senders.AddRange(await Task.WhenAll(senders).ConfigureAwait(false));
                _members.AddRange(await Task.WhenAll(members).ConfigureAwait(false));
                return null;
            }
            catch (Exception ex) when (ex is ActorWsConnectException or ActorWsRequestException or OperationCanceledException)
            {
                return $"the clients could not all connect and join: {ex.Message}";
            }
        }

        private async Task SendAsync(Member sender, int rate, CancellationToken stop)
        {
            var accepted = _accepted.GetOrAdd(sender.Room, _ => []);
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1.0 / rate), context.Time);
            for (var n = 1; !sender.Closed.Contains(sender.Room); n++)
            {
                try
                {
                    if (!await timer.WaitForNextTickAsync(stop).ConfigureAwait(false)) return;
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                try
                {
                    await sender.Client.SendConfirmedAsync(sender.Room, new { n }, CancellationToken.None).ConfigureAwait(false);
                    lock (accepted) accepted.Add(n);
                }
                catch (Exception ex) when (ex is ActorWsRequestException or TimeoutException or OperationCanceledException)
                {
                    // Refused or unanswered: the room may or may not have taken it; it is not counted as accepted.
                    Interlocked.Increment(ref _unconfirmed);
                }
            }
        }

        private async Task DrainAsync(string[] surviving, CancellationToken cancellationToken)
        {
            var started = context.Time.GetTimestamp();
            while (context.Time.GetElapsedTime(started) < DrainTimeout && !cancellationToken.IsCancellationRequested)
            {
                var done = surviving.All(room =>
                {
                    int[] accepted;
                    lock (_accepted[room]) accepted = _accepted[room].ToArray();
                    var last = accepted.Length == 0 ? 0 : accepted[^1];
                    return _members.Where(m => m.Room == room).All(m => last == 0 || m.Of(room).Contains(last));
                });
                if (done) return;
                await Task.Delay(TimeSpan.FromMilliseconds(100), context.Time, cancellationToken).ConfigureAwait(false);
            }
        }

        private ServerRun Tally(
            string[] rooms, HashSet<string> lostRooms, string[] surviving, Member[] victims, Dictionary<Member, int> welcomesBefore, long killedAt)
        {
            var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
            long lost = 0, duplicates = 0, checkedDeliveries = 0, acceptedTotal = 0;
            foreach (var room in surviving)
            {
                int[] accepted;
                lock (_accepted[room]) accepted = _accepted[room].ToArray();
                acceptedTotal += accepted.Length;
                foreach (var member in _members.Where(m => m.Room == room))
                {
                    var tally = ResumeTally.Of(accepted, member.Of(room));
                    lost += tally.Lost;
                    duplicates += tally.Duplicates;
                    checkedDeliveries += tally.Expected;
                }
            }

            // A victim whose room survived must resume (the room knows its token and position). One whose room was lost with
            // the node cannot: no room knows it any more, so it gets a fresh session (resumed:false) or a closed notice.
            var resumeMs = new List<double>();
            var notBack = new List<string>();
            var refused = 0;
            var resumable = victims.Where(v => !lostRooms.Contains(v.Room)).ToArray();
            var strandedVictims = victims.Where(v => lostRooms.Contains(v.Room)).ToArray();
            foreach (var victim in resumable)
            {
                var after = victim.Welcomes.Skip(welcomesBefore[victim]).ToArray();
                if (after.Length > 0 && after[0].Welcome.Resumed)
                {
                    resumeMs.Add(Stopwatch.GetElapsedTime(killedAt, after[0].At).TotalMilliseconds);
                    continue;
                }

                if (after.Length > 0) refused++;
                notBack.Add(after.Length == 0
                    ? $"{victim.Room}: no welcome since the kill ({victim.Client.State}, {victim.Client.CurrentUri})"
                    : string.Create(CultureInfo.InvariantCulture, $"{victim.Room}: welcome resumed:false ({after[0].Welcome.ResumeError ?? "no reason given"}) ")
                      + string.Create(CultureInfo.InvariantCulture, $"{Stopwatch.GetElapsedTime(killedAt, after[0].At).TotalMilliseconds:0} ms after the kill at {victim.Client.CurrentUri}"));
            }

            foreach (var line in notBack.Take(5)) context.Log($"not resumed: {line}");
            context.Log($"the killed node's clients are now on node 1: {victims.Count(v => v.Client.CurrentUri == UriOf(0))}, "
                + $"node 2: {victims.Count(v => v.Client.CurrentUri == UriOf(1))}");
            var strandedAccountedFor = strandedVictims.Count(v =>
                v.Closed.Contains(v.Room) || v.Welcomes.Skip(welcomesBefore[v]).Any(w => !w.Welcome.Resumed));
            resumeMs.Sort();
            var survivorsOfLostRooms = _members.Where(m => lostRooms.Contains(m.Room) && !victims.Contains(m)).ToArray();
            var told = survivorsOfLostRooms.Count(m => m.Closed.Contains(m.Room));
            metrics["clients"] = _members.Count;
            metrics["victims"] = victims.Length;
            metrics["victims_resumable"] = resumable.Length;
            metrics["resumed"] = resumeMs.Count;
            if (resumeMs.Count > 0)
            {
                metrics["resume_p50_ms"] = ResumeTally.Percentile(resumeMs, 50);
                metrics["resume_p99_ms"] = ResumeTally.Percentile(resumeMs, 99);
                metrics["resume_max_ms"] = resumeMs[^1];
            }

            metrics["resumes_refused"] = refused;
            metrics["victims_stranded"] = strandedVictims.Length;
            metrics["victims_stranded_told"] = strandedAccountedFor;
            metrics["rooms"] = rooms.Length;
            metrics["rooms_lost"] = lostRooms.Count;
            metrics["lost_room_members"] = survivorsOfLostRooms.Length;
            metrics["lost_room_members_told"] = told;
            metrics["accepted"] = acceptedTotal;
            metrics["checked"] = checkedDeliveries;
            metrics["lost"] = lost;
            metrics["duplicates"] = duplicates;
            metrics["library_duplicates"] = _members.Sum(m => m.Client.DuplicateMessages);
            metrics["unconfirmed_sends"] = Volatile.Read(ref _unconfirmed);
            metrics["events_dropped"] = _members.Concat(_senders).Sum(m => m.Client.DroppedEvents);
            context.Log(string.Create(CultureInfo.InvariantCulture,
                $"{resumeMs.Count} of {resumable.Length} resumed (of {victims.Length} on node 3; {strandedVictims.Length} were in rooms lost with it); "
                + $"rooms lost {lostRooms.Count} of {rooms.Length} ({string.Join(", ", lostRooms.Order(StringComparer.Ordinal))}), {told} of {survivorsOfLostRooms.Length} "
                + $"of their members on node 2 told of the loss; {acceptedTotal} accepted in surviving rooms, {checkedDeliveries} deliveries checked, "
                + $"{lost} lost, {duplicates} duplicated"));

            var problems = new List<string>();
            if (lost > 0) problems.Add($"{lost} accepted messages never reached a member");
            if (duplicates > 0) problems.Add($"{duplicates} messages delivered twice");
            if (victims.Length == 0) problems.Add("no client was on the killed node");
            if (resumeMs.Count < resumable.Length) problems.Add($"{resumable.Length - resumeMs.Count} of {resumable.Length} clients of the killed node in surviving rooms did not resume");
            if (told < survivorsOfLostRooms.Length) problems.Add($"{survivorsOfLostRooms.Length - told} members of lost rooms were not told of the loss");
            if (strandedAccountedFor < strandedVictims.Length) problems.Add($"{strandedVictims.Length - strandedAccountedFor} clients of the killed node in lost rooms heard nothing of it");
            if (acceptedTotal == 0) problems.Add("no room survived with accepted messages to check");
            return new ServerRun(ServerKind.ActorWs, metrics, [], problems.Count == 0 ? null : string.Join("; ", problems));
        }

        public async Task CloseClientsAsync()
        {
            var all = _created.ToArray();
            try
            {
                await Task.WhenAll(all.Select(m => m.Client.DisposeAsync().AsTask())).WaitAsync(CloseTimeout).ConfigureAwait(false);
                await Task.WhenAll(all.Select(m => m.Reading)).WaitAsync(CloseTimeout).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                context.Log($"the clients did not all close within {CloseTimeout}");
            }
        }
    }
}
