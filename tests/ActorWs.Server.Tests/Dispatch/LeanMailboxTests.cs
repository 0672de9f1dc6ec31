using Akka.Actor;
using Akka.Event;
using ActorWs.Server.Dispatch;
using Xunit;

namespace ActorWs.Server.Tests.Dispatch;

/// <summary>Real actors on <see cref="LeanMailbox"/> (<c>actorws.lean-mailbox</c>): delivery, order, ping-pong, an idle actor's buffer.</summary>
public sealed class LeanMailboxTests() : Akka.TestKit.Xunit2.TestKit(DispatchTesting.Config())
{
    private static Props Lean<TActor>(Func<TActor> factory)
        where TActor : ActorBase => FactoryActorProducer<TActor>.Props(factory).WithMailbox(ActorWsDispatch.LeanMailboxPath);

    [Fact]
    public void The_configured_mailbox_path_gives_an_actor_a_lean_queue_that_knows_its_owner()
    {
        Assert.True(ActorWsDispatch.IsConfigured(Sys));
        var actor = Sys.ActorOf(Lean(() => new EchoActor()));
        var queue = DispatchTesting.LeanQueueOf(actor);
        Assert.Equal(actor, queue.Owner);

        // Akka.NET's own default stays as it was for actors that do not ask.
        var plain = Sys.ActorOf(Props.Create(() => new EchoActor()));
        Assert.IsNotType<LeanMessageQueue>(DispatchTesting.QueueOf(plain));
    }

    [Fact]
    public void The_mailbox_type_is_what_the_configuration_names()
    {
        Assert.IsType<LeanMailbox>(Sys.Mailboxes.Lookup(ActorWsDispatch.LeanMailboxPath));
    }

    [Fact]
    public void An_actor_answers_through_it_and_holds_no_buffer_while_idle()
    {
        var actor = Sys.ActorOf(Lean(() => new EchoActor()));
        var queue = DispatchTesting.LeanQueueOf(actor);
        actor.Tell("hello", TestActor);
        ExpectMsg("hello", DispatchTesting.Bound);

        for (int i = 0; i < 100; i++) actor.Tell(i, TestActor);
        for (int i = 0; i < 100; i++) ExpectMsg(i, DispatchTesting.Bound);
        AwaitAssert(() =>
        {
            Assert.Equal(0, queue.Count);
            Assert.False(queue.HoldsBuffer);
        }, DispatchTesting.Bound);
    }

    [Fact]
    public void A_deep_mailbox_spanning_many_segments_is_delivered_in_order_and_given_back_when_drained()
    {
        const int queued = 5_000; // more than 16 + 64 + 256 + 1024 + 1024 slots: several linked segments
        using var gate = new ManualResetEventSlim();
        var actor = Sys.ActorOf(Lean(() => new OrderChecker(senders: 1)));
        var queue = DispatchTesting.LeanQueueOf(actor);
        actor.Tell(new Block(gate, TestActor));
        ExpectMsg("blocked", DispatchTesting.Bound);
        for (int i = 0; i < queued; i++) actor.Tell(new Numbered(0, i));
        Assert.Equal(queued, queue.Count);
        Assert.True(queue.HasMessages);

        gate.Set();
        actor.Tell(OrderChecker.Report, TestActor);
        Assert.Equal(new OrderReport(queued, 0), ExpectMsg<OrderReport>(DispatchTesting.Bound));
        AwaitAssert(() => Assert.False(queue.HoldsBuffer), DispatchTesting.Bound);
    }

    [Fact]
    public void Each_sender_sees_its_messages_handled_in_the_order_it_sent_them()
    {
        const int senders = 8;
        const int perSender = 500;
        var actor = Sys.ActorOf(Lean(() => new EchoActor()));
        var probes = Enumerable.Range(0, senders).Select(_ => CreateTestProbe()).ToArray();
        Parallel.For(0, senders, new ParallelOptions { MaxDegreeOfParallelism = senders }, s =>
        {
            for (int i = 0; i < perSender; i++) actor.Tell(i, probes[s].Ref);
        });

        foreach (var probe in probes)
        {
            for (int i = 0; i < perSender; i++) Assert.Equal(i, probe.ExpectMsg<int>(DispatchTesting.Bound));
        }
    }

    [Fact]
    public void Concurrent_bursty_senders_lose_nothing_while_the_mailbox_keeps_draining_and_refilling()
    {
        const int senders = 4;
        const int perSender = 20_000;
        var actor = Sys.ActorOf(Lean(() => new OrderChecker(senders)));
        var threads = Enumerable.Range(0, senders).Select(sender => new Thread(() =>
        {
            var random = new Random(sender);
            int sent = 0;
            while (sent < perSender)
            {
                int burst = Math.Min(random.Next(1, 40), perSender - sent);
                for (int i = 0; i < burst; i++) actor.Tell(new Numbered(sender, sent++));
                Thread.Yield(); // let the actor catch up and go idle now and then
            }
        }) { IsBackground = true }).ToList();
        threads.ForEach(t => t.Start());
        Assert.All(threads, t => Assert.True(t.Join(DispatchTesting.Bound)));

        actor.Tell(OrderChecker.Report, TestActor);
        Assert.Equal(new OrderReport(senders * perSender, 0), ExpectMsg<OrderReport>(DispatchTesting.Bound));
    }

    [Fact]
    public async Task Ping_pong_pairs_never_lose_the_ball_while_their_mailboxes_go_idle_after_every_message()
    {
        // Every message finds its recipient idle, so each one takes a segment and each turn gives it back.
        const int pairs = 4;
        const int roundTrips = 20_000;
        var finished = new List<Task>();
        for (int i = 0; i < pairs; i++)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var pong = Sys.ActorOf(Lean(() => new EchoActor()));
            var ping = Sys.ActorOf(Lean(() => new Pinger(pong, roundTrips, done)));
            ping.Tell("serve");
            finished.Add(done.Task);
        }

        // WaitAsync throws TimeoutException if a ball was lost.
        await Task.WhenAll(finished).WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void Messages_left_in_a_stopped_actors_mailbox_go_to_dead_letters()
    {
        using var gate = new ManualResetEventSlim();
        var actor = Sys.ActorOf(Lean(() => new StopsAfterBlock()));
        var queue = DispatchTesting.LeanQueueOf(actor);
        Sys.EventStream.Subscribe(TestActor, typeof(DeadLetter));
        Watch(actor);
        actor.Tell(new Block(gate, TestActor));
        ExpectMsg("blocked", DispatchTesting.Bound);
        for (int i = 0; i < 20; i++) actor.Tell(i, ActorRefs.NoSender);
        gate.Set(); // it stops itself as it leaves the blocking message: the 20 are never handled

        var received = ReceiveN(21, DispatchTesting.Bound);
        Assert.Single(received.OfType<Terminated>(), t => t.ActorRef.Equals(actor));
        var dead = received.OfType<DeadLetter>().ToList();
        Assert.Equal(Enumerable.Range(0, 20).Cast<object>(), dead.Select(d => d.Message));
        Assert.All(dead, d => Assert.Equal(actor, d.Recipient));
        Assert.Equal(0, queue.Count);
        Assert.False(queue.HoldsBuffer);
    }

    /// <summary>Blocks on <see cref="Block"/>, then stops itself.</summary>
    private sealed class StopsAfterBlock : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            if (message is not Block block) return;
            block.Run();
            Context.Stop(Self);
        }
    }

    internal sealed record Numbered(int Sender, int Seq);

    internal sealed record OrderReport(int Received, int OutOfOrder);

    /// <summary>Counts <see cref="Numbered"/> messages and how many broke their sender's order; answers <see cref="Report"/>.</summary>
    internal sealed class OrderChecker(int senders) : UntypedActor
    {
        public const string Report = "report";

        private readonly int[] _next = new int[senders];
        private int _received;
        private int _outOfOrder;

        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case Block block:
                    block.Run();
                    break;
                case Numbered n:
                    if (n.Seq != _next[n.Sender]) _outOfOrder++;
                    _next[n.Sender] = n.Seq + 1;
                    _received++;
                    break;
                case Report:
                    Sender.Tell(new OrderReport(_received, _outOfOrder));
                    break;
            }
        }
    }

    private sealed class Pinger(IActorRef partner, int roundTrips, TaskCompletionSource done) : UntypedActor
    {
        private static readonly object Ball = new();
        private int _remaining = roundTrips;

        protected override void OnReceive(object message)
        {
            if (message is "serve" || --_remaining > 0) partner.Tell(Ball);
            else done.TrySetResult();
        }
    }
}
