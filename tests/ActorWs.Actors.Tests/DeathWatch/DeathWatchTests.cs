namespace ActorWs.Actors.Tests.DeathWatch;

/// <summary>Terminated delivery: exactly once per watcher, after death too, never after unwatch.</summary>
public sealed class DeathWatchTests : ActorTestKit
{
    [Fact]
    public void Every_watcher_gets_Terminated_exactly_once()
    {
        var target = Sys.ActorOf(Props.Create(() => new EchoActor()));
        var watcherActor = Sys.ActorOf(Props.Create(() => new Watcher(TestActor)));
        watcherActor.Tell(new WatchIt(target), null);
        watcherActor.Tell(new WatchIt(target), null); // watching twice is still one watch
        ExpectMsg("watching");
        ExpectMsg("watching");
        var probe = CreateTestProbe();
        probe.Watch(target);
        Sys.Stop(target);

        probe.ExpectTerminated(target);
        var seen = ExpectMsg<Terminated>();
        Assert.Equal(target, seen.ActorRef);
        Assert.True(seen.ExistenceConfirmed);
        ExpectNoMsg();
        probe.ExpectNoMsg();
    }

    [Fact]
    public void Watching_an_actor_that_is_already_dead_delivers_Terminated_at_once()
    {
        var target = Sys.ActorOf(Props.Create(() => new EchoActor()));
        var first = CreateTestProbe();
        first.Watch(target);
        Sys.Stop(target);
        first.ExpectTerminated(target);

        var watcherActor = Sys.ActorOf(Props.Create(() => new Watcher(TestActor)));
        watcherActor.Tell(new WatchIt(target), null);
        ExpectMsg("watching");
        var late = ExpectMsg<Terminated>();
        Assert.Equal(target, late.ActorRef);
        Assert.False(late.ExistenceConfirmed);
        ExpectNoMsg();
    }

    [Fact]
    public void Unwatch_prevents_the_Terminated()
    {
        var target = Sys.ActorOf(Props.Create(() => new EchoActor()));
        var watcherActor = Sys.ActorOf(Props.Create(() => new Watcher(TestActor)));
        watcherActor.Tell(new WatchIt(target), null);
        ExpectMsg("watching");
        watcherActor.Tell(new UnwatchIt(target), null);
        ExpectMsg("unwatched");
        var probe = CreateTestProbe();
        probe.Watch(target);
        Sys.Stop(target);
        probe.ExpectTerminated(target);
        ExpectNoMsg();
    }

    [Fact]
    public void An_unhandled_Terminated_is_a_death_pact()
    {
        var target = Sys.ActorOf(Props.Create(() => new EchoActor()));
        var supervisor = Sys.ActorOf(TestProps.Supervising(TestActor, "s", SupervisorStrategy.DefaultDecider));
        ExpectMsg("s:PreStart");
        var pact = TestProbe.CreateChildOf(supervisor, Props.Create(() => new DeathPactActor(target)));
        Watch(pact);
        pact.Tell("ready?", TestActor);
        ExpectMsg("ready");
        Sys.Stop(target);
        var decision = ExpectMsg<Decided>();
        Assert.Equal(target, Assert.IsType<DeathPactException>(decision.Cause).DeadActor);
        ExpectTerminated(pact);
    }

    [Fact]
    public void WatchWith_delivers_the_custom_message()
    {
        var target = Sys.ActorOf(Props.Create(() => new EchoActor()));
        var watcherActor = Sys.ActorOf(Props.Create(() => new Watcher(TestActor)));
        watcherActor.Tell(new WatchItWith(target, "target is gone"), null);
        ExpectMsg("watching");
        Sys.Stop(target);
        ExpectMsg("target is gone");
    }

    [Fact]
    public void The_parent_learns_of_a_childs_death_and_the_name_becomes_free()
    {
        var parent = Sys.ActorOf(TestProps.Reporting(TestActor, "p"));
        ExpectMsg("p:PreStart");
        var child = TestProbe.CreateChildOf(parent, Props.Create(() => new EchoActor()), "reused");
        Watch(child);
        Sys.Stop(child);
        ExpectTerminated(child);
        AwaitAssert(() =>
        {
            TestProbe.Send(parent, new CreateChild(Props.Create(() => new EchoActor()), "reused"));
            var again = TestProbe.ExpectMsg<IActorRef>(timeout: TimeSpan.FromMilliseconds(500));
            Assert.NotEqual(child, again);
        });
    }

    private sealed record WatchIt(IActorRef Target);

    private sealed record WatchItWith(IActorRef Target, object Message);

    private sealed record UnwatchIt(IActorRef Target);

    private sealed class Watcher(IActorRef probe) : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case WatchIt w:
                    Context.Watch(w.Target);
                    probe.Tell("watching", null);
                    break;
                case WatchItWith w:
                    Context.WatchWith(w.Target, w.Message);
                    probe.Tell("watching", null);
                    break;
                case UnwatchIt u:
                    Context.Unwatch(u.Target);
                    probe.Tell("unwatched", null);
                    break;
                default:
                    probe.Tell(message, null);
                    break;
            }
        }
    }

    private sealed class DeathPactActor : ReceiveActor
    {
        public DeathPactActor(IActorRef target)
        {
            Context.Watch(target);
            Receive<string>(_ => Sender.Tell("ready"));
        }
    }
}
