using System.Net.WebSockets;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using ActorWs.Server.Rooms;
using ActorWs.Server.Tests.Infrastructure;
using ActorWs.Server.Tests.Integration;
using Xunit;

namespace ActorWs.Server.Tests.Embedding;

/// <summary>The application's actors and rooms: a room is an actor to Tell and Watch.</summary>
public sealed class RoomRefTests
{
    [Fact]
    public async Task AnActor_GetsARoomsRef_TellsItABroadcast_AndWatchesItStop()
    {
        await using var server = await TestServer.StartAsync(o => o.Rooms.Linger = TimeSpan.Zero);
        using var client = await server.ConnectAsync("/rooms/news");
        await EchoTests.SendTextAsync(client, "joined?");
        Assert.Equal("joined?", await EchoTests.ReceiveTextAsync(client)); // the relay room echoes to its members: we are in

        var kit = new TestKit();
        server.Server.Rooms.Manager.Tell(new GetRoom("relay", "news"), kit.TestActor);
        var lookup = kit.ExpectMsg<RoomLookup>(TestServer.Wait);
        Assert.NotNull(lookup.Room);
        Assert.Equal(lookup.Room, await server.Server.Rooms.FindAsync("relay", "news"));

        lookup.Room!.Tell(RoomBroadcast.Text("breaking"), kit.TestActor);
        Assert.Equal("breaking", await EchoTests.ReceiveTextAsync(client));

        kit.Watch(lookup.Room);
        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "", new CancellationTokenSource(TestServer.Wait).Token);
        // The last member left and the room lingers 0 s: it stops, and the watcher hears it.
        kit.ExpectTerminated(lookup.Room, TestServer.Wait);
        kit.Shutdown();
    }

    /// <summary>The README's example (Embedding it, "Rooms are actors"), as it is printed there.</summary>
    public sealed class NewsDesk(IActorRef roomManager) : UntypedActor, IWithUnboundedStash
    {
        private IActorRef? _room;

        public IStash Stash { get; set; } = null!;

        protected override void PreStart() => roomManager.Tell(new GetRoom("relay", "news", CreateIfMissing: true));

        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case RoomLookup { Room: { } room }:
                    _room = Context.Watch(room);                  // Terminated comes when the room stops
                    Stash.UnstashAll();
                    break;
                case string when _room is null:
                    Stash.Stash();                                // a headline before the room is known waits for it
                    break;
                case string headline:
                    _room.Tell(RoomBroadcast.Text(headline));     // to every member, encoded once
                    break;
                case Terminated t when t.ActorRef.Equals(_room):
                    Context.Stop(Self);                           // the room emptied past its linger, or failed for good
                    break;
                default:
                    Unhandled(message);
                    break;
            }
        }
    }

    [Fact]
    public async Task TheReadmesNewsDesk_FindsTheRoom_BroadcastsToItsMember_AndStopsWhenTheRoomStops()
    {
        await using var server = await TestServer.StartAsync(o => o.Rooms.Linger = TimeSpan.Zero);
        using var client = await server.ConnectAsync("/rooms/news");
        await EchoTests.SendTextAsync(client, "joined?");
        Assert.Equal("joined?", await EchoTests.ReceiveTextAsync(client));

        var kit = new TestKit();
        var desk = server.System.ActorOf(Props.Create(() => new NewsDesk(server.Server.Rooms.Manager)), "news-desk");
        kit.Watch(desk);
        desk.Tell("breaking");
        Assert.Equal("breaking", await EchoTests.ReceiveTextAsync(client));

        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "", new CancellationTokenSource(TestServer.Wait).Token);
        kit.ExpectTerminated(desk, TestServer.Wait); // the room stopped, the desk watching it closed
        kit.Shutdown();
    }

    [Fact]
    public async Task GetRoom_CreatesWhenAsked_AndNamesAnUnknownType()
    {
        await using var server = await TestServer.StartAsync();
        var kit = new TestKit();
        server.Server.Rooms.Manager.Tell(new GetRoom("relay", "empty"), kit.TestActor);
        Assert.Null(kit.ExpectMsg<RoomLookup>(TestServer.Wait).Room);
        server.Server.Rooms.Manager.Tell(new GetRoom("relay", "empty", CreateIfMissing: true), kit.TestActor);
        Assert.NotNull(kit.ExpectMsg<RoomLookup>(TestServer.Wait).Room);
        server.Server.Rooms.Manager.Tell(new GetRoom("nope", "x", CreateIfMissing: true), kit.TestActor);
        var unknown = kit.ExpectMsg<RoomLookup>(TestServer.Wait);
        Assert.Null(unknown.Room);
        Assert.Contains("unknown room type", unknown.Error);
        kit.Shutdown();
    }
}
