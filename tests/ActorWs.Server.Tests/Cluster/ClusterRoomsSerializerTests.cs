using System.Collections;
using System.Net.WebSockets;
using System.Reflection;
using System.Text;
using Akka.Actor;
using Akka.Serialization;
using ActorWs.Server.Messaging;
using ActorWs.Server.Rooms;
using ActorWs.Server.Rooms.Cluster;
using ActorWs.Server.Sessions;
using Xunit;

namespace ActorWs.Server.Tests.Cluster;

/// <summary>A clustered actor system (not joined to anything) for serializing messages as they would cross nodes.</summary>
public sealed class SerializationSystem : IDisposable
{
    public SerializationSystem()
    {
        System = ActorSystem.Create("serialization", TestCluster.NodeConfig());
        Local = System.ActorOf(Props.Create(() => new Sink()), "local");
        // A ref to an actor of another node, as a room sees a member's session.
        Remote = ((ExtendedActorSystem)System).Provider.ResolveActorRef("akka.tcp://serialization@127.0.0.1:25999/user/actorws/listener/c7/session#42");
    }

    public ActorSystem System { get; }
    public IActorRef Local { get; }
    public IActorRef Remote { get; }

    public void Dispose() => System.Terminate().Wait(TimeSpan.FromSeconds(20));

    private sealed class Sink : ReceiveActor
    {
    }
}

/// <summary>Every message that crosses nodes with clustered rooms goes through its own serializer and comes back equal.</summary>
public sealed class ClusterRoomsSerializerTests(SerializationSystem fixture) : IClassFixture<SerializationSystem>
{
    /// <summary>An application's own identity type, which the rooms' serializer hands to the system's serializer for it.</summary>
    public sealed record PlayerIdentity(string Name, int Level);

    private static RoomListing Listing(string room) => new(room, "duel", 1, 2, false, "{\"mode\":\"ranked\"}");

    private static byte[] Frame(string text)
    {
        var payload = Encoding.UTF8.GetBytes(text);
        return [0x81, (byte)payload.Length, .. payload];
    }

    private JoinRoomRequest Join(object? identity = null, string? token = "tok-17") =>
        new(MatchmakeKind.JoinOrCreate, "duel", null, "{\"mode\":\"ranked\"}", "s-17", identity, fixture.Remote, true, "7", fixture.Local, token);

    /// <summary>One example of each type, by manifest.</summary>
    private Dictionary<string, object> Examples()
    {
        var local = fixture.Local;
        var remote = fixture.Remote;
        return new()
        {
            ["J"] = Join(new PlayerIdentity("ada", 3)),
            ["L"] = new ListRoomsRequest("duel", "{\"mode\":\"ranked\"}", 20, "duel:duel-4", "8"),
            ["LS"] = new RoomList([Listing("duel-1"), Listing("duel-2")], "ZHVlbDpkdWVsLTI", 9L),
            ["RL"] = Listing("duel-3"),
            ["LV"] = new LeaveRoomRequest("lobby", null),
            ["JA"] = new RoomJoinAccepted("lobby", "chat", remote, ["s-1", "s-2"], "3", 1_733_000_000_123),
            ["JR"] = new RoomJoinRefused("duel-1", "room is full", 12),
            ["LC"] = new RoomLeaveConfirmed("lobby", "4"),
            ["MR"] = new RoomMessageRefused("lobby", "rate limit exceeded", "5"),
            ["MT"] = new RoomMessageTaken("lobby", "6"),
            ["RN"] = new RoomRestartNotice("lobby", "boom"),
            ["RS"] = new RoomStopped("lobby", remote, RoomStopped.NodeLost),
            ["B"] = new RoomBroadcast(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary),
            ["G"] = new GetRoom("chat", "desk", CreateIfMissing: true),
            ["GL"] = new RoomLookup("chat", "desk", remote, null),
            ["M"] = WebSocketMessage.FromBytes("{\"text\":\"hi\"}"u8, WebSocketMessageType.Text),
            ["MM"] = new MemberMessages([WebSocketMessage.FromBytes("one"u8, WebSocketMessageType.Text), Tagged(WebSocketMessage.FromBytes(new byte[] { 2, 2 }, WebSocketMessageType.Binary), "7")]),
            ["CR"] = new CloseRequested(1008, "rate limit exceeded repeatedly"),
            ["T"] = new RoomManager.TellRoom("chat", "desk", RoomBroadcast.Text("{}")),
            ["C"] = new RoomManager.CreateRoom("duel", "{\"mode\":\"casual\"}"),
            ["N"] = RoomManager.CountRooms.Instance,
            ["SR"] = new SeatReserved(41, TimeSpan.FromSeconds(15), Join()),
            ["MO"] = new MatchmadeRoomOpened("{\"mode\":\"casual\"}"),
            ["SA"] = RoomStopApproved.Instance,
            ["LW"] = RoomListingWanted.Instance,
            ["DL"] = new RoomListed(Listing("duel-1"), remote),
            ["DS"] = new RoomSeatSettled("duel-1", 41),
            ["DR"] = new RoomSeatRefused("duel-1", 41, Join(), remote),
            ["DI"] = new RoomWentIdle("duel-1", 12),
            ["DF"] = new RoomFailedForGood("duel-1", remote),
            ["NC"] = new RoomsCounted(3),
            ["TF"] = new RoomMessageForwarded(true),
            ["CC"] = new MatchmadeRoomCreated("duel-9"),
            ["XJ"] = new RelayMemberJoined(remote, "lobby", local, local, false),
            ["XL"] = new RelayMemberLeft(remote, local),
            ["XB"] = new RelayedBroadcasts(remote, "lobby",
                [
                    new RelayedBroadcast(1234, RoomPayload.Event, Frame("{\"op\":\"presence\"}"), local),
                    new RelayedBroadcast(1235, RoomPayload.Data, Frame("{\"op\":\"message\"}"), null),
                ]),
            ["XF"] = new RelayedFrame(remote, "lobby", local, RoomPayload.Data, Frame("{}"), 77),
            ["XN"] = new RelayedNotice(remote, local, new RoomJoinAccepted("lobby", "chat", remote, ["s-1"], null)),
            ["RM"] = new ResumeMembership("old-token", 4321, Join(new PlayerIdentity("ada", 3), token: null)),
            ["RMA"] = new MembershipResumed("duel-1", "duel", remote),
            ["RMN"] = new MembershipNotResumed("duel-1", "the room is no longer running"),
            ["TK"] = new MemberTokenChanged("new-token"),
            ["SN"] = new RoomSnapshot("{\"mode\":\"ranked\"}", 1_733_000_000_123, 812, 40,
                [
                    new RoomSnapshotMember("s-1", new PlayerIdentity("ada", 3), local, local, true, remote, "tok-1", 17),
                    new RoomSnapshotMember("s-2", null, remote, remote, false, local, null, 0),
                ], "{\"score\":[3,1]}", 1_733_000_009_999),
            ["DSN"] = new DirectorySnapshot(4, 91,
                [
                    new DirectorySnapshotRoom("duel-3", true, Listing("duel-3"), remote, 12,
                        [new DirectorySnapshotReservation(90, 1_733_000_010_500), new DirectorySnapshotReservation(91, 1_733_000_011_000)]),
                    new DirectorySnapshotRoom("lobby", false, Listing("lobby"), null, 0, []),
                ], 1_733_000_009_999),
            ["DW"] = WakeDirectory.Instance,
            ["XH"] = new RelayRoomHandedOff(remote),
            ["MV"] = new RoomMoved("duel-1", "duel", remote),
            ["MG"] = new RoomMoving("duel-1", remote),
            ["MA"] = new MembershipMovedAway("duel-1", remote),
        };
    }

    public static TheoryData<string> Manifests() =>
    [
        "J", "L", "LS", "RL", "LV", "JA", "JR", "LC", "MR", "MT", "RN", "RS", "B", "G", "GL", "M", "MM", "CR", "T", "C", "N",
        "SR", "MO", "SA", "LW", "DL", "DS", "DR", "DI", "DF", "NC", "TF", "CC", "XJ", "XL", "XB", "XF", "XN",
        "RM", "RMA", "RMN", "TK", "SN", "DSN", "DW", "XH", "MV", "MG", "MA",
    ];

    [Theory]
    [MemberData(nameof(Manifests))]
    public void Message_IsBoundToTheRoomsSerializer_AndRoundTripsEqual(string manifest)
    {
        var message = Examples()[manifest];
        var serialization = fixture.System.Serialization;
        var serializer = serialization.FindSerializerFor(message);
        Assert.IsType<ClusterRoomsSerializer>(serializer);
        Assert.Equal(manifest, Serialization.ManifestFor(serializer, message));

        // As remoting does: bytes, serializer id and manifest, then back.
        var bytes = serializer.ToBinary(message);
        var back = serialization.Deserialize(bytes, serializer.Identifier, manifest);

        AssertDeepEqual(message, back, manifest);
    }

    [Fact]
    public void EveryTypeItSerializes_HasAnExampleAbove()
    {
        // Each manifest the serializer can read back is exercised by the theory (a new message type needs an example).
        var serializer = new ClusterRoomsSerializer((ExtendedActorSystem)fixture.System);
        var examples = Examples();
        Assert.Equal(((IEnumerable<object[]>)Manifests()).Select(m => (string)m[0]).Order(), examples.Keys.Order());
        Assert.Equal(examples.Count, examples.Values.Select(serializer.Manifest).Distinct().Count());
        Assert.Throws<ArgumentException>(() => serializer.Manifest("not a room message"));
    }

    private static WebSocketMessage Tagged(WebSocketMessage message, object tag)
    {
        message.RoomTag = tag;
        return message;
    }

    [Fact]
    public void AMemberMessagesBatch_OverTheMostOneCarries_IsRefused()
    {
        var serializer = (ClusterRoomsSerializer)fixture.System.Serialization.FindSerializerFor(new MemberMessages([]));
        var many = Enumerable.Range(0, Sessions.WebSocketSession.MaxMessagesPerBatch + 1).Select(_ => WebSocketMessage.FromBytes("x"u8, WebSocketMessageType.Text)).ToArray();
        var bytes = serializer.ToBinary(new MemberMessages(many));
        Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.FromBinary(bytes, "MM"));
        Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.FromBinary(serializer.ToBinary(new MemberMessages([])), "MM"));
    }

    [Fact]
    public void TheEndOfASessionsToken_RoundTripsAsNoToken()
    {
        var serializer = fixture.System.Serialization.FindSerializerFor(MemberTokenChanged.Ended);
        var back = (MemberTokenChanged)fixture.System.Serialization.Deserialize(serializer.ToBinary(MemberTokenChanged.Ended), serializer.Identifier, "TK");
        Assert.Null(back.Token);
    }

    [Fact]
    public void RelayedBroadcasts_CarryEachEncodedFrameAsRawBytes()
    {
        byte[] first = Frame("{\"op\":\"message\",\"data\":42}"), second = Frame("{\"op\":\"message\",\"data\":43}");
        var message = new RelayedBroadcasts(fixture.Remote, "lobby", [new RelayedBroadcast(7, RoomPayload.Data, first, null), new RelayedBroadcast(8, RoomPayload.Data, second, null)]);
        var bytes = fixture.System.Serialization.FindSerializerFor(message).ToBinary(message);
        // Each frame is in the message as it is (no encoding of its own, no copy per member), in order.
        int at = bytes.AsSpan().IndexOf(first);
        Assert.True(at >= 0);
        Assert.True(bytes.AsSpan(at + first.Length).IndexOf(second) >= 0);
    }

    /// <summary>Structural equality over records, lists, bytes, refs and pooled messages.</summary>
    private static void AssertDeepEqual(object? expected, object? actual, string path)
    {
        if (expected is null || actual is null)
        {
            Assert.True(expected is null && actual is null, $"{path}: {expected} vs {actual}");
            return;
        }
        // Lists are compared item by item (a collection expression's type is not the array it reads back as).
        if (expected is IEnumerable items and not string and not byte[] && actual is IEnumerable)
        {
            var left = items.Cast<object?>().ToList();
            var right = ((IEnumerable)actual).Cast<object?>().ToList();
            Assert.Equal(left.Count, right.Count);
            for (int i = 0; i < left.Count; i++) AssertDeepEqual(left[i], right[i], $"{path}[{i}]");
            return;
        }
        Assert.Equal(expected.GetType(), actual.GetType());
        switch (expected)
        {
            case string or bool or int or long or TimeSpan or Enum or IActorRef:
                Assert.True(expected.Equals(actual), $"{path}: {expected} vs {actual}");
                return;
            case byte[] bytes:
                Assert.Equal(bytes, (byte[])actual);
                return;
            case ReadOnlyMemory<byte> memory:
                Assert.Equal(memory.ToArray(), ((ReadOnlyMemory<byte>)actual).ToArray());
                return;
            case WebSocketMessage message:
                var back = (WebSocketMessage)actual;
                Assert.Equal(message.Type, back.Type);
                Assert.Equal(message.ToArray(), back.ToArray());
                AssertDeepEqual(message.RoomTag, back.RoomTag, path + ".RoomTag");
                return;
        }
        var properties = expected.GetType().GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
            .Where(p => p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract")
            .ToArray();
        // Types without properties (the singletons) are equal by type, checked above.
        foreach (var property in properties) AssertDeepEqual(property.GetValue(expected), property.GetValue(actual), path + "." + property.Name);
    }
}
