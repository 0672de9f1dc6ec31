namespace ActorWs.Actors.Tests.Supervision;

/// <summary>Supervision directives, restart semantics, retry limits and escalation.</summary>
public sealed class SupervisionTests : ActorTestKit
{
    private IActorRef StartSupervisor(Func<Exception, Directive> decide, string label = "s",
        Func<Func<Exception, Directive>, SupervisorStrategy>? strategy = null)
    {
        var supervisor = Sys.ActorOf(TestProps.Supervising(TestActor, label, decide, strategy));
        ExpectMsg($"{label}:PreStart");
        return supervisor;
    }

    private IActorRef StartChild(IActorRef parent, string label, Props? props = null)
    {
        var child = TestProbe.CreateChildOf(parent, props ?? TestProps.Reporting(TestActor, label), label);
        ExpectMsg($"{label}:PreStart");
        return child;
    }

    [Fact]
    public void Restart_creates_a_fresh_instance_keeps_the_mailbox_and_drops_the_failing_message()
    {
        using var gate = new ManualResetEventSlim();
        var supervisor = StartSupervisor(_ => Directive.Restart);
        var child = StartChild(supervisor, "c");
        child.Tell("before", null);
        ExpectMsg("c:before");
        child.Tell(new Block(gate), null);
        ExpectMsg("c:blocked");
        var failure = new Fail(new TestFailureException("boom"));
        child.Tell(failure, null);
        child.Tell("after1", null);
        child.Tell("after2", null);
        gate.Set();

        Assert.Equal("boom", ExpectMsg<Decided>().Cause.Message);
        ExpectMsg($"c:PreRestart:{failure}");
        ExpectMsg("c:PostStop");
        ExpectMsg("c:PostRestart:boom");
        ExpectMsg("c:PreStart");
        ExpectMsg("c:after1");
        ExpectMsg("c:after2");
        child.Tell("count", TestActor);
        Assert.Equal(2, ExpectMsg<int>()); // fresh state: only after1 and after2 counted
        ExpectNoMsg();
    }

    [Fact]
    public void Restart_stops_the_children_by_default_before_creating_the_new_instance()
    {
        var supervisor = StartSupervisor(_ => Directive.Restart);
        var parent = StartChild(supervisor, "p");
        var child = StartChild(parent, "c");
        var watcher = CreateTestProbe();
        watcher.Watch(child);

        parent.Tell(new Fail(new TestFailureException("parent failed")), null);
        ExpectMsg<Decided>();
        ExpectMsg<string>(s => s.StartsWith("p:PreRestart:", StringComparison.Ordinal));
        // Default PreRestart stops the children and calls PostStop; the new instance comes after they are gone.
        var events = ReceiveN(3).Cast<string>().ToList();
        Assert.Contains("c:PostStop", events);
        Assert.Contains("p:PostStop", events);
        Assert.Equal("p:PostRestart:parent failed", events[^1]);
        ExpectMsg("p:PreStart");
        watcher.ExpectTerminated(child);
    }

    [Fact]
    public void Children_kept_by_PreRestart_are_restarted_with_their_parent()
    {
        var supervisor = StartSupervisor(_ => Directive.Restart);
        var parent = StartChild(supervisor, "p", Props.Create(() => new KeepChildrenActor(TestActor, "p")));
        var child = StartChild(parent, "c");
        child.Tell("state", null);
        ExpectMsg("c:state");

        parent.Tell(new Fail(new TestFailureException("parent failed")), null);
        ExpectMsg<Decided>();
        // The parent restarts first, then sends the surviving child its own restart.
        var events = ReceiveN(7).Cast<string>().ToList();
        Assert.Equal(
            [
                "p:PreRestart-keeping-children", "p:PostRestart:parent failed", "p:PreStart",
                "c:PreRestart:", "c:PostStop", "c:PostRestart:parent failed", "c:PreStart",
            ],
            events);
        child.Tell("count", TestActor);
        Assert.Equal(0, ExpectMsg<int>()); // the same child reference, now a fresh instance
    }

    [Fact]
    public void Exceeding_maxNrOfRetries_within_the_window_stops_the_child()
    {
        var supervisor = StartSupervisor(
            _ => Directive.Restart,
            strategy: decider => new OneForOneStrategy(2, TimeSpan.FromMinutes(1), decider));
        var child = StartChild(supervisor, "c");
        Watch(child);
        for (int attempt = 1; attempt <= 2; attempt++)
        {
            child.Tell(new Fail(new TestFailureException($"failure {attempt}")), null);
            ExpectMsg<Decided>();
            FishForMessage(m => m is string s && s == "c:PreStart");
        }

        child.Tell(new Fail(new TestFailureException("failure 3")), null);
        ExpectMsg<Decided>();
        ExpectMsg("c:PostStop");
        ExpectTerminated(child);
    }

    [Fact]
    public void The_retry_window_restarts_counting_after_it_has_passed()
    {
        var supervisor = StartSupervisor(
            _ => Directive.Restart,
            strategy: decider => new OneForOneStrategy(1, TimeSpan.FromMinutes(1), decider));
        var child = StartChild(supervisor, "c");
        Watch(child);
        child.Tell(new Fail(new TestFailureException("first")), null);
        ExpectMsg<Decided>();
        FishForMessage(m => m is "c:PreStart");

        Time.Advance(TimeSpan.FromMinutes(2));
        child.Tell(new Fail(new TestFailureException("second, in a new window")), null);
        ExpectMsg<Decided>();
        FishForMessage(m => m is "c:PreStart");
        child.Tell("alive", null);
        ExpectMsg("c:alive");

        child.Tell(new Fail(new TestFailureException("third, same window")), null);
        ExpectMsg<Decided>();
        ExpectMsg("c:PostStop");
        ExpectTerminated(child);
    }

    [Fact]
    public void MaxNrOfRetries_zero_stops_at_the_first_failure()
    {
        var supervisor = StartSupervisor(
            _ => Directive.Restart,
            strategy: decider => new OneForOneStrategy(0, null, decider));
        var child = StartChild(supervisor, "c");
        Watch(child);
        child.Tell(new Fail(new TestFailureException("once")), null);
        ExpectMsg<Decided>();
        ExpectMsg("c:PostStop");
        ExpectTerminated(child);
    }

    [Fact]
    public void Escalate_fails_the_parent_and_reaches_the_grandparent()
    {
        var grandparent = StartSupervisor(_ => Directive.Restart, "gp");
        var parent = StartChild(grandparent, "p", TestProps.Supervising(TestActor, "p", _ => Directive.Escalate));
        var child = StartChild(parent, "c");
        var watcher = CreateTestProbe();
        watcher.Watch(child);

        child.Tell(new Fail(new TestFailureException("deep failure")), null);
        var parentDecision = ExpectMsg<Decided>();
        var grandparentDecision = ExpectMsg<Decided>();
        Assert.Same(parentDecision.Cause, grandparentDecision.Cause);
        Assert.IsType<TestFailureException>(grandparentDecision.Cause);
        // The grandparent restarted the parent, whose default PreRestart stopped the child.
        ExpectMsg("p:PreRestart:");
        FishForMessage(m => m is "p:PostRestart:deep failure");
        watcher.ExpectTerminated(child);
    }

    [Fact]
    public void Resume_keeps_the_instance_and_its_state()
    {
        var supervisor = StartSupervisor(_ => Directive.Resume);
        var child = StartChild(supervisor, "c");
        child.Tell("one", null);
        ExpectMsg("c:one");
        child.Tell(new Fail(new TestFailureException("ignored")), null);
        ExpectMsg<Decided>();
        child.Tell("two", null);
        ExpectMsg("c:two");
        child.Tell("count", TestActor);
        Assert.Equal(2, ExpectMsg<int>());
    }

    [Fact]
    public void Stop_directive_stops_only_the_failed_child()
    {
        var supervisor = StartSupervisor(_ => Directive.Stop);
        var failing = StartChild(supervisor, "f");
        var sibling = StartChild(supervisor, "s2");
        Watch(failing);
        failing.Tell(new Fail(new TestFailureException("fatal")), null);
        ExpectMsg<Decided>();
        ExpectMsg("f:PostStop");
        ExpectTerminated(failing);
        sibling.Tell("still here", null);
        ExpectMsg("s2:still here");
        supervisor.Tell("supervisor too", null);
        ExpectMsg("s:supervisor too");
    }

    [Fact]
    public void AllForOne_restart_restarts_every_child()
    {
        var supervisor = StartSupervisor(_ => Directive.Restart, strategy: decider => new AllForOneStrategy(decider));
        var failing = StartChild(supervisor, "f");
        var sibling = StartChild(supervisor, "s2");
        failing.Tell(new Fail(new TestFailureException("one fails")), null);
        ExpectMsg<Decided>();
        var events = ReceiveN(8).Cast<string>().ToList();
        Assert.Contains("f:PostRestart:one fails", events);
        Assert.Contains("s2:PostRestart:one fails", events);
        sibling.Tell("count", TestActor);
        Assert.Equal(0, ExpectMsg<int>());
    }

    [Fact]
    public void AllForOne_stop_stops_every_child()
    {
        var supervisor = StartSupervisor(_ => Directive.Stop, strategy: decider => new AllForOneStrategy(decider));
        var failing = StartChild(supervisor, "f");
        var sibling = StartChild(supervisor, "s2");
        Watch(failing);
        var watcher = CreateTestProbe();
        watcher.Watch(sibling);
        failing.Tell(new Fail(new TestFailureException("one fails")), null);
        ExpectMsg<Decided>();
        watcher.ExpectTerminated(sibling);
        FishForMessage(m => m is Terminated t && t.ActorRef.Equals(failing));
    }

    [Fact]
    public void A_constructor_failure_is_an_ActorInitializationException_that_stops_by_default()
    {
        var supervisor = StartSupervisor(SupervisorStrategy.DefaultDecider);
        TestProbe.Send(supervisor, new CreateChild(Props.Create(() => new FailingConstructor())));
        var child = ExpectMsg<IActorRef>();
        var decision = ExpectMsg<Decided>();
        var failure = Assert.IsType<ActorInitializationException>(decision.Cause);
        Assert.IsType<TestFailureException>(failure.InnerException);
        Watch(child);
        ExpectTerminated(child);
    }

    [Fact]
    public void The_default_strategy_restarts_on_ordinary_exceptions()
    {
        var parent = Sys.ActorOf(TestProps.Reporting(TestActor, "p"));
        ExpectMsg("p:PreStart");
        var child = StartChild(parent, "c");
        child.Tell(new Fail(new InvalidOperationException("ordinary")), null);
        ExpectMsg<string>(s => s.StartsWith("c:PreRestart:", StringComparison.Ordinal));
        ExpectMsg("c:PostStop");
        ExpectMsg("c:PostRestart:ordinary");
        ExpectMsg("c:PreStart");
        ExpectLogEvent(e => e.Level == Microsoft.Extensions.Logging.LogLevel.Error
                            && e.Exception is InvalidOperationException
                            && e.ActorPath == child.Path.ToString());
    }

    [Fact]
    public void Strategy_arguments_are_validated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new OneForOneStrategy(-2, null, _ => Directive.Stop));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AllForOneStrategy(1, TimeSpan.Zero, _ => Directive.Stop));
        Assert.Throws<ArgumentNullException>(() => new OneForOneStrategy(null!));
    }

    private sealed class FailingConstructor : UntypedActor
    {
        public FailingConstructor() => throw new TestFailureException("cannot construct");

        protected override void OnReceive(object message)
        {
        }
    }

    private sealed class KeepChildrenActor : ReportingActor
    {
        private readonly IActorRef _probe;
        private readonly string _label;

        public KeepChildrenActor(IActorRef probe, string label)
            : base(probe, label)
        {
            _probe = probe;
            _label = label;
        }

        protected override void PreRestart(Exception reason, object? message)
        {
            _probe.Tell($"{_label}:PreRestart-keeping-children", null);
        }
    }
}
