namespace ActorWs.Actors.Tests.Behavior;

/// <summary>Keyed timers inside an actor (IWithTimers) on the test clock.</summary>
public sealed class TimersTests : ActorTestKit
{
    [Fact]
    public void A_single_timer_fires_once_at_its_due_time()
    {
        var actor = Start();
        actor.Tell(new StartSingle("k", "once", TimeSpan.FromSeconds(2)), TestActor);
        ExpectMsg("ok");
        Time.Advance(TimeSpan.FromSeconds(1));
        ExpectNoMsg();
        Time.Advance(TimeSpan.FromSeconds(1));
        ExpectMsg("once");
        Time.Advance(TimeSpan.FromSeconds(10));
        ExpectNoMsg();
    }

    [Fact]
    public void A_periodic_timer_fires_every_interval_until_cancelled()
    {
        var actor = Start();
        actor.Tell(new StartPeriodic("k", "tick", TimeSpan.FromSeconds(1)), TestActor);
        ExpectMsg("ok");
        Time.Advance(TimeSpan.FromSeconds(3));
        ExpectMsg("tick");
        ExpectMsg("tick");
        ExpectMsg("tick");
        actor.Tell(new CancelTimer("k"), TestActor);
        ExpectMsg("ok");
        Time.Advance(TimeSpan.FromSeconds(3));
        ExpectNoMsg();
    }

    [Fact]
    public void Restarting_cancels_all_timers()
    {
        var parent = Sys.ActorOf(TestProps.Reporting(TestActor, "p"));
        ExpectMsg("p:PreStart");
        var actor = TestProbe.CreateChildOf(parent, Props.Create(() => new TimerActor(TestActor)));
        actor.Tell(new StartPeriodic("k", "tick", TimeSpan.FromSeconds(1)), TestActor);
        ExpectMsg("ok");
        actor.Tell(new Fail(new TestFailureException("restart me")), TestActor);
        actor.Tell("active?", TestActor);
        ExpectMsg(false);
        Time.Advance(TimeSpan.FromSeconds(5));
        ExpectNoMsg();
    }

    [Fact]
    public void Stopping_cancels_all_timers()
    {
        var actor = Start();
        actor.Tell(new StartPeriodic("k", "tick", TimeSpan.FromSeconds(1)), TestActor);
        ExpectMsg("ok");
        Watch(actor);
        Sys.Stop(actor);
        ExpectTerminated(actor);
        Assert.Equal(0, Time.ArmedTimerCount);
    }

    [Fact]
    public void Replacing_a_timer_discards_a_tick_of_the_old_one_that_is_already_queued()
    {
        using var gate = new ManualResetEventSlim();
        var actor = Start();
        actor.Tell(new StartSingle("k", "old", TimeSpan.FromSeconds(1)), TestActor);
        ExpectMsg("ok");
        actor.Tell(new Block(gate), TestActor);
        ExpectMsg("blocked");
        actor.Tell(new StartSingle("k", "new", TimeSpan.FromSeconds(1)), TestActor);
        Time.Advance(TimeSpan.FromSeconds(1)); // "old" is queued behind the replacement
        gate.Set();
        ExpectMsg("ok");
        ExpectNoMsg();
        Time.Advance(TimeSpan.FromSeconds(1));
        ExpectMsg("new");
    }

    private IActorRef Start() => Sys.ActorOf(Props.Create(() => new TimerActor(TestActor)));

    private sealed record StartSingle(string Key, string Message, TimeSpan Delay);

    private sealed record StartPeriodic(string Key, string Message, TimeSpan Interval);

    private sealed record CancelTimer(string Key);

    private sealed class TimerActor : UntypedActor, IWithTimers
    {
        private readonly IActorRef _probe;

        public TimerActor(IActorRef probe) => _probe = probe;

        public ITimerScheduler Timers { get; set; } = null!;

        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case StartSingle s:
                    Timers.StartSingleTimer(s.Key, s.Message, s.Delay);
                    Sender.Tell("ok");
                    break;
                case StartPeriodic p:
                    Timers.StartPeriodicTimer(p.Key, p.Message, p.Interval);
                    Sender.Tell("ok");
                    break;
                case CancelTimer c:
                    Timers.Cancel(c.Key);
                    Sender.Tell("ok");
                    break;
                case "active?":
                    Sender.Tell(Timers.IsTimerActive("k"));
                    break;
                case Fail f:
                    throw f.Exception;
                case Block b:
                    Sender.Tell("blocked");
                    b.Gate.Wait(TimeSpan.FromSeconds(10));
                    break;
                default:
                    _probe.Tell(message, Self);
                    break;
            }
        }
    }
}
