using Akka.Actor;
using ActorWs.Server.Dispatch;
using Xunit;

namespace ActorWs.Server.Tests.Dispatch;

/// <summary><see cref="FactoryActorProducer{TActor}"/>: Props whose actors come from a delegate, called again on every restart.</summary>
public sealed class FactoryActorProducerTests() : Akka.TestKit.Xunit2.TestKit(DispatchTesting.Config())
{
    /// <summary>Answers "who" with (instance number, messages this instance has seen); throws on "boom".</summary>
    private sealed class Counter(int instance) : UntypedActor
    {
        private int _seen;

        protected override void OnReceive(object message)
        {
            _seen++;
            if (message is "boom") throw new InvalidOperationException("boom");
            if (message is "who") Sender.Tell((instance, _seen));
        }
    }

    [Fact]
    public void Props_from_a_factory_make_their_actor_by_calling_it()
    {
        int made = 0;
        var props = FactoryActorProducer<Counter>.Props(() => new Counter(Interlocked.Increment(ref made)));
        var actor = Sys.ActorOf(props);
        actor.Tell("who");
        Assert.Equal((1, 1), ExpectMsg<(int, int)>(DispatchTesting.Bound));
        Assert.Equal(1, Volatile.Read(ref made));

        // The same Props make as many actors as asked, each from its own call.
        var second = Sys.ActorOf(props);
        second.Tell("who");
        Assert.Equal((2, 1), ExpectMsg<(int, int)>(DispatchTesting.Bound));
        Assert.Equal(typeof(Counter), props.Type);
    }

    [Fact]
    public void A_restart_makes_a_fresh_instance_through_the_factory()
    {
        int made = 0;
        var actor = Sys.ActorOf(FactoryActorProducer<Counter>.Props(() => new Counter(Interlocked.Increment(ref made))));
        actor.Tell("who");
        actor.Tell("who");
        Assert.Equal((1, 1), ExpectMsg<(int, int)>(DispatchTesting.Bound));
        Assert.Equal((1, 2), ExpectMsg<(int, int)>(DispatchTesting.Bound));

        // The default supervisor restarts it: a new instance, from the factory, with fresh state.
        EventFilter.Exception<InvalidOperationException>().ExpectOne(() => actor.Tell("boom"));
        actor.Tell("who");
        Assert.Equal((2, 1), ExpectMsg<(int, int)>(DispatchTesting.Bound));
        Assert.Equal(2, Volatile.Read(ref made));
    }

    [Fact]
    public void They_combine_with_a_mailbox_and_a_dispatcher()
    {
        var props = FactoryActorProducer<EchoActor>.Props(() => new EchoActor())
            .WithMailbox(ActorWsDispatch.LeanMailboxPath)
            .WithDispatcher(ActorWsDispatch.RoomDispatcher);
        var actor = Sys.ActorOf(props);
        actor.Tell("x");
        ExpectMsg("x", DispatchTesting.Bound);
        Assert.IsType<LeanMessageQueue>(DispatchTesting.QueueOf(actor));
    }

    [Fact]
    public void An_actor_that_stashes_gets_the_deque_mailbox_its_type_asks_for_and_unstashes_in_order()
    {
        // Akka.NET reads an actor's mailbox requirements from the Props' actor type: the producer must name the real
        // class (the server's room actors stash, and run on the room dispatcher, with turn batching).
        var props = FactoryActorProducer<Stasher>.Props(() => new Stasher(TestActor)).WithDispatcher(ActorWsDispatch.RoomDispatcher);
        var actor = Sys.ActorOf(props);
        Assert.IsAssignableFrom<Akka.Dispatch.IDequeBasedMessageQueueSemantics>(DispatchTesting.QueueOf(actor));

        foreach (var m in new[] { "a", "b", "c" }) actor.Tell(m);
        ExpectNoMsg(DispatchTesting.Quiet);
        actor.Tell("open");
        foreach (var m in new[] { "a", "b", "c" }) ExpectMsg(m, DispatchTesting.Bound);
        ExpectMsg("batch", DispatchTesting.Bound);
        actor.Tell("d");
        ExpectMsg("d", DispatchTesting.Bound);
        ExpectMsg("batch", DispatchTesting.Bound);
    }

    /// <summary>Stashes everything until "open", then tells the probe each message, and "batch" at the end of each batch.</summary>
    private sealed class Stasher(IActorRef probe) : TurnBatchingActor, IWithUnboundedStash
    {
        private bool _open;
        private bool _handled;

        public IStash Stash { get; set; } = null!;

        protected override void OnReceive(object message)
        {
            if (message is "open")
            {
                _open = true;
                Stash.UnstashAll();
            }
            else if (!_open)
            {
                Stash.Stash();
            }
            else
            {
                _handled = true;
                probe.Tell(message);
            }
        }

        protected override void OnBatchCompleted()
        {
            if (!_handled) return;
            _handled = false;
            probe.Tell("batch");
        }
    }

    [Fact]
    public void A_null_factory_is_refused()
    {
        Assert.Throws<ArgumentNullException>(() => FactoryActorProducer<Counter>.Props(null!));
    }
}
