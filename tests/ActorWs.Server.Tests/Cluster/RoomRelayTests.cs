using System.Text;
using Akka.Actor;
using Akka.TestKit;
using ActorWs.Protocol.Frames;
using ActorWs.Server.Buffers;
using ActorWs.Server.Metrics;
using ActorWs.Server.Rooms;
using ActorWs.Server.Rooms.Cluster;
using ActorWs.Server.Tests.Dispatch;
using Xunit;

namespace ActorWs.Server.Tests.Cluster;

/// <summary>
/// A node's relay hands a room's broadcasts from another node to its members as the room would on its own node: the
/// connections of a turn's broadcasts get one batch each, resumable members' sessions each frame, the except skipped.
/// </summary>
public sealed class RoomRelayTests() : Akka.TestKit.Xunit2.TestKit(DispatchTesting.Config("""
    # One thread for the relay and a blocker: while the blocker holds it, the relay's messages wait together.
    one-thread {
      type = ForkJoinDispatcher
      throughput = 100
      dedicated-thread-pool { thread-count = 1 }
    }
    """))
{
    private readonly ActorWsMetrics _metrics = new();

    private static byte[] Encoded(string text)
    {
        var frame = OutboundFrame.Create(WebSocketOpcode.Text, Encoding.UTF8.GetBytes(text));
        var bytes = frame.Bytes.ToArray();
        frame.Release();
        return bytes;
    }

    private static string Text(OutboundFrame frame) => Encoding.UTF8.GetString(frame.Payload);

    private static RelayedBroadcasts Turn(IActorRef room, params RelayedBroadcast[] broadcasts) => new(room, "lobby", broadcasts);

    private IActorRef StartRelay() => Sys.ActorOf(Props.Create(() => new RoomRelay(_metrics)).WithDispatcher("one-thread"));

    /// <summary>A member of <paramref name="room"/> on the relay's node: its session and connection, as probes, told to the relay.</summary>
    private (TestProbe Session, TestProbe Connection) Join(IActorRef relay, TestProbe room, bool sequenced)
    {
        TestProbe session = CreateTestProbe(), connection = CreateTestProbe();
        relay.Tell(new RelayMemberJoined(room.Ref, "lobby", session.Ref, connection.Ref, sequenced));
        return (session, connection);
    }

    [Fact]
    public void BroadcastsThatArriveTogether_ReachEachConnectionAsOneBatch_AndEachResumableSessionFrameByFrame()
    {
        var relay = StartRelay();
        var blocker = Sys.ActorOf(Props.Create<EchoActor>().WithDispatcher("one-thread"));
        var room = CreateTestProbe();
        var (sessionA, connectionA) = Join(relay, room, sequenced: false);
        var (sessionB, connectionB) = Join(relay, room, sequenced: false);
        var (sessionS, connectionS) = Join(relay, room, sequenced: true);

        using var gate = new ManualResetEventSlim();
        blocker.Tell(new Block(gate, TestActor));
        ExpectMsg("blocked", DispatchTesting.Bound);
        relay.Tell(Turn(room.Ref, new RelayedBroadcast(1, RoomPayload.Data, Encoded("first"), Except: null)));
        relay.Tell(Turn(room.Ref, new RelayedBroadcast(2, RoomPayload.Event, Encoded("second"), Except: sessionA.Ref)));
        gate.Set();

        var batch = connectionA.ExpectMsg<OutboundBatch>(DispatchTesting.Bound);
        Assert.Same(batch, connectionB.ExpectMsg<OutboundBatch>(DispatchTesting.Bound));
        Assert.Equal(2, batch.Count);
        Assert.Equal(["first", "second"], new[] { Text(batch.FrameAt(0)), Text(batch.FrameAt(1)) });
        Assert.False(batch.IsSkippedBy(0, connectionA.Ref));
        Assert.True(batch.IsSkippedBy(1, connectionA.Ref)); // the second was not for A
        Assert.False(batch.IsSkippedBy(1, connectionB.Ref));
        Assert.Equal(RoomPayload.Event, batch.FrameAt(1).PayloadKind);

        var first = sessionS.ExpectMsg<OutboundFrame>(DispatchTesting.Bound);
        var second = sessionS.ExpectMsg<OutboundFrame>(DispatchTesting.Bound);
        Assert.Equal(("first", "lobby"), (Text(first), first.Room));
        Assert.Equal(("second", "lobby"), (Text(second), second.Room));
        Assert.Equal(room.Ref, sessionS.LastSender); // sessions see the room as the sender, as on its own node

        // One message per connection for the turn, none to the non-resumable members' sessions.
        connectionA.ExpectNoMsg(DispatchTesting.Quiet);
        connectionB.ExpectNoMsg(TimeSpan.Zero);
        connectionS.ExpectNoMsg(TimeSpan.Zero);
        sessionA.ExpectNoMsg(TimeSpan.Zero);
        Assert.Equal(2, _metrics.RelayMessagesReceived);
        Assert.Equal(2, _metrics.RelayedBroadcastsReceived);
    }

    [Fact]
    public void ATurnsBroadcastsInOneMessage_ReachEachConnectionAsOneBatch_InOrder_EachSkippingOnlyItsExcept()
    {
        var relay = StartRelay();
        var room = CreateTestProbe();
        var (_, connectionA) = Join(relay, room, sequenced: false);
        var (sessionB, connectionB) = Join(relay, room, sequenced: false);
        var (sessionS, _) = Join(relay, room, sequenced: true);

        relay.Tell(Turn(room.Ref,
            new RelayedBroadcast(5, RoomPayload.Data, Encoded("one"), Except: sessionB.Ref),
            new RelayedBroadcast(6, RoomPayload.Data, Encoded("two"), Except: sessionS.Ref),
            new RelayedBroadcast(7, RoomPayload.Event, Encoded("three"), Except: null)));

        var batch = connectionA.ExpectMsg<OutboundBatch>(DispatchTesting.Bound);
        Assert.Same(batch, connectionB.ExpectMsg<OutboundBatch>(DispatchTesting.Bound));
        Assert.Equal(["one", "two", "three"], Enumerable.Range(0, batch.Count).Select(i => Text(batch.FrameAt(i))));
        Assert.Equal(new long[] { 5, 6, 7 }, Enumerable.Range(0, batch.Count).Select(i => batch.FrameAt(i).RoomPosition));
        Assert.True(batch.IsSkippedBy(0, connectionB.Ref));
        Assert.False(batch.IsSkippedBy(0, connectionA.Ref));
        Assert.False(batch.IsSkippedBy(1, connectionA.Ref) || batch.IsSkippedBy(1, connectionB.Ref));
        // The resumable member gets each frame but the one that was not for it, in order.
        Assert.Equal("one", Text(sessionS.ExpectMsg<OutboundFrame>(DispatchTesting.Bound)));
        Assert.Equal("three", Text(sessionS.ExpectMsg<OutboundFrame>(DispatchTesting.Bound)));
        connectionA.ExpectNoMsg(DispatchTesting.Quiet);
        sessionS.ExpectNoMsg(TimeSpan.Zero);
        Assert.Equal(1, _metrics.RelayMessagesReceived);
        Assert.Equal(3, _metrics.RelayedBroadcastsReceived);
    }

    [Fact]
    public void FramesForOneMember_Notices_Leaves_AndTheRoomStopping_AreHonoured_AndItsMembersAreToldItIsGone()
    {
        var relay = StartRelay();
        var room = CreateTestProbe();
        var (sessionA, connectionA) = Join(relay, room, sequenced: false);
        var (sessionS, _) = Join(relay, room, sequenced: true);

        // A frame for one member goes to its connection (or, resumable, its session); a notice to its session.
        relay.Tell(new RelayedFrame(room.Ref, "lobby", sessionA.Ref, RoomPayload.Data, Encoded("just you"), 3));
        Assert.Equal("just you", Text(connectionA.ExpectMsg<OutboundFrame>(DispatchTesting.Bound)));
        relay.Tell(new RelayedFrame(room.Ref, "lobby", sessionS.Ref, RoomPayload.Data, Encoded("and you"), 4));
        Assert.Equal("and you", Text(sessionS.ExpectMsg<OutboundFrame>(DispatchTesting.Bound)));
        relay.Tell(new RelayedNotice(room.Ref, sessionA.Ref, new RoomLeaveConfirmed("lobby", "9")));
        Assert.Equal(new RoomLeaveConfirmed("lobby", "9"), sessionA.ExpectMsg<RoomLeaveConfirmed>(DispatchTesting.Bound));
        Assert.Equal(room.Ref, sessionA.LastSender);

        // After a leave, the member gets nothing more.
        relay.Tell(new RelayMemberLeft(room.Ref, sessionA.Ref));
        relay.Tell(Turn(room.Ref, new RelayedBroadcast(3, RoomPayload.Data, Encoded("after"), Except: null)));
        Assert.Equal("after", Text(sessionS.ExpectMsg<OutboundFrame>(DispatchTesting.Bound)));
        connectionA.ExpectNoMsg(DispatchTesting.Quiet);

        // When the room stops with members here, the relay tells each of them it is gone (on a live node: the room
        // stopped; a room lost with its node is told apart by Terminated.AddressTerminated, see the cluster tests),
        // then forgets them: later broadcasts reach no one.
        Sys.Stop(room.Ref);
        var stopped = sessionS.FishForMessage<RoomStopped>(_ => true, DispatchTesting.Bound);
        Assert.Equal(new RoomStopped("lobby", room.Ref, RoomStopped.StoppedForGood), stopped);
        sessionA.ExpectNoMsg(DispatchTesting.Quiet); // it had left
        relay.Tell(Turn(room.Ref, new RelayedBroadcast(4, RoomPayload.Data, Encoded("gone?"), Except: null)));
        sessionS.ExpectNoMsg(DispatchTesting.Quiet);
    }
}
