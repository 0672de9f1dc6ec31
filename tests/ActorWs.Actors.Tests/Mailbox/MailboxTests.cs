namespace ActorWs.Actors.Tests.Mailbox;

/// <summary>Bounded mailbox policies, buffer release when idle, and the batch-completion hook.</summary>
public sealed class MailboxTests : ActorTestKit
{
    private const int Capacity = 3;

    private IActorRef StartBlocked(MailboxOverflowStrategy overflow, ManualResetEventSlim gate, IActorRef? parent = null)
    {
        var props = TestProps.Reporting(TestActor, "b").WithMailbox(MailboxSettings.Bounded(Capacity, overflow));
        var actor = parent is null ? Sys.ActorOf(props) : TestProbe.CreateChildOf(parent, props);
        ExpectMsg("b:PreStart");
        actor.Tell(new Block(gate), null);
        ExpectMsg("b:blocked");
        return actor;
    }

    [Fact]
    public void DropNewest_rejects_messages_beyond_capacity_to_dead_letters()
    {
        using var gate = new ManualResetEventSlim();
        var actor = StartBlocked(MailboxOverflowStrategy.DropNewest, gate);
        for (int i = 0; i < 5; i++)
        {
            actor.Tell(i, null);
        }

        Assert.Equal([3, 4], DeadLetters.Select(d => d.Message).OfType<int>());
        gate.Set();
        ExpectMsg("b:0");
        ExpectMsg("b:1");
        ExpectMsg("b:2");
        ExpectNoMsg();
    }

    [Fact]
    public void DropOldest_discards_the_oldest_queued_messages()
    {
        using var gate = new ManualResetEventSlim();
        var actor = StartBlocked(MailboxOverflowStrategy.DropOldest, gate);
        for (int i = 0; i < 5; i++)
        {
            actor.Tell(i, null);
        }

        Assert.Equal([0, 1], DeadLetters.Select(d => d.Message).OfType<int>());
        gate.Set();
        ExpectMsg("b:2");
        ExpectMsg("b:3");
        ExpectMsg("b:4");
    }

    [Fact]
    public void Fail_rejects_the_message_and_fails_the_actor_through_its_supervisor()
    {
        using var gate = new ManualResetEventSlim();
        var supervisor = Sys.ActorOf(TestProps.Supervising(TestActor, "s", _ => Directive.Resume));
        ExpectMsg("s:PreStart");
        var actor = StartBlocked(MailboxOverflowStrategy.Fail, gate, supervisor);
        for (int i = 0; i < 5; i++)
        {
            actor.Tell(i, null);
        }

        gate.Set();
        var overflow = Assert.IsType<MailboxOverflowException>(ExpectMsg<Decided>().Cause);
        Assert.Equal(Capacity, overflow.Capacity);
        Assert.Equal(actor, overflow.Actor);
        var processed = ReceiveN(3).Cast<string>().ToList();
        Assert.Equal(["b:0", "b:1", "b:2"], processed);
        Assert.Equal([3, 4], DeadLetters.Select(d => d.Message).OfType<int>());
    }

    [Fact]
    public void An_idle_actor_holds_no_queue_buffer()
    {
        var actor = Sys.ActorOf(Props.Create(() => new EchoActor()));
        var cell = (ActorCell)actor;
        Assert.False(cell.HasMailboxBuffer);
        for (int i = 0; i < 100; i++)
        {
            actor.Tell(i, TestActor);
        }

        ReceiveN(100);
        AwaitCondition(() => !cell.HasMailboxBuffer && cell.QueuedMessageCount == 0);
    }

    [Fact]
    public void The_batch_hook_runs_after_each_turn_and_its_failures_go_to_the_supervisor()
    {
        var supervisor = Sys.ActorOf(TestProps.Supervising(TestActor, "s", _ => Directive.Resume));
        ExpectMsg("s:PreStart");
        var actor = TestProbe.CreateChildOf(supervisor, Props.Create(() => new Flusher(TestActor)));
        actor.Tell("a", null);
        ExpectMsg("flush after a");
        actor.Tell("fail-on-flush", null);
        Assert.IsType<TestFailureException>(ExpectMsg<Decided>().Cause);
        actor.Tell("b", null);
        ExpectMsg("flush after b");
    }

    [Fact]
    public void Bounded_mailbox_settings_are_validated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MailboxSettings.Bounded(0, MailboxOverflowStrategy.DropNewest));
        Assert.Throws<ArgumentOutOfRangeException>(() => MailboxSettings.Bounded(1, (MailboxOverflowStrategy)42));
        Assert.False(MailboxSettings.Unbounded.IsBounded);
    }

    private sealed class Flusher(IActorRef probe) : UntypedActor, IWithBatchCompletion
    {
        private string _last = "";

        public void OnBatchCompleted()
        {
            if (_last == "fail-on-flush")
            {
                _last = "";
                throw new TestFailureException("flush failed");
            }

            probe.Tell($"flush after {_last}", null);
        }

        protected override void OnReceive(object message) => _last = (string)message;
    }
}
