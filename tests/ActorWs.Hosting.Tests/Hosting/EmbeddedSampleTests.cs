using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using ActorWs.Actors;
using ActorWs.Hosting.Hosting;
using ActorWs.Samples.Embedded;
using ActorWs.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ActorWs.Hosting.Tests.Hosting;

/// <summary>The embedded sample: a Generic Host whose own service talks to a room, and whose own actor is injected.</summary>
public sealed class EmbeddedSampleTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private static async Task<string> ReceiveTextAsync(ClientWebSocket client)
    {
        var buffer = new byte[4096];
        using var cts = new CancellationTokenSource(Wait);
        var result = await client.ReceiveAsync(buffer, cts.Token);
        Assert.Equal(WebSocketMessageType.Text, result.MessageType);
        return Encoding.UTF8.GetString(buffer, 0, result.Count);
    }

    [Fact]
    public async Task TheHostsOwnService_TalksToARoom_AndItsActorIsInjected_AndStoppingTheHostClosesWith1001()
    {
        using var host = EmbeddedApp.Build(["--port", "0", "--clock:interval=50ms", "--logging:level=warning"]);
        await host.StartAsync().WaitAsync(Wait);
        var server = host.Services.GetRequiredService<ActorWsServer>();
        using var client = new ClientWebSocket();
        await client.ConnectAsync(new Uri($"ws://127.0.0.1:{server.LocalEndPoint!.Port}/clock"), new CancellationTokenSource(Wait).Token);

        var first = JsonDocument.Parse(await ReceiveTextAsync(client)).RootElement.GetProperty("time").GetDateTimeOffset();
        var second = JsonDocument.Parse(await ReceiveTextAsync(client)).RootElement.GetProperty("time").GetDateTimeOffset();
        Assert.True(second > first);

        var log = host.Services.GetRequiredService<IRequiredActor<AnnouncementLog>>().ActorRef;
        var recent = await log.Ask<AnnouncementLog.Record[]>(AnnouncementLog.GetRecent.Instance, Wait);
        Assert.Contains(recent, r => r.Delivered);

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
    public async Task WhenTheActorSystemDies_TheHostStops_WithExitCode1()
    {
        using var host = EmbeddedApp.Build(["--port", "0"]);
        await host.StartAsync().WaitAsync(Wait);
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        var stopping = new TaskCompletionSource();
        lifetime.ApplicationStopping.Register(() => stopping.TrySetResult());
        int before = Environment.ExitCode;
        try
        {
            await host.Services.GetRequiredService<ActorSystem>().Terminate().WaitAsync(Wait);
            await stopping.Task.WaitAsync(Wait);
            Assert.Equal(1, Environment.ExitCode);
        }
        finally
        {
            Environment.ExitCode = before; // this test process must still exit 0
            await host.StopAsync().WaitAsync(Wait);
        }
    }

    [Fact]
    public async Task TheRegistry_HandsOutRegisteredActors_AndWaitsForLateOnes()
    {
        var registry = new ActorRegistry();
        Assert.False(registry.TryGet<AnnouncementLog>(out _));
        Assert.Throws<KeyNotFoundException>(() => registry.Get<AnnouncementLog>());
        var waiting = registry.GetAsync<AnnouncementLog>();
        Assert.False(waiting.IsCompleted);
        var system = ActorSystem.Create("registry-test");
        try
        {
            var actor = system.ActorOf(Props.Create<AnnouncementLog>());
            registry.Register<AnnouncementLog>(actor);
            Assert.Same(actor, registry.Get<AnnouncementLog>());
            Assert.True(waiting.IsCompletedSuccessfully);
            Assert.Throws<InvalidOperationException>(() => registry.Register<AnnouncementLog>(actor));
        }
        finally
        {
            await system.Terminate().WaitAsync(Wait);
        }
    }
}
