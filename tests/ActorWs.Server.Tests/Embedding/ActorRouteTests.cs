using System.Net.WebSockets;
using System.Text;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using ActorWs.Server.ActorRoutes;
using ActorWs.Server.Sessions;
using ActorWs.Server.Tests.Infrastructure;
using ActorWs.Server.Tests.Integration;
using Xunit;

namespace ActorWs.Server.Tests.Embedding;

/// <summary>A route served by the application's own actor, one per connection (<see cref="ActorWsServer.MapActorRoute"/>).</summary>
public sealed class ActorRouteTests
{
    /// <summary>Upper-cases what it gets; "close" makes it close with 4000, "stop" stops it, "throw" fails it. Reports to a probe.</summary>
    private sealed class ShoutingActor(IActorRef probe) : UntypedActor
    {
        private IActorRef _connection = ActorRefs.Nobody;

        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case WebSocketOpened opened:
                    _connection = opened.Connection;
                    probe.Tell(("opened", Self, opened.Path, opened.RouteValues.GetValueOrDefault("name")));
                    break;
                case WebSocketMessageReceived { Text: "close" }:
                    Sender.Tell(new CloseWebSocket(4000, "asked to"));
                    break;
                case WebSocketMessageReceived { Text: "stop" }:
                    Context.Stop(Self);
                    break;
                case WebSocketMessageReceived { Text: "throw" }:
                    throw new InvalidOperationException("route actor bug");
                case WebSocketMessageReceived received:
                    _connection.Tell(SendWebSocketMessage.OfText(received.Text.ToUpperInvariant()));
                    break;
                case WebSocketClosed closed:
                    probe.Tell(("closed", Self, closed.Code));
                    break;
            }
        }

        protected override void PostStop() => probe.Tell(("stopped", Self));
    }

    private static async Task<(TestServer Server, TestKit Kit)> StartAsync()
    {
        var kit = new TestKit();
        var probe = kit.TestActor;
        var server = await TestServer.StartAsync(configure: s => s.MapActorRoute("/shout/{name}", Props.Create(() => new ShoutingActor(probe))));
        return (server, kit);
    }

    private static async Task<string> CloseStatusAsync(ClientWebSocket client)
    {
        var (type, _) = await EchoTests.ReceiveWholeAsync(client);
        Assert.Equal(WebSocketMessageType.Close, type);
        return $"{(int)client.CloseStatus!} {client.CloseStatusDescription}";
    }

    [Fact]
    public async Task EachConnection_GetsItsOwnActor_WhichAnswersThroughTheConnection()
    {
        var (server, kit) = await StartAsync();
        await using var _ = server;
        using var a = await server.ConnectAsync("/shout/alpha");
        var (_, actorA, path, name) = kit.ExpectMsg<(string, IActorRef, string, string?)>(TestServer.Wait);
        Assert.Equal(("/shout/alpha", "alpha"), (path, name));
        using var b = await server.ConnectAsync("/shout/beta");
        var (_, actorB, _, _) = kit.ExpectMsg<(string, IActorRef, string, string?)>(TestServer.Wait);
        Assert.NotEqual(actorA, actorB);

        await EchoTests.SendTextAsync(a, "hello");
        await EchoTests.SendTextAsync(b, "world");
        Assert.Equal("HELLO", await EchoTests.ReceiveTextAsync(a));
        Assert.Equal("WORLD", await EchoTests.ReceiveTextAsync(b));
        kit.Shutdown();
    }

    [Fact]
    public async Task WhenTheClientCloses_TheActorHearsHow_ThenStops()
    {
        var (server, kit) = await StartAsync();
        await using var _ = server;
        using var client = await server.ConnectAsync("/shout/x");
        var (_, actor, _, _) = kit.ExpectMsg<(string, IActorRef, string, string?)>(TestServer.Wait);
        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", new CancellationTokenSource(TestServer.Wait).Token);
        Assert.Equal(("closed", actor, (ushort)1000), kit.ExpectMsg<(string, IActorRef, ushort)>(TestServer.Wait));
        Assert.Equal(("stopped", actor), kit.ExpectMsg<(string, IActorRef)>(TestServer.Wait));
        kit.Shutdown();
    }

    [Fact]
    public async Task TheActor_ClosesTheConnection_WithItsOwnCode()
    {
        var (server, kit) = await StartAsync();
        await using var _ = server;
        using var client = await server.ConnectAsync("/shout/x");
        kit.ExpectMsg<(string, IActorRef, string, string?)>(TestServer.Wait);
        await EchoTests.SendTextAsync(client, "close");
        Assert.Equal("4000 asked to", await CloseStatusAsync(client));
        kit.Shutdown();
    }

    [Theory]
    [InlineData("stop")]
    [InlineData("throw")]
    public async Task WhenTheActorStopsOrFails_TheConnectionClosesWith1011_AndOthersGoOn(string how)
    {
        var (server, kit) = await StartAsync();
        await using var _ = server;
        using var victim = await server.ConnectAsync("/shout/victim");
        kit.ExpectMsg<(string, IActorRef, string, string?)>(TestServer.Wait);
        using var bystander = await server.ConnectAsync("/shout/bystander");
        kit.ExpectMsg<(string, IActorRef, string, string?)>(TestServer.Wait);

        await EchoTests.SendTextAsync(victim, how);
        Assert.StartsWith("1011", await CloseStatusAsync(victim));
        await EchoTests.SendTextAsync(bystander, "still here");
        Assert.Equal("STILL HERE", await EchoTests.ReceiveTextAsync(bystander));
        if (how == "throw")
        {
            // Logged once, by the server (Akka.NET's own failure log is off for this supervisor).
            Assert.NotNull(server.Logs.WaitFor(r => r.Exception is InvalidOperationException { Message: "route actor bug" }, TestServer.Wait));
            Assert.Single(server.Logs.GetSnapshot(), r => r.Exception is InvalidOperationException { Message: "route actor bug" });
        }
        kit.Shutdown();
    }
}
