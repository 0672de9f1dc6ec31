namespace ActorWs.Actors.Tests.Mailbox;

/// <summary><see cref="ActorScheduling"/>: chosen per Props, kept by the other Props copies, same guarantees either way.</summary>
public sealed class SchedulingTests : ActorTestKit
{
    [Fact]
    public void Props_carry_their_scheduling_through_every_copy()
    {
        var strategy = new OneForOneStrategy(_ => Directive.Stop);
        var props = Props.Create(() => new EchoActor());
        Assert.Equal(ActorScheduling.SystemDefault, props.Scheduling);

        var fair = props.WithScheduling(ActorScheduling.Fair);
        Assert.Equal(ActorScheduling.Fair, fair.Scheduling);
        Assert.Equal(ActorScheduling.SystemDefault, props.Scheduling);
        Assert.Equal(ActorScheduling.Fair, fair.WithMailbox(MailboxSettings.Bounded(4, MailboxOverflowStrategy.DropNewest)).Scheduling);
        Assert.Equal(ActorScheduling.Fair, fair.WithSupervisorStrategy(strategy).Scheduling);
        Assert.Throws<ArgumentOutOfRangeException>(() => props.WithScheduling((ActorScheduling)7));
    }

    [Fact]
    public void A_fairly_scheduled_actor_keeps_per_sender_order_under_many_concurrent_senders()
    {
        const int senders = 8;
        const int perSender = 2_000;
        var actor = Sys.ActorOf(Props.Create(() => new EchoActor()).WithScheduling(ActorScheduling.Fair));
        var probes = Enumerable.Range(0, senders).Select(_ => CreateTestProbe()).ToArray();
        Parallel.For(0, senders, s =>
        {
            for (int i = 0; i < perSender; i++) actor.Tell(i, probes[s].Ref);
        });

        foreach (var probe in probes)
        {
            for (int i = 0; i < perSender; i++) Assert.Equal(i, probe.ExpectMsg<int>());
        }
    }
}
