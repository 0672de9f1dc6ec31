namespace ActorWs.Actors.Tests.Diagnostics;

/// <summary><see cref="ActorSystem.BusiestMailboxes"/>: which actors are behind, found without walking every actor.</summary>
public sealed class BusiestMailboxesTests : ActorTestKit
{
    private IActorRef StartBlocked(string label, ManualResetEventSlim gate)
    {
        var actor = Sys.ActorOf(TestProps.Reporting(TestActor, label), label);
        ExpectMsg($"{label}:PreStart");
        actor.Tell(new Block(gate), null);
        ExpectMsg($"{label}:blocked");
        return actor;
    }

    [Fact]
    public void Nothing_is_reported_while_every_mailbox_stays_shallow()
    {
        using var gate = new ManualResetEventSlim();
        var actor = StartBlocked("shallow", gate);
        for (int i = 0; i < 16; i++) actor.Tell(i, null);

        Assert.Empty(Sys.BusiestMailboxes());
        gate.Set();
        ReceiveN(16);
    }

    [Fact]
    public void Deep_mailboxes_are_reported_deepest_first_with_their_peak_then_forgotten_once_drained()
    {
        using var gateA = new ManualResetEventSlim();
        using var gateB = new ManualResetEventSlim();
        var a = StartBlocked("a", gateA);
        var b = StartBlocked("b", gateB);
        for (int i = 0; i < 100; i++) a.Tell(i, null);
        for (int i = 0; i < 300; i++) b.Tell(i, null);

        var busiest = Sys.BusiestMailboxes();
        Assert.Equal([b.Path, a.Path], busiest.Select(d => d.Actor));
        Assert.Equal([300, 100], busiest.Select(d => d.Queued));
        Assert.All(busiest, d => Assert.True(d.Peak >= d.Queued));
        Assert.Equal([b.Path], Sys.BusiestMailboxes(count: 1).Select(d => d.Actor));

        gateA.Set();
        gateB.Set();
        ReceiveN(400);
        AwaitCondition(() => ((ActorCell)a).QueuedMessageCount == 0 && ((ActorCell)b).QueuedMessageCount == 0);

        // Drained since the last report: reported once more with a queue of 0 and the peak seen meanwhile, then dropped.
        var drained = Sys.BusiestMailboxes();
        Assert.All(drained, d => Assert.Equal(0, d.Queued));
        Assert.Empty(Sys.BusiestMailboxes());
    }

    [Fact]
    public void A_stopped_actor_is_dropped()
    {
        using var gate = new ManualResetEventSlim();
        var actor = StartBlocked("stopping", gate);
        for (int i = 0; i < 50; i++) actor.Tell(i, null);
        Assert.Single(Sys.BusiestMailboxes());

        var watcher = CreateTestProbe();
        watcher.Watch(actor);
        Sys.Stop(actor);
        gate.Set();
        watcher.ExpectTerminated(actor);
        Sys.BusiestMailboxes();
        Assert.Empty(Sys.BusiestMailboxes());
    }
}
