namespace ActorWs.Actors.Tests.Lifecycle;

/// <summary>PreStart/PostStop, stopping order, PoisonPill versus Kill versus Stop.</summary>
public sealed class LifecycleTests : ActorTestKit
{
    [Fact]
    public void PreStart_runs_before_the_first_message_and_PostStop_after_stop()
    {
        var actor = Sys.ActorOf(TestProps.Reporting(TestActor, "a"));
        actor.Tell("hello", null);
        ExpectMsg("a:PreStart");
        ExpectMsg("a:hello");
        Watch(actor);
        Sys.Stop(actor);
        ExpectMsg("a:PostStop");
        ExpectTerminated(actor);
    }

    [Fact]
    public void Stopping_a_parent_stops_its_children_first_and_runs_its_PostStop_after_they_are_gone()
    {
        var parent = Sys.ActorOf(TestProps.Reporting(TestActor, "p"), "parent");
        ExpectMsg("p:PreStart");
        var probe = CreateTestProbe();
        var child1 = probe.CreateChildOf(parent, TestProps.Reporting(TestActor, "c1"), "c1");
        var child2 = probe.CreateChildOf(parent, TestProps.Reporting(TestActor, "c2"), "c2");
        var grandchild = probe.CreateChildOf(child1, TestProps.Reporting(TestActor, "g"), "g");
        var started = ReceiveN(3).Cast<string>().ToHashSet();
        Assert.Equal(new HashSet<string> { "c1:PreStart", "c2:PreStart", "g:PreStart" }, started);
        Assert.Equal("/user/parent/c1/g", grandchild.Path.ToStringWithoutAddress());

        Sys.Stop(parent);
        var stops = ReceiveN(4).Cast<string>().ToList();
        Assert.Equal("p:PostStop", stops[^1]);
        Assert.True(stops.IndexOf("g:PostStop") < stops.IndexOf("c1:PostStop"), string.Join(",", stops));
        Assert.Contains("c2:PostStop", stops);
        probe.Watch(child2);
        probe.ExpectTerminated(child2);
    }

    [Fact]
    public void PoisonPill_stops_after_the_messages_queued_before_it_without_involving_the_supervisor()
    {
        var supervisor = Sys.ActorOf(TestProps.Supervising(TestActor, "s", _ => Directive.Restart));
        ExpectMsg("s:PreStart");
        var child = TestProbe.CreateChildOf(supervisor, TestProps.Reporting(TestActor, "c"));
        ExpectMsg("c:PreStart");
        Watch(child);
        child.Tell("one", null);
        child.Tell("two", null);
        child.Tell(PoisonPill.Instance, null);
        child.Tell("after", null);
        ExpectMsg("c:one");
        ExpectMsg("c:two");
        ExpectMsg("c:PostStop");
        ExpectTerminated(child);
        ExpectDeadLetter(d => Equals(d.Message, "after"));
        ExpectNoMsg();
    }

    [Fact]
    public void Kill_fails_the_actor_in_mailbox_order_and_the_default_strategy_stops_it()
    {
        var supervisor = Sys.ActorOf(TestProps.Supervising(TestActor, "s", SupervisorStrategy.DefaultDecider));
        ExpectMsg("s:PreStart");
        var child = TestProbe.CreateChildOf(supervisor, TestProps.Reporting(TestActor, "c"));
        ExpectMsg("c:PreStart");
        Watch(child);
        child.Tell("one", null);
        child.Tell(Kill.Instance, null);
        child.Tell("after", null);
        ExpectMsg("c:one");
        Assert.IsType<ActorKilledException>(ExpectMsg<Decided>().Cause);
        ExpectMsg("c:PostStop");
        ExpectTerminated(child);
        ExpectDeadLetter(d => Equals(d.Message, "after"));
    }

    [Fact]
    public void Kill_under_a_restarting_strategy_restarts_and_keeps_the_mailbox()
    {
        var supervisor = Sys.ActorOf(TestProps.Supervising(TestActor, "s", _ => Directive.Restart));
        ExpectMsg("s:PreStart");
        var child = TestProbe.CreateChildOf(supervisor, TestProps.Reporting(TestActor, "c"));
        ExpectMsg("c:PreStart");
        child.Tell(Kill.Instance, null);
        child.Tell("after", null);
        Assert.IsType<ActorKilledException>(ExpectMsg<Decided>().Cause);
        ExpectMsg("c:PreRestart:<Kill>");
        ExpectMsg("c:PostStop");
        ExpectMsg<string>(s => s.StartsWith("c:PostRestart:", StringComparison.Ordinal));
        ExpectMsg("c:PreStart");
        ExpectMsg("c:after");
    }

    [Fact]
    public void Stop_is_a_system_message_that_overtakes_queued_user_messages()
    {
        using var gate = new ManualResetEventSlim();
        var actor = Sys.ActorOf(TestProps.Reporting(TestActor, "a"));
        ExpectMsg("a:PreStart");
        Watch(actor);
        actor.Tell(new Block(gate), null);
        ExpectMsg("a:blocked");
        for (int i = 0; i < 5; i++)
        {
            actor.Tell(i, null);
        }

        Sys.Stop(actor);
        gate.Set();
        ExpectMsg("a:PostStop");
        ExpectTerminated(actor);
        AwaitCondition(() => DeadLetters.Count(d => d.Message is int) == 5);
        Assert.Equal([0, 1, 2, 3, 4], DeadLetters.Select(d => d.Message).OfType<int>());
    }

    [Fact]
    public void Context_Stop_of_self_processes_no_further_message()
    {
        var actor = Sys.ActorOf(Props.Create(() => new SelfStopper(TestActor)));
        Watch(actor);
        actor.Tell("stop", null);
        actor.Tell("more", null);
        ExpectMsg("stopping");
        ExpectTerminated(actor);
        ExpectDeadLetter(d => Equals(d.Message, "more"));
    }

    [Fact]
    public void Actors_cannot_be_created_with_new()
    {
        var failure = Assert.Throws<ActorInitializationException>(() => new SelfStopper(TestActor));
        Assert.Contains("Props", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Identify_is_answered_by_any_live_actor()
    {
        var actor = Sys.ActorOf(Props.Create(() => new SelfStopper(TestActor)));
        actor.Tell(new Identify(42), TestActor);
        Assert.Equal(new ActorIdentity(42, actor), ExpectMsg<ActorIdentity>());
    }

    private sealed class SelfStopper(IActorRef probe) : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            if (message is "stop")
            {
                Context.Stop(Self);
                probe.Tell("stopping", Self);
            }
            else
            {
                probe.Tell(message, Self);
            }
        }
    }
}
