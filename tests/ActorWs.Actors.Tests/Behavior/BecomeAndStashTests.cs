namespace ActorWs.Actors.Tests.Behavior;

/// <summary>Become/BecomeStacked/UnbecomeStacked and stash/unstash ordering.</summary>
public sealed class BecomeAndStashTests : ActorTestKit
{
    [Fact]
    public void Become_replaces_and_BecomeStacked_pushes_behaviours()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Switcher()));
        actor.Tell("who", TestActor);
        ExpectMsg("initial");
        actor.Tell("stack", TestActor);
        actor.Tell("who", TestActor);
        ExpectMsg("stacked");
        actor.Tell("replace", TestActor);
        actor.Tell("who", TestActor);
        ExpectMsg("replaced");
        actor.Tell("pop", TestActor);
        actor.Tell("who", TestActor);
        ExpectMsg("initial");
    }

    [Fact]
    public void Unstashed_messages_come_back_in_their_original_order_before_later_messages()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Gatekeeper(TestActor)));
        // Enough messages that several mailbox batches are in flight when the gate opens.
        for (int i = 0; i < 50; i++)
        {
            actor.Tell(i, null);
        }

        actor.Tell("open", null);
        for (int i = 50; i < 100; i++)
        {
            actor.Tell(i, null);
        }

        var received = ReceiveN(100).Cast<int>().ToList();
        Assert.Equal(Enumerable.Range(0, 100), received);
    }

    [Fact]
    public void Unstash_returns_only_the_oldest_stashed_message()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Gatekeeper(TestActor)));
        actor.Tell(1, null);
        actor.Tell(2, null);
        actor.Tell("one", null);
        ExpectMsg(1);
        ExpectNoMsg();
        actor.Tell("open", null);
        ExpectMsg(2);
    }

    [Fact]
    public void Stashing_the_same_message_twice_fails_the_actor()
    {
        var supervisor = Sys.ActorOf(TestProps.Supervising(TestActor, "s", _ => Directive.Stop));
        ExpectMsg("s:PreStart");
        var actor = TestProbe.CreateChildOf(supervisor, Props.Create(() => new DoubleStasher()));
        actor.Tell("x", null);
        Assert.IsType<IllegalActorStateException>(ExpectMsg<Decided>().Cause);
    }

    [Fact]
    public void Stashed_messages_go_back_to_the_mailbox_on_restart()
    {
        var parent = Sys.ActorOf(TestProps.Reporting(TestActor, "p"));
        ExpectMsg("p:PreStart");
        var actor = TestProbe.CreateChildOf(parent, Props.Create(() => new Gatekeeper(TestActor)));
        actor.Tell(1, null);
        actor.Tell(2, null);
        actor.Tell("crash", null);
        // The restarted instance starts closed again and stashes them anew; opening releases them in order.
        actor.Tell("open", null);
        ExpectMsg(1);
        ExpectMsg(2);
    }

    [Fact]
    public void Stashed_messages_become_dead_letters_when_the_actor_stops()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Gatekeeper(TestActor)));
        actor.Tell(7, null);
        actor.Tell(8, null);
        Watch(actor);
        actor.Tell(PoisonPill.Instance, null);
        ExpectTerminated(actor);
        ExpectDeadLetter(d => Equals(d.Message, 7));
        ExpectDeadLetter(d => Equals(d.Message, 8));
    }

    private sealed class Switcher : ReceiveActor
    {
        public Switcher()
        {
            Receive<string>(s => s == "who", _ => Sender.Tell("initial"));
            Receive<string>(s => s == "stack", _ => BecomeStacked(Stacked));
        }

        private void Stacked()
        {
            Receive<string>(s => s == "who", _ => Sender.Tell("stacked"));
            Receive<string>(s => s == "replace", _ => Become(Replaced));
        }

        private void Replaced()
        {
            Receive<string>(s => s == "who", _ => Sender.Tell("replaced"));
            Receive<string>(s => s == "pop", _ => UnbecomeStacked());
        }
    }

    /// <summary>Stashes ints until "open" (releases all) or "one" (releases the oldest only); "crash" fails it.</summary>
    private sealed class Gatekeeper : ReceiveActor, IWithStash
    {
        private readonly IActorRef _probe;

        public Gatekeeper(IActorRef probe)
        {
            _probe = probe;
            Receive<int>(_ => Stash.Stash());
            Receive<string>(s => s == "one", _ =>
            {
                Stash.Unstash();
                BecomeStacked(() => Receive<int>(i =>
                {
                    _probe.Tell(i, Self);
                    UnbecomeStacked();
                }));
            });
            Receive<string>(s => s == "crash", _ => throw new TestFailureException("crash"));
            Receive<string>(s => s == "open", _ =>
            {
                Stash.UnstashAll();
                Become(() => Receive<int>(i => _probe.Tell(i, Self)));
            });
        }

        public IStash Stash { get; set; } = null!;
    }

    private sealed class DoubleStasher : ReceiveActor, IWithStash
    {
        public DoubleStasher()
        {
            ReceiveAny(_ =>
            {
                Stash.Stash();
                Stash.Stash();
            });
        }

        public IStash Stash { get; set; } = null!;
    }
}
