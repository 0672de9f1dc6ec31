using Akka.Actor;
using Akka.Hosting;
using ActorWs.Hosting.Configuration;
using ActorWs.Hosting.Hosting;
using ActorWs.Server;
using ActorWs.Server.Rooms;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ActorWs.Hosting.Tests.Hosting;

/// <summary>
/// <c>services.AddActorWs(...)</c> (what <c>ActorWsApp.RunAsync</c>, the executable and the samples use) gives the
/// application the server and the room directory both as dependency-injection services and as Akka.Hosting's
/// <see cref="IRequiredActor{TKey}"/>, as <c>WithActorWs</c> does.
/// </summary>
[Collection(ExitCodeCollection.Name)]
public sealed class ServiceRegistrationTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task TheServerAndTheRoomDirectory_AreServices_AndRequiredActors()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddHocon("server { host = \"127.0.0.1\", port = 0 }", "app.conf");
        builder.Services.AddActorWs(builder.Configuration);
        using var host = builder.Build();
        await host.StartAsync().WaitAsync(Wait);
        try
        {
            var server = host.Services.GetRequiredService<ActorWsServer>();
            Assert.Same(server, ActorWsExtension.Get(host.Services.GetRequiredService<ActorSystem>()).Server);
            Assert.Same(server.Rooms, host.Services.GetRequiredService<RoomDirectory>());

            var serverActor = await host.Services.GetRequiredService<IRequiredActor<ActorWsServer>>().GetAsync().WaitAsync(Wait);
            var roomManager = await host.Services.GetRequiredService<IRequiredActor<RoomDirectory>>().GetAsync().WaitAsync(Wait);
            Assert.Equal(server.Actor, serverActor);
            Assert.Equal(server.Rooms.Manager, roomManager);

            // The room manager answers an actor's GetRoom with the room's IActorRef.
            var lookup = await roomManager.Ask<RoomLookup>(new GetRoom("relay", "lobby", CreateIfMissing: true), Wait);
            Assert.NotNull(lookup.Room);
            Assert.Equal(lookup.Room, await server.Rooms.FindAsync("relay", "lobby"));
        }
        finally
        {
            await host.StopAsync().WaitAsync(Wait);
        }
    }
}
