using Akka.Actor;
using ActorWs.Server.Connections;
using ActorWs.Server.Dispatch;
using ActorWs.Server.Listener;
using ActorWs.Server.Rooms;
using ActorWs.Server.Rooms.Cluster;
using ActorWs.Server.Sessions;
using ActorWs.Server.Tests.Cluster;
using ActorWs.Server.Tests.Infrastructure;
using ActorWs.Server.Tests.Integration;
using Xunit;

namespace ActorWs.Server.Tests.Dispatch;

/// <summary>
/// The server stands on Akka.NET alone: no trace of the home-made runtime, every actor of a running server an Akka.NET
/// actor whose <see cref="Props"/> make it with a plain constructor call (a producer), not through reflection per instance,
/// on the mailbox and dispatcher its kind needs.
/// </summary>
public sealed class AkkaFoundationTests
{
    private static readonly string[] OurAssemblies = ["ActorWs.Server", "ActorWs.Protocol"];

    [Fact]
    public void No_type_of_the_server_is_in_a_namespace_ActorWs_Actors_and_no_assembly_of_that_name_is_referenced()
    {
        var server = typeof(ActorWsServer).Assembly;
        var ours = new[] { server }.Concat(server.GetReferencedAssemblies()
                .Where(a => OurAssemblies.Contains(a.Name))
                .Select(System.Reflection.Assembly.Load))
            .Distinct()
            .ToList();
        Assert.Contains(ours, a => a.GetName().Name == "ActorWs.Protocol");
        foreach (var assembly in ours)
        {
            Assert.DoesNotContain(assembly.GetReferencedAssemblies(), a => a.Name!.StartsWith("ActorWs.Actors", StringComparison.Ordinal));
            Assert.DoesNotContain(assembly.GetTypes(), t => t.Namespace is { } ns && (ns == "ActorWs.Actors" || ns.StartsWith("ActorWs.Actors.", StringComparison.Ordinal)));
        }
        Assert.Contains(server.GetReferencedAssemblies(), a => a.Name == "Akka");
    }

    [Fact]
    public async Task Every_actor_of_a_running_server_is_made_by_a_producer_on_the_mailbox_and_dispatcher_of_its_kind()
    {
        await using var server = await TestServer.StartAsync();
        using var echo = await server.ConnectAsync("/echo");
        await EchoTests.SendTextAsync(echo, "hi");
        Assert.Equal("hi", await EchoTests.ReceiveTextAsync(echo));
        using var member = await server.ConnectAsync("/rooms/lobby");
        await EchoTests.SendTextAsync(member, "in?");
        Assert.Equal("in?", await EchoTests.ReceiveTextAsync(member)); // the relay room echoes to its members: it exists
        using var resumable = await server.ConnectAsync("/ws");
        await TestCluster.WaitUntilAsync(() => OurActors(server.System).Any(c => c.Props.Type == typeof(SessionActor)), "the /ws session actor");

        var cells = OurActors(server.System);
        var kinds = cells.Select(c => c.Props.Type).ToHashSet();
        foreach (var expected in new[] { typeof(ServerActor), typeof(ListenerActor), typeof(ConnectionGroup), typeof(ConnectionActor),
                     typeof(SessionManager), typeof(SessionActor), typeof(RoomManager), typeof(RoomActor) })
            Assert.Contains(expected, kinds);
        AssertMadeByProducers(cells);

        Assert.All(cells.Where(c => c.Props.Type == typeof(ConnectionActor) || c.Props.Type == typeof(SessionActor)),
            c => Assert.Equal(ActorWsDispatch.LeanMailboxPath, c.Props.Mailbox));
        Assert.All(cells.Where(c => c.Props.Type == typeof(RoomActor)),
            c => Assert.Equal(ActorWsDispatch.RoomDispatcher, c.Props.Dispatcher));
    }

    [Fact]
    public async Task A_clustered_room_and_its_directory_are_made_by_a_producer_too()
    {
        await using var cluster = await TestCluster.StartAsync(count: 1);
        await cluster[0].Server.Rooms.GetOrCreateAsync("chat", "desk");
        await TestCluster.WaitUntilAsync(() => OurActors(cluster[0].System).Any(c => c.Props.Type == typeof(RoomTypeDirectory)), "the room type's directory");

        var cells = OurActors(cluster[0].System);
        var kinds = cells.Select(c => c.Props.Type).ToHashSet();
        foreach (var expected in new[] { typeof(RoomEntity), typeof(RoomTypeDirectory), typeof(RoomActor) })
            Assert.Contains(expected, kinds);
        AssertMadeByProducers(cells);
    }

    /// <summary>
    /// Props built with <c>Props.Create(() =&gt; new T(a, b))</c> or <c>Props.Create&lt;T&gt;(a, b)</c> carry the
    /// constructor's arguments and construct through reflection; our actors take arguments, so Props without any were
    /// made by a producer.
    /// </summary>
    private static void AssertMadeByProducers(IReadOnlyList<ICell> cells)
    {
        foreach (var cell in cells)
        {
            Assert.True(typeof(ActorBase).IsAssignableFrom(cell.Props.Type));
            Assert.True(cell.Props.Arguments is null || cell.Props.Arguments.Length == 0,
                $"{cell.Self.Path} ({cell.Props.Type.Name}) was made from Props with constructor arguments (reflection per instance)");
            Assert.True(cell.Props.Type.GetConstructor(Type.EmptyTypes) is null,
                $"{cell.Props.Type.Name} has a parameterless constructor: this check cannot tell how it was made");
        }
    }

    /// <summary>Every live local actor of the system whose class is ActorWs.Server's, from the root guardian down.</summary>
    private static List<ICell> OurActors(ActorSystem system)
    {
        var found = new List<ICell>();
        var pending = new Stack<IActorRef>();
        pending.Push(((ExtendedActorSystem)system).Provider.RootGuardian);
        while (pending.TryPop(out var actor))
        {
            if (actor is not ActorRefWithCell withCell) continue;
            var cell = withCell.Underlying;
            if (cell.Props.Type?.Assembly == typeof(ActorWsServer).Assembly) found.Add(cell);
            foreach (var child in withCell.Children) pending.Push(child);
        }
        return found;
    }
}
