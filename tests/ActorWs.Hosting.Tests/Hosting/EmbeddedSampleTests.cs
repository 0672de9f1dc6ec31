using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Akka.Actor;
using Akka.Hosting;
using ActorWs.Samples.Embedded;
using ActorWs.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace ActorWs.Hosting.Tests.Hosting;

/// <summary>
/// The embedded sample: a Generic Host whose own service talks to a room, and whose own Akka.NET actor is registered
/// with Akka.Hosting and injected as <see cref="IRequiredActor{TActor}"/>.
/// </summary>
[Collection(ExitCodeCollection.Name)]
public sealed class EmbeddedSampleTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>A fake clock starting at a known instant, so that the announcements' times are known.</summary>
    private static FakeTimeProvider NewClock() => new(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));

    private static IHost BuildHost(FakeTimeProvider time, params string[] args) =>
        EmbeddedApp.Build(["--port", "0", "--clock:interval=1s", "--logging:level=warning", .. args], time);

    private static async Task<string> ReceiveTextAsync(ClientWebSocket client)
    {
        var buffer = new byte[4096];
        using var cts = new CancellationTokenSource(Wait);
        var result = await client.ReceiveAsync(buffer, cts.Token);
        Assert.Equal(WebSocketMessageType.Text, result.MessageType);
        return Encoding.UTF8.GetString(buffer, 0, result.Count);
    }

    /// <summary>
    /// Moves the fake clock on by one interval at a time until <paramref name="pending"/> completes: the service's timer
    /// may not exist yet, or a tick may find the room not yet created, so a single step would not be enough. Bounded by <see cref="Wait"/>.
    /// </summary>
    private static async Task<T> AdvanceUntilAsync<T>(FakeTimeProvider time, Task<T> pending)
    {
        var elapsed = Stopwatch.StartNew();
        while (!pending.IsCompleted)
        {
            if (elapsed.Elapsed > Wait) throw new TimeoutException($"nothing happened within {Wait} of clock ticks");
            time.Advance(Interval);
            await Task.WhenAny(pending, Task.Delay(TimeSpan.FromMilliseconds(20)));
        }
        return await pending;
    }

    private static DateTimeOffset TimeOf(string json) => JsonDocument.Parse(json).RootElement.GetProperty("time").GetDateTimeOffset();

    [Fact]
    public async Task TheHostsOwnService_TalksToARoom_AndRecordsInItsInjectedActor_AndStoppingTheHostClosesWith1001()
    {
        var time = NewClock();
        using var host = BuildHost(time);
        await host.StartAsync().WaitAsync(Wait);
        var server = host.Services.GetRequiredService<ActorWsServer>();
        using var client = new ClientWebSocket();
        await client.ConnectAsync(new Uri($"ws://127.0.0.1:{server.LocalEndPoint!.Port}/clock"), new CancellationTokenSource(Wait).Token);

        // Each tick carries the (fake) time at which it was announced.
        var first = TimeOf(await AdvanceUntilAsync(time, ReceiveTextAsync(client)));
        Assert.True(first > NewClock().GetUtcNow());
        Assert.True(first <= time.GetUtcNow());
        var second = TimeOf(await AdvanceUntilAsync(time, ReceiveTextAsync(client)));
        Assert.True(second > first);

        // The application's actor, as Akka.Hosting injects it, recorded both announcements as heard.
        var log = host.Services.GetRequiredService<IRequiredActor<AnnouncementLog>>().ActorRef;
        var recent = await log.Ask<AnnouncementLog.Record[]>(AnnouncementLog.GetRecent.Instance, Wait);
        Assert.Contains(new AnnouncementLog.Record(first, Delivered: true), recent);
        Assert.Contains(new AnnouncementLog.Record(second, Delivered: true), recent);

        var stopping = host.StopAsync();
        var buffer = new byte[4096];
        WebSocketReceiveResult result;
        do result = await client.ReceiveAsync(buffer, new CancellationTokenSource(Wait).Token);
        while (result.MessageType != WebSocketMessageType.Close);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, client.CloseStatus);
        await client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", new CancellationTokenSource(Wait).Token);
        await stopping.WaitAsync(Wait);
        Assert.True(server.System.WhenTerminated.IsCompleted);
    }

    [Fact]
    public async Task TheLogActor_IsTheOneInAkkaHostingsRegistry_AndKeepsTheLastTenAnnouncements_UndeliveredWhileNobodyListens()
    {
        var time = NewClock();
        using var host = BuildHost(time);
        await host.StartAsync().WaitAsync(Wait);
        try
        {
            var system = host.Services.GetRequiredService<ActorSystem>();
            var log = host.Services.GetRequiredService<IRequiredActor<AnnouncementLog>>();
            Assert.Same(ActorRegistry.For(system).Get<AnnouncementLog>(), await log.GetAsync().WaitAsync(Wait));
            Assert.Equal("/user/announcements", log.ActorRef.Path.ToStringWithoutAddress());

            // Nobody is connected: every announcement is recorded as not heard; only the last ten are kept, so the
            // oldest one seen is forgotten once ten newer ones were made.
            AnnouncementLog.Record[] recent = [];
            DateTimeOffset? oldestSeen = null;
            var elapsed = Stopwatch.StartNew();
            while (recent.Length < AnnouncementLog.Kept || recent[0].At <= oldestSeen)
            {
                Assert.True(elapsed.Elapsed < Wait, $"the log holds {recent.Length} announcements after {Wait}");
                time.Advance(Interval);
                recent = await log.ActorRef.Ask<AnnouncementLog.Record[]>(AnnouncementLog.GetRecent.Instance, Wait);
                oldestSeen ??= recent.FirstOrDefault()?.At;
            }
            Assert.Equal(AnnouncementLog.Kept, recent.Length);
            Assert.All(recent, r => Assert.False(r.Delivered));
            Assert.Equal(recent.OrderBy(r => r.At), recent); // oldest first, newest last
        }
        finally
        {
            await host.StopAsync().WaitAsync(Wait);
        }
    }

    [Fact]
    public async Task AServiceAskingForTheActorBeforeItIsRegistered_GetsItOnceRegistered()
    {
        // The contract ClockService relies on: IRequiredActor.GetAsync waits for a registration that comes later
        // (Akka.Hosting may start the actor system after the application's services).
        var registry = new ActorRegistry();
        IRequiredActor<AnnouncementLog> required = new RequiredActor<AnnouncementLog>(registry);
        var waiting = required.GetAsync();
        Assert.False(waiting.IsCompleted);
        Assert.False(registry.TryGet<AnnouncementLog>(out _));
        var system = ActorSystem.Create("registry-test");
        try
        {
            var actor = system.ActorOf(Props.Create<AnnouncementLog>());
            registry.Register<AnnouncementLog>(actor);
            Assert.Same(actor, await waiting.WaitAsync(Wait));
            Assert.Same(actor, required.ActorRef);
            Assert.Throws<DuplicateActorRegistryException>(() => registry.Register<AnnouncementLog>(actor));
        }
        finally
        {
            await system.Terminate().WaitAsync(Wait);
        }
    }

    [Fact]
    public async Task WhenTheActorSystemDies_TheHostStops_WithExitCode1()
    {
        using var host = BuildHost(NewClock());
        await host.StartAsync().WaitAsync(Wait);
        int before = Environment.ExitCode;
        try
        {
            await host.Services.GetRequiredService<ActorSystem>().Terminate().WaitAsync(Wait);
            // As the host's RunAsync does: wait for the stop it was asked for, then let it stop.
            await host.WaitForShutdownAsync().WaitAsync(Wait);
            Assert.Equal(1, Environment.ExitCode);
        }
        finally
        {
            Environment.ExitCode = before; // this test process must still exit 0
            await host.StopAsync().WaitAsync(Wait);
        }
    }

    [Fact]
    public async Task StoppingTheHost_LeavesTheExitCodeAlone()
    {
        using var host = BuildHost(NewClock());
        await host.StartAsync().WaitAsync(Wait);
        int before = Environment.ExitCode;
        try
        {
            await host.StopAsync().WaitAsync(Wait);
            Assert.True(host.Services.GetRequiredService<ActorSystem>().WhenTerminated.IsCompleted);
            Assert.Equal(before, Environment.ExitCode);
        }
        finally
        {
            Environment.ExitCode = before;
        }
    }
}
