using System.Net.WebSockets;
using System.Text;
using Akka;
using Akka.Actor;
using Akka.Hosting;
using Akka.Streams.Dsl;
using ActorWs.Hosting.Hosting;
using ActorWs.Server;
using ActorWs.Server.BuiltIn;
using ActorWs.Server.Messaging;
using ActorWs.Server.Options;
using ActorWs.Server.Rooms;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ActorWs.EmbeddingApp.Tests;

/// <summary>
/// An application built the Akka.Hosting way (<c>AddAkka</c> with its own actor) that adds ActorWs with one line, and
/// uses it over real sockets: <c>/echo</c>, a Flow route, an actor route, and its actor broadcasting to a room.
/// </summary>
public sealed class EmbeddingAppTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private IHost _host = null!;

    public async Task InitializeAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAkka("embedding-app", (akka, _) => akka
            // The one line that adds ActorWs to the application's actor system.
            // (An empty room stops at once, so that the application's actor sees the room it watches go.)
            .WithActorWs(new ServerOptions { Host = "127.0.0.1", Port = 0, Rooms = { Linger = TimeSpan.Zero } }, server =>
            {
                server.MapDefaultRoutes();
                server.MapFlowRoute("/shout", Flow.Create<WebSocketMessage>().Select(m => WebSocketMessage.FromText(m.GetText().ToUpperInvariant())));
                server.MapActorRoute("/actor", Props.Create<ShoutingConnection>());
            })
            // The application's own actor, given the room manager ActorWs registered.
            .WithActors((system, registry) =>
                registry.Register<NewsDesk>(system.ActorOf(Props.Create(() => new NewsDesk(registry.Get<RoomDirectory>())), "news-desk"))));
        _host = builder.Build();
        await _host.StartAsync().WaitAsync(Wait);
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync().WaitAsync(Wait);
        _host.Dispose();
    }

    private ActorWsServer Server => ActorWsExtension.Get(_host.Services.GetRequiredService<ActorSystem>()).Server;

    private async Task<ClientWebSocket> ConnectAsync(string path)
    {
        var client = new ClientWebSocket();
        await client.ConnectAsync(new Uri($"ws://127.0.0.1:{Server.LocalEndPoint!.Port}{path}"), new CancellationTokenSource(Wait).Token);
        return client;
    }

    private static Task SendAsync(ClientWebSocket client, string text) =>
        client.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, new CancellationTokenSource(Wait).Token);

    private static async Task<string> ReceiveAsync(ClientWebSocket client)
    {
        var buffer = new byte[4096];
        var result = await client.ReceiveAsync(buffer, new CancellationTokenSource(Wait).Token);
        Assert.True(result.EndOfMessage);
        return result.MessageType == WebSocketMessageType.Close ? "(close)" : Encoding.UTF8.GetString(buffer, 0, result.Count);
    }

    [Theory]
    [InlineData("/echo", "hello", "hello")]
    [InlineData("/shout", "hello", "HELLO")]
    [InlineData("/actor", "hello", "HELLO")]
    public async Task EveryKindOfRoute_AnswersOverARealSocket(string path, string sent, string expected)
    {
        using var client = await ConnectAsync(path);
        await SendAsync(client, sent);
        Assert.Equal(expected, await ReceiveAsync(client));
    }

    [Fact]
    public async Task TheApplicationsActor_BroadcastsToARoom_AClientHasJoined_AndWatchesIt()
    {
        using var client = await ConnectAsync("/rooms/news");
        await SendAsync(client, "here");
        Assert.Equal("here", await ReceiveAsync(client)); // the relay room echoes to its members: joined

        var desk = _host.Services.GetRequiredService<IRequiredActor<NewsDesk>>().ActorRef;
        var inbox = Inbox.Create(_host.Services.GetRequiredService<ActorSystem>());
        inbox.Send(desk, new NewsDesk.Announce("extra! extra!"));
        var announced = Assert.IsType<NewsDesk.Announced>(await inbox.ReceiveAsync(Wait));
        Assert.Equal("extra! extra!", announced.Text);
        Assert.Equal("extra! extra!", await ReceiveAsync(client));

        // The client leaves, the empty room stops, and the desk, which watches it, says so.
        var room = await Server.Rooms.FindAsync("relay", "news");
        Assert.NotNull(room);
        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "", new CancellationTokenSource(Wait).Token);
        var gone = Assert.IsType<NewsDesk.RoomGone>(await inbox.ReceiveAsync(Wait));
        Assert.Equal(room, gone.Room);
    }

    [Fact]
    public void TheServersActors_AreInAkkaHostingsRegistry()
    {
        var registry = _host.Services.GetRequiredService<ActorRegistry>();
        Assert.Equal(Server.Actor, registry.Get<ActorWsServer>());
        Assert.Equal(Server.Rooms.Manager, registry.Get<RoomDirectory>());
    }

    [Fact]
    public async Task StoppingTheHost_ClosesEveryWebSocketWith1001()
    {
        using var client = await ConnectAsync("/echo");
        var stopping = _host.StopAsync();
        Assert.Equal("(close)", await ReceiveAsync(client));
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, client.CloseStatus);
        await stopping.WaitAsync(Wait);
    }
}
