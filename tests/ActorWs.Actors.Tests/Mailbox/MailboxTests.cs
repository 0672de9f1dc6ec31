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
    public void A_deep_queue_spanning_many_segments_keeps_its_order_and_is_released_when_drained()
    {
        const int queued = 5_000; // more than 16 + 64 + 256 + 1024 + 1024 slots: several linked segments
        using var gate = new ManualResetEventSlim();
        var actor = Sys.ActorOf(Props.Create(() => new OrderChecker(TestActor)));
        actor.Tell(new Block(gate), TestActor);
        ExpectMsg("blocked");
        for (int i = 0; i < queued; i++)
        {
            actor.Tell(i, null);
        }

        Assert.Equal(queued, ((ActorCell)actor).QueuedMessageCount);
        gate.Set();
        actor.Tell("report", TestActor);
        Assert.Equal((queued, 0), ExpectMsg<(int Received, int OutOfOrder)>());
        AwaitCondition(() => !((ActorCell)actor).HasMailboxBuffer);
    }

    [Fact]
    public void Bursty_concurrent_senders_lose_nothing_while_the_mailbox_repeatedly_drains()
    {
        const int senders = 4;
        const int perSender = 20_000;
        var actor = Sys.ActorOf(Props.Create(() => new PerSenderOrderChecker(senders)));
        var threads = Enumerable.Range(0, senders).Select(sender => new Thread(() =>
        {
            var random = new Random(sender);
            int sent = 0;
            while (sent < perSender)
            {
                int burst = Math.Min(random.Next(1, 40), perSender - sent);
                for (int i = 0; i < burst; i++)
                {
                    actor.Tell(new Sequenced(sender, sent++), null);
                }

                // Let the actor catch up and go idle now and then, so segments are released and re-installed.
                Thread.Yield();
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        Assert.All(threads, t => Assert.True(t.Join(TimeSpan.FromSeconds(30))));

        actor.Tell("report", TestActor);
        var report = ExpectMsg<(int Received, int OutOfOrder)>();
        Assert.Equal((senders * perSender, 0), report);
    }

    [Fact]
    public async Task Ping_pong_pairs_never_lose_the_ball_while_mailboxes_go_idle_after_every_message()
    {
        // Every message finds the recipient idle, so each one installs a segment and each turn
        // releases it: the install/release hand-over is exercised hundreds of thousands of times.
        const int pairs = 4;
        const int roundTrips = 50_000;
        var finished = new List<Task>();
        for (int i = 0; i < pairs; i++)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var pong = Sys.ActorOf(Props.Create(() => new EchoActor()));
            var ping = Sys.ActorOf(Props.Create(() => new Pinger(pong, roundTrips, done)));
            ping.Tell("serve", null);
            finished.Add(done.Task);
        }

        // WaitAsync throws TimeoutException if a ball was lost.
        await Task.WhenAll(finished).WaitAsync(TimeSpan.FromSeconds(60));
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

    private sealed record Sequenced(int Sender, int Seq);

    private sealed class Pinger(IActorRef partner, int roundTrips, TaskCompletionSource done) : UntypedActor
    {
        private static readonly object Ball = new();
        private int _remaining = roundTrips;

        protected override void OnReceive(object message)
        {
            if (message is "serve" || --_remaining > 0)
            {
                partner.Tell(Ball);
            }
            else
            {
                done.SetResult();
            }
        }
    }

    /// <summary>Expects ints 0, 1, 2, ... and reports how many arrived and how many were out of order.</summary>
    private sealed class OrderChecker(IActorRef probe) : UntypedActor
    {
        private int _next;
        private int _outOfOrder;

        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case Block block:
                    probe.Tell("blocked", null);
                    block.Gate.Wait(TimeSpan.FromSeconds(10));
                    break;
                case int value:
                    _outOfOrder += value == _next ? 0 : 1;
                    _next = value + 1;
                    break;
                case "report":
                    Sender.Tell((_next, _outOfOrder));
                    break;
            }
        }
    }

    private sealed class PerSenderOrderChecker(int senders) : UntypedActor
    {
        private readonly int[] _next = new int[senders];
        private int _received;
        private int _outOfOrder;

        protected override void OnReceive(object message)
        {
            if (message is Sequenced s)
            {
                _outOfOrder += s.Seq == _next[s.Sender] ? 0 : 1;
                _next[s.Sender] = s.Seq + 1;
                _received++;
            }
            else
            {
                Sender.Tell((_received, _outOfOrder));
            }
        }
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
