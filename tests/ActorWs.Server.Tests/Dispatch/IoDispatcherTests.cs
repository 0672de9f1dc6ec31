using System.Collections.Concurrent;
using System.Net.WebSockets;
using Akka.Actor;
using Akka.Dispatch;
using ActorWs.Server.ActorRoutes;
using ActorWs.Server.Messaging;
using ActorWs.Server.Options;
using ActorWs.Server.Sessions;
using ActorWs.Server.Tests.Infrastructure;
using ActorWs.Server.Tests.Integration;
using ActorWs.Server.Transport.Linux;
using Microsoft.Extensions.Logging;
using Xunit;

namespace ActorWs.Server.Tests.Dispatch;

/// <summary>
/// The I/O-thread dispatcher with real sockets: connection actors (and the handlers inside them) run on the epoll loop
/// that owns their socket, work on other dispatchers does not stall it, and a stalled loop is reported.
/// </summary>
public sealed class IoDispatcherTests
{
    /// <summary>Answers every message with the name of the thread that handled it; "hold" first waits on <see cref="Gate"/>.</summary>
    private sealed class ThreadNamingHandler : WebSocketHandler
    {
        public static readonly ConcurrentDictionary<string, ManualResetEventSlim> Gates = new();

        public override void OnMessage(IWebSocketSession session, WebSocketMessage message)
        {
            string text = message.GetText();
            if (text.StartsWith("hold:", StringComparison.Ordinal) && Gates.TryGetValue(text[5..], out var gate))
                gate.Wait(TestServer.Wait);
            session.SendText(Thread.CurrentThread.Name ?? "(unnamed)");
        }
    }

    /// <summary>An actor route whose actor blocks its (default-dispatcher) thread on "block" until the gate opens.</summary>
    private sealed class BlockingRouteActor(ManualResetEventSlim gate, TaskCompletionSource blocked) : UntypedActor
    {
        private IActorRef _connection = ActorRefs.Nobody;

        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case WebSocketOpened opened:
                    _connection = opened.Connection;
                    break;
                case WebSocketMessageReceived { Text: "block" }:
                    blocked.TrySetResult();
                    gate.Wait(TestServer.Wait);
                    _connection.Tell(SendWebSocketMessage.OfText("unblocked"));
                    break;
            }
        }
    }

    /// <summary>Records the thread each message ran on.</summary>
    private sealed class ThreadRecorder(ConcurrentBag<string?> threads, CountdownEvent done) : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            threads.Add(Thread.CurrentThread.Name);
            done.Signal();
        }
    }

    [Fact]
    public async Task EachConnectionsHandler_RunsOnlyOnTheIoThreadThatOwnsItsSocket_AndSocketsAreSpreadOverThem()
    {
        await using var server = await TestServer.StartAsync(o => o.IoThreads = 2, s => s.MapRoute<ThreadNamingHandler>("/thread"));
        Assert.Equal(2, server.Server.IoDispatchers.Count);
        var clients = new List<ClientWebSocket>();
        try
        {
            var threadsSeen = new HashSet<string>();
            for (int c = 0; c < 6; c++)
            {
                var client = await server.ConnectAsync("/thread");
                clients.Add(client);
                var names = new HashSet<string>();
                for (int i = 0; i < 20; i++)
                {
                    await EchoTests.SendTextAsync(client, "which thread?");
                    names.Add(await EchoTests.ReceiveTextAsync(client));
                }
                string only = Assert.Single(names);
                Assert.Matches("^actorws-io-[01]$", only);
                threadsSeen.Add(only);
            }
            Assert.Equal(2, threadsSeen.Count);
        }
        finally
        {
            foreach (var client in clients) client.Dispose();
        }
    }

    [Fact]
    public async Task AResumableRoutesSessionActor_RunsOnTheIoThreadOfTheConnectionThatOpenedIt()
    {
        await using var server = await TestServer.StartAsync(o => o.IoThreads = 2, s => s.MapRoute<ThreadNamingHandler>("/resumable-thread").Resumable = true);
        for (int c = 0; c < 2; c++)
        {
            using var client = await server.ConnectAsync("/resumable-thread");
            var names = new HashSet<string>();
            for (int i = 0; i < 10; i++)
            {
                await EchoTests.SendTextAsync(client, "which thread?");
                names.Add(await EchoTests.ReceiveTextAsync(client));
            }
            Assert.Matches("^actorws-io-[01]$", Assert.Single(names));
        }
    }

    [Fact]
    public async Task AnActorOnAnIoDispatcher_RunsOnlyOnThatLoopsThread_WhoeverTellsIt()
    {
        await using var server = await TestServer.StartAsync(o => o.IoThreads = 2);
        var threads = new ConcurrentBag<string?>();
        using var done = new CountdownEvent(4 * 250);
        var recorder = server.System.ActorOf(Props.Create(() => new ThreadRecorder(threads, done)).WithDispatcher(server.Server.IoDispatchers[1]));
        var senders = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (int i = 0; i < 250; i++) recorder.Tell(i, ActorRefs.NoSender);
        })).ToArray();
        await Task.WhenAll(senders).WaitAsync(TestServer.Wait);
        Assert.True(done.Wait(TestServer.Wait));
        Assert.Equal(["actorws-io-1"], threads.Distinct());
    }

    [Fact]
    public async Task TheIoDispatchers_TakeTheirThroughputFromTheActorWsIoDispatcherSection()
    {
        await using (var standard = await TestServer.StartAsync(o => o.IoThreads = 1))
        {
            Assert.Equal(32, standard.System.Dispatchers.Lookup(Assert.Single(standard.Server.IoDispatchers)).Throughput);
        }
        await using var tuned = await TestServer.StartAsync(o => o.IoThreads = 2, akka: Akka.Configuration.ConfigurationFactory.ParseString("actorws.io-dispatcher.throughput = 5"));
        Assert.Equal(2, tuned.Server.IoDispatchers.Count);
        Assert.All(tuned.Server.IoDispatchers, id =>
        {
            Assert.StartsWith("actorws.io-dispatcher.", id);
            Assert.Equal(5, tuned.System.Dispatchers.Lookup(id).Throughput);
        });
    }

    [Fact]
    public async Task AnActorRouteBlockingItsDefaultDispatcherThread_DoesNotStallTheIoThread()
    {
        using var gate = new ManualResetEventSlim();
        var blocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestServer.StartAsync(o => o.IoThreads = 1,
            s => s.MapActorRoute("/block", Props.Create(() => new BlockingRouteActor(gate, blocked))));
        using var blocking = await server.ConnectAsync("/block");
        using var echo = await server.ConnectAsync("/echo");
        try
        {
            await EchoTests.SendTextAsync(blocking, "block");
            await blocked.Task.WaitAsync(TestServer.Wait);
            // One I/O thread serves both sockets: the echo connection is answered while the route's actor is blocked.
            for (int i = 0; i < 50; i++)
            {
                await EchoTests.SendTextAsync(echo, "ping " + i);
                Assert.Equal("ping " + i, await EchoTests.ReceiveTextAsync(echo));
            }
            Assert.False(gate.IsSet);
        }
        finally
        {
            gate.Set();
        }
        Assert.Equal("unblocked", await EchoTests.ReceiveTextAsync(blocking));
    }

    [Fact]
    public async Task ALoopTurnLongerThanTheThreshold_IsLoggedWithTheConnectionThatHeldIt_AndEveryoneIsServedAfter()
    {
        string key = Guid.NewGuid().ToString("N");
        using var gate = ThreadNamingHandler.Gates.GetOrAdd(key, _ => new ManualResetEventSlim());
        await using var server = await TestServer.StartAsync(o =>
        {
            o.IoThreads = 1;
            o.IoWatchdogThreshold = TimeSpan.FromMilliseconds(50);
        }, s => s.MapRoute<ThreadNamingHandler>("/thread"));
        using var holder = await server.ConnectAsync("/thread");
        using var other = await server.ConnectAsync("/echo");
        try
        {
            await EchoTests.SendTextAsync(holder, "hold:" + key);
            var warning = server.Logs.WaitFor(r => r.Level == LogLevel.Warning && r.Message.StartsWith("I/O thread actorws-io-0 has run one turn", StringComparison.Ordinal), TestServer.Wait);
            Assert.True(warning is not null, string.Join("\n", server.Logs.GetSnapshot().Select(r => r.Category + ": " + r.Message)));
            // The connection actor that held the loop, by its path: /user/actorws…/listener/…/c<id>.
            Assert.True(System.Text.RegularExpressions.Regex.IsMatch(warning!.Message, "held by /user/[^ ]+/c[0-9]+:"), warning.Message);
            await EchoTests.SendTextAsync(other, "waiting"); // sent while the loop is held
        }
        finally
        {
            gate.Set();
            ThreadNamingHandler.Gates.TryRemove(key, out _);
        }
        Assert.Equal("actorws-io-0", await EchoTests.ReceiveTextAsync(holder));
        Assert.Equal("waiting", await EchoTests.ReceiveTextAsync(other));
        using var http = new HttpClient { Timeout = TestServer.Wait }; // its connection lands on the same (freed) thread
        Assert.Contains("actorws_io_stalls_total 1\n", await http.GetStringAsync(server.HttpUri("/metrics")));
    }

    [Fact]
    public async Task OneSocketFloodingItsIoThread_DoesNotStarveTheOthersOnIt()
    {
        await using var server = await TestServer.StartAsync(o => o.IoThreads = 1);
        using var flooder = await server.ConnectAsync("/echo");
        using var polite = await server.ConnectAsync("/echo");
        using var stop = new CancellationTokenSource();
        var payload = new byte[16 * 1024];
        var flood = Task.Run(async () =>
        {
            // Sends as fast as the server takes it and reads the echoes concurrently, until told to stop.
            var reading = Task.Run(async () =>
            {
                var buffer = new byte[64 * 1024];
                while (!stop.IsCancellationRequested)
                    await flooder.ReceiveAsync(buffer, stop.Token);
            });
            while (!stop.IsCancellationRequested)
                await flooder.SendAsync(payload, WebSocketMessageType.Binary, true, stop.Token);
            await reading;
        });
        try
        {
            for (int i = 0; i < 30; i++)
            {
                await EchoTests.SendTextAsync(polite, "turn " + i).WaitAsync(TestServer.Wait);
                Assert.Equal("turn " + i, await EchoTests.ReceiveTextAsync(polite).WaitAsync(TestServer.Wait));
            }
            Assert.False(flood.IsCompleted, "the flood ended early, so the test proved nothing");
        }
        finally
        {
            stop.Cancel();
            try { await flood.WaitAsync(TestServer.Wait); } catch (OperationCanceledException) { } catch (WebSocketException) { }
        }
    }

    [Fact]
    public async Task TheLoopRunsTasksFromOtherThreadsInOrder_AndHandsThemToThePoolOnceStopped()
    {
        var loop = new EpollLoop("actorws-io-test");
        var ran = new ConcurrentQueue<(int, string?)>();
        using (var done = new CountdownEvent(500))
        {
            for (int i = 0; i < 500; i++)
            {
                int n = i;
                loop.Execute(new ActionRunnable(() => { ran.Enqueue((n, Thread.CurrentThread.Name)); done.Signal(); }));
            }
            Assert.True(done.Wait(TestServer.Wait));
        }
        Assert.Equal(Enumerable.Range(0, 500), ran.Select(r => r.Item1));
        Assert.All(ran, r => Assert.Equal("actorws-io-test", r.Item2));

        loop.Dispose();
        var after = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        loop.Execute(new ActionRunnable(() => after.SetResult(Thread.CurrentThread.IsThreadPoolThread)));
        Assert.True(await after.Task.WaitAsync(TestServer.Wait));
    }
}
