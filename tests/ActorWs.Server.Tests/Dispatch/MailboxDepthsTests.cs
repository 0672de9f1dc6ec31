using Akka.Actor;
using ActorWs.Server.Dispatch;
using Xunit;

namespace ActorWs.Server.Tests.Dispatch;

/// <summary>
/// <see cref="MailboxDepths"/>: which lean mailboxes are behind, found without visiting every actor; peaks are
/// "since the previous report", drained mailboxes are forgotten, actors that keep up never show.
/// </summary>
public sealed class MailboxDepthsTests() : Akka.TestKit.Xunit2.TestKit(DispatchTesting.Config())
{
    private static Envelope Letter(int i) => new(i, ActorRefs.NoSender);

    private IActorRef StartBlocked(string name, ManualResetEventSlim gate)
    {
        var actor = Sys.ActorOf(Props.Create(() => new EchoActor()).WithMailbox(ActorWsDispatch.LeanMailboxPath), name);
        actor.Tell(new Block(gate, TestActor));
        ExpectMsg("blocked", DispatchTesting.Bound);
        return actor;
    }

    [Fact]
    public void One_instance_per_actor_system()
    {
        Assert.Same(MailboxDepths.Get(Sys), MailboxDepths.Get(Sys));
        Assert.Empty(MailboxDepths.Get(Sys).Report(10));
    }

    [Fact]
    public void A_mailbox_that_stays_within_its_first_segment_is_not_reported()
    {
        using var gate = new ManualResetEventSlim();
        var actor = StartBlocked("shallow", gate);
        for (int i = 0; i < MessageSegment.InitialCapacity; i++) actor.Tell(i, TestActor);

        Assert.Equal(MessageSegment.InitialCapacity, DispatchTesting.LeanQueueOf(actor).Count);
        Assert.Empty(MailboxDepths.Get(Sys).Report(10));
        gate.Set();
        ReceiveN(MessageSegment.InitialCapacity, DispatchTesting.Bound);
    }

    [Fact]
    public void Blocked_actors_with_more_than_16_waiting_are_reported_deepest_first_then_forgotten_once_drained()
    {
        using var gateA = new ManualResetEventSlim();
        using var gateB = new ManualResetEventSlim();
        var a = StartBlocked("a", gateA);
        var b = StartBlocked("b", gateB);
        for (int i = 0; i < 100; i++) a.Tell(i, TestActor);
        for (int i = 0; i < 300; i++) b.Tell(i, TestActor);
        var depths = MailboxDepths.Get(Sys);

        var busiest = depths.Report(10);
        Assert.Equal([b, a], busiest.Select(d => d.Actor));
        Assert.Equal([300, 100], busiest.Select(d => d.Queued));
        Assert.Equal([300, 100], busiest.Select(d => d.Peak));
        Assert.Equal([b], depths.Report(1).Select(d => d.Actor));
        Assert.Empty(depths.Report(0));

        gateA.Set();
        gateB.Set();
        ReceiveN(400, DispatchTesting.Bound);
        AwaitAssert(() => Assert.Equal(0, DispatchTesting.LeanQueueOf(a).Count + DispatchTesting.LeanQueueOf(b).Count), DispatchTesting.Bound);

        // Drained since the last report: reported once more with nothing queued and the peak at that report, then dropped.
        var drained = depths.Report(10);
        Assert.Equal([b, a], drained.Select(d => d.Actor));
        Assert.All(drained, d => Assert.Equal(0, d.Queued));
        Assert.Equal([300, 100], drained.Select(d => d.Peak));
        Assert.Empty(depths.Report(10));
    }

    [Fact]
    public void An_actor_that_keeps_up_never_shows()
    {
        var actor = Sys.ActorOf(Props.Create(() => new EchoActor()).WithMailbox(ActorWsDispatch.LeanMailboxPath));
        for (int round = 0; round < 200; round++)
        {
            // At most 8 in flight: the mailbox never needs a second segment.
            for (int i = 0; i < 8; i++) actor.Tell(i, TestActor);
            for (int i = 0; i < 8; i++) ExpectMsg(i, DispatchTesting.Bound);
        }

        Assert.Empty(MailboxDepths.Get(Sys).Report(10));
    }

    [Fact]
    public void A_stopped_actor_is_reported_once_with_an_empty_mailbox_then_dropped()
    {
        using var gate = new ManualResetEventSlim();
        var actor = StartBlocked("stopping", gate);
        for (int i = 0; i < 50; i++) actor.Tell(i);
        var depths = MailboxDepths.Get(Sys);
        Assert.Equal(50, Assert.Single(depths.Report(10)).Queued);

        var watcher = CreateTestProbe();
        watcher.Watch(actor);
        Sys.Stop(actor);
        gate.Set();
        watcher.ExpectTerminated(actor, DispatchTesting.Bound);

        var last = Assert.Single(depths.Report(10));
        Assert.Equal((actor, 0, 50), (last.Actor, last.Queued, last.Peak));
        Assert.Empty(depths.Report(10));
    }

    [Fact]
    public void A_report_gives_the_peak_since_the_previous_one_and_restarts_it_from_the_depth_then()
    {
        // A queue driven by hand, so its depth is exact at each step.
        var depths = new MailboxDepths();
        var owner = CreateTestProbe().Ref;
        var queue = new LeanMessageQueue(owner, depths);
        for (int i = 0; i < 81; i++) queue.Enqueue(owner, Letter(i)); // 16 + 64 slots full, a third segment linked
        for (int i = 0; i < 71; i++) Assert.True(queue.TryDequeue(out _));

        Assert.Equal(new MailboxDepth(owner, 10, 81), Assert.Single(depths.Report(10)));

        // The report restarted the peak from the 10 then waiting.
        Assert.Equal(new MailboxDepth(owner, 10, 10), Assert.Single(depths.Report(10)));

        while (queue.TryDequeue(out _))
        {
        }

        Assert.Equal(new MailboxDepth(owner, 0, 10), Assert.Single(depths.Report(10)));
        Assert.Empty(depths.Report(10));
    }

    [Fact]
    public void The_peak_of_a_burst_between_segment_links_is_not_lost()
    {
        var depths = new MailboxDepths();
        var owner = CreateTestProbe().Ref;
        var queue = new LeanMessageQueue(owner, depths);
        for (int i = 0; i < 100; i++) queue.Enqueue(owner, Letter(i)); // links at 17 and 81; 100 at the top
        for (int i = 0; i < 90; i++) Assert.True(queue.TryDequeue(out _));

        Assert.Equal(new MailboxDepth(owner, 10, 100), Assert.Single(depths.Report(10)));

        // Tracked, then a burst of 400 (one link, at 247) drained to 300 before the next report: 410 waited at the top.
        for (int i = 0; i < 400; i++) queue.Enqueue(owner, Letter(i));
        for (int i = 0; i < 110; i++) Assert.True(queue.TryDequeue(out _));
        Assert.Equal(new MailboxDepth(owner, 300, 410), Assert.Single(depths.Report(10)));
    }

    [Fact]
    public void A_queue_first_noticed_with_few_waiting_reports_what_waited_since_then()
    {
        // 16 waited once (no link: not tracked), then it drained to 1 without emptying; the next message is its 17th
        // write since it was last empty, so it links a segment with only 2 waiting.
        var depths = new MailboxDepths();
        var owner = CreateTestProbe().Ref;
        var queue = new LeanMessageQueue(owner, depths);
        for (int i = 0; i < 16; i++) queue.Enqueue(owner, Letter(i));
        for (int i = 0; i < 15; i++) Assert.True(queue.TryDequeue(out _));
        Assert.Empty(depths.Report(10));

        queue.Enqueue(owner, Letter(16));
        Assert.Equal(new MailboxDepth(owner, 2, 2), Assert.Single(depths.Report(10)));
    }

    [Fact]
    public void A_queue_that_grows_again_after_being_forgotten_is_tracked_again()
    {
        var depths = new MailboxDepths();
        var owner = CreateTestProbe().Ref;
        var queue = new LeanMessageQueue(owner, depths);
        for (int i = 0; i < 20; i++) queue.Enqueue(owner, Letter(i));
        while (queue.TryDequeue(out _))
        {
        }

        Assert.Single(depths.Report(10));
        Assert.Empty(depths.Report(10));

        for (int i = 0; i < 20; i++) queue.Enqueue(owner, Letter(i));
        Assert.Equal(new MailboxDepth(owner, 20, 20), Assert.Single(depths.Report(10)));
    }

    [Fact]
    public void A_queue_without_an_owner_is_tracked_but_not_reported()
    {
        var depths = new MailboxDepths();
        var queue = new LeanMessageQueue(owner: null, depths);
        for (int i = 0; i < 40; i++) queue.Enqueue(ActorRefs.Nobody, Letter(i));
        Assert.Empty(depths.Report(10));
    }

    [Fact]
    public void At_most_MaxTracked_mailboxes_are_tracked_and_room_is_made_by_forgetting_drained_ones()
    {
        var depths = new MailboxDepths();
        var queues = Enumerable.Range(0, MailboxDepths.MaxTracked + 1)
            .Select(i => new LeanMessageQueue(new ProbeRef(i), depths))
            .ToList();
        foreach (var queue in queues)
        {
            for (int i = 0; i < 17; i++) queue.Enqueue(queue.Owner!, Letter(i));
        }

        var tracked = depths.Report(int.MaxValue);
        Assert.Equal(MailboxDepths.MaxTracked, tracked.Count);
        Assert.DoesNotContain(queues[^1].Owner, tracked.Select(d => d.Actor));

        // The first one drains; the next report forgets it, and the late one is noticed at its next link (81 queued).
        while (queues[0].TryDequeue(out _))
        {
        }

        depths.Report(int.MaxValue);
        for (int i = 0; i < 64; i++) queues[^1].Enqueue(queues[^1].Owner!, Letter(i));
        var after = depths.Report(int.MaxValue);
        Assert.Equal(MailboxDepths.MaxTracked, after.Count);
        Assert.Equal(queues[^1].Owner, after[0].Actor);
        Assert.Equal(81, after[0].Queued);
        Assert.DoesNotContain(queues[0].Owner, after.Select(d => d.Actor));
    }

    /// <summary>An actor reference that is only an identity (a number).</summary>
    private sealed class ProbeRef(int n) : MinimalActorRef
    {
        public override ActorPath Path { get; } = new RootActorPath(new Address("akka", "depths")) / ("q" + n);

        public override IActorRefProvider Provider => throw new NotSupportedException();
    }
}
