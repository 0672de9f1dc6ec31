using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using ActorWs.Client;
using ActorWs.Client.Events;
using ActorWs.Client.Options;
using ActorWs.Client.Requests;
using Xunit;

namespace ActorWs.Hosting.Tests.Cluster;

/// <summary>
/// Resume across processes: clients behind a load balancer (<see cref="TcpBalancer"/>) on the node that is killed
/// (SIGKILL) and on the node that is stopped (SIGTERM) come back through the balancer to a survivor and resume there
/// (ActorWs.Client, as users run it), while a client on the surviving node keeps sending into every room. In every
/// room that survived, each of them got exactly what the room accepted: nothing lost, nothing twice, in order.
/// </summary>
public sealed partial class ClusterCrashTests
{
    /// <summary>What a client got from the rooms, room by room, and what else it was told.</summary>
    private sealed class Received
    {
        public readonly ConcurrentDictionary<string, List<int>> ByRoom = new();
        public readonly ConcurrentQueue<string> Closed = new();
        public readonly ConcurrentQueue<string> Restarted = new();

        /// <summary>Whether the client was told <paramref name="room"/> was lost (closed, or back as a new life).</summary>
        public bool ToldLost(string room) => Closed.Contains(room) || Restarted.Contains(room);
        public readonly ConcurrentQueue<Welcomed> Welcomes = new();
        public int ResumesFailed;

        public async Task ReadAsync(ActorWsClient client)
        {
            await foreach (var e in client.Events.ReadAllAsync())
            {
                switch (e)
                {
                    case RoomMessage m when m.Data.TryGetProperty("n", out var n):
                        var list = ByRoom.GetOrAdd(m.Room, _ => []);
                        lock (list) list.Add(n.GetInt32());
                        break;
                    case RoomNotice { Event: "closed" } notice:
                        Closed.Enqueue(notice.Room);
                        break;
                    case RoomNotice { Event: "restarted" } notice:
                        // Lost with its node and started again (empty) on a survivor, with this client in it.
                        Restarted.Enqueue(notice.Room);
                        break;
                    case GameRoomLost lost:
                        Closed.Enqueue(lost.Room);
                        break;
                    case Welcomed welcomed:
                        Welcomes.Enqueue(welcomed);
                        break;
                    case ResumeFailed:
                        Interlocked.Increment(ref ResumesFailed);
                        break;
                }
            }
        }

        public int[] Of(string room)
        {
            if (!ByRoom.TryGetValue(room, out var list)) return [];
            lock (list) return list.ToArray();
        }
    }

    private static IPEndPoint EndPointOf(Node node) => new(IPAddress.Loopback, new Uri(node.Http).Port);

    private static ActorWsClient NewClient(string url) => new(url, new ActorWsClientOptions
    {
        Reconnect = new() { BaseDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromMilliseconds(500) },
        RequestTimeout = TimeSpan.FromSeconds(5),
    });

    [Fact]
    public async Task ClientsOfAKilledAndOfAStoppedNode_ResumeOnASurvivorThroughTheBalancer_WithNoGapAndNoDuplicate_InEveryRoomThatSurvived()
    {
        if (!OperatingSystem.IsLinux()) return; // POSIX signals; CI runs on Linux

        var (node1, node2, node3) = await StartThreeNodesAsync();

        // Each victim's balancer sends it to its node first, then to node1 (and the other) when that one is gone.
        await using var toNode3 = new TcpBalancer([EndPointOf(node3), EndPointOf(node1), EndPointOf(node2)]);
        await using var toNode2 = new TcpBalancer([EndPointOf(node2), EndPointOf(node1), EndPointOf(node3)]);
        await using var sender = NewClient(node1.Ws);
        await using var killed = NewClient($"ws://127.0.0.1:{toNode3.Port}/ws");
        await using var stopped = NewClient($"ws://127.0.0.1:{toNode2.Port}/ws");
        var ofKilled = new Received();
        var ofStopped = new Received();
        var ofSender = new Received();
        var reading = new[] { ofKilled.ReadAsync(killed), ofStopped.ReadAsync(stopped), ofSender.ReadAsync(sender) };
        using var connecting = new CancellationTokenSource(Wait);
        foreach (var client in new[] { sender, killed, stopped }) await client.ConnectAsync(connecting.Token);
        Assert.Equal([EndPointOf(node3).Port], toNode3.ConnectionsByBackend.Keys);
        Assert.Equal([EndPointOf(node2).Port], toNode2.ConnectionsByBackend.Keys);

        string[] rooms = Enumerable.Range(1, 9).Select(i => "r-" + i).ToArray();
        foreach (var room in rooms)
        {
            await sender.JoinAsync(room, connecting.Token);
            await killed.JoinAsync(room, connecting.Token);
            await stopped.JoinAsync(room, connecting.Token);
        }

        // The sender keeps sending into every room, one message at a time per room, recording what each room accepted
        // (its ok). A send that gets no answer (the room was moving, or its node died) was not taken: the same number is
        // sent again. A room the sender is told was lost with its node (closed, or back empty as a new life) is no longer
        // written to.
        var accepted = rooms.ToDictionary(r => r, _ => new List<int>());
        using var stopSending = new CancellationTokenSource();
        var sending = rooms.Select(room => Task.Run(async () =>
        {
            for (int n = 1; !stopSending.IsCancellationRequested && !ofSender.ToldLost(room);)
            {
                try
                {
                    await sender.SendConfirmedAsync(room, new { n });
                    lock (accepted[room]) accepted[room].Add(n);
                    n++;
                }
                catch (Exception ex) when (ex is ActorWsRequestException or TimeoutException or OperationCanceledException)
                {
                    // not taken; again (or stop, if the room is gone)
                }
                await Task.Delay(20);
            }
        })).ToArray();

        async Task ResumedAsync(Received of, string who)
        {
            var deadline = Stopwatch.StartNew();
            while (of.Welcomes.Count < 2)
            {
                Assert.True(deadline.Elapsed < Wait, $"{who} never came back");
                await Task.Delay(50);
            }
            var again = of.Welcomes.ElementAt(1);
            Assert.True(again.Resumed, $"{who}'s second welcome: {again}");
        }

        await Task.Delay(1000);
        Assert.Equal(0, kill(node3.Process.Id, SIGKILL));
        await ResumedAsync(ofKilled, "the killed node's client");
        // Once the cluster has removed the killed node, the stopped node's rooms can only move to node1.
        await WaitForUpMembersAsync(node1, 2);
        await Task.Delay(1000);
        Assert.Equal(0, kill(node2.Process.Id, SIGTERM));
        await ResumedAsync(ofStopped, "the stopped node's client");
        await node2.Process.WaitForExitAsync(new CancellationTokenSource(Wait).Token);
        await Task.Delay(1000);
        // Every room settles before the sender stops: it takes messages again (it lives on node1 now), or the sender is
        // told it was lost with node3. That notice comes once the room's next life answers, which on a loaded box can
        // be after all of the above; a lost room not told yet must not be taken for one that survived.
        var takenAtExit = rooms.ToDictionary(r => r, r => { lock (accepted[r]) return accepted[r].Count; });
        bool Settled(string room)
        {
            lock (accepted[room]) return ofSender.ToldLost(room) || accepted[room].Count > takenAtExit[room];
        }
        var settling = Stopwatch.StartNew();
        while (!rooms.All(Settled) && settling.Elapsed < GhostBound) await Task.Delay(100);
        stopSending.Cancel();
        await Task.WhenAll(sending).WaitAsync(Wait);

        // Every room the sender could still write to at the end (it lives on node1 now: its own, and node2's, which moved
        // there as node2 left) holds what both resumed clients got; only the killed node's rooms were lost.
        var survived = rooms.Where(r => !ofSender.ToldLost(r)).ToArray();
        output.WriteLine($"rooms that survived: {string.Join(", ", survived)}; lost: {string.Join(", ", rooms.Except(survived))}");
        Assert.True(survived.Length >= 2, "nine rooms over three nodes: node1's and node2's survive");
        foreach (var room in survived)
        {
            int[] sent;
            lock (accepted[room]) sent = accepted[room].ToArray();
            Assert.True(sent.Length > 50, $"{room}: only {sent.Length} messages");
            foreach (var (of, who) in new[] { (ofKilled, "killed node's client"), (ofStopped, "stopped node's client") })
            {
                var deadline = Stopwatch.StartNew();
                while (of.Of(room).Length < sent.Length && deadline.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(50);
                Assert.True(sent.SequenceEqual(of.Of(room)),
                    $"{who} in {room}: sent {sent.Length} (last {sent[^1]}), got {of.Of(room).Length}: first difference at {FirstDifference(sent, of.Of(room))}");
            }
        }
        // Rooms that lived on the killed node were lost with it: their clients are told (never a silent gap), at the latest
        // once the cluster has removed the node: that the room closed (a session that resumed elsewhere first and asks
        // the room's next life, which does not have it), or that it is in the room's next life.
        var told = Stopwatch.StartNew();
        foreach (var room in rooms.Except(survived))
        {
            while ((!ofKilled.ToldLost(room) || !ofStopped.ToldLost(room)) && told.Elapsed < GhostBound) await Task.Delay(100);
            Assert.True(ofKilled.ToldLost(room) && ofStopped.ToldLost(room),
                $"{room} was lost, but the clients were told of: {string.Join(", ", ofKilled.Closed.Concat(ofKilled.Restarted))} / {string.Join(", ", ofStopped.Closed.Concat(ofStopped.Restarted))}");
        }
        Assert.Equal(0, ofKilled.ResumesFailed);
        Assert.Equal(0, ofStopped.ResumesFailed);
        Assert.Equal(0, killed.DuplicateMessages);
        Assert.Equal(0, stopped.DuplicateMessages);
        Assert.Equal(0, node2.Process.ExitCode);
        Assert.Equal(137, await ExitCodeAsync(node3));
        Assert.Contains(EndPointOf(node1).Port, toNode3.ConnectionsByBackend.Keys); // they did come back elsewhere
        Assert.Contains(EndPointOf(node1).Port, toNode2.ConnectionsByBackend.Keys);

        foreach (var client in new[] { sender, killed, stopped }) await client.DisposeAsync();
        await Task.WhenAll(reading).WaitAsync(Wait);
    }

    private static string FirstDifference(int[] sent, int[] got)
    {
        for (int i = 0; i < Math.Max(sent.Length, got.Length); i++)
        {
            int? s = i < sent.Length ? sent[i] : null, g = i < got.Length ? got[i] : null;
            if (s != g) return $"#{i}: sent {s?.ToString() ?? "-"}, got {g?.ToString() ?? "-"}";
        }
        return "none";
    }
}
