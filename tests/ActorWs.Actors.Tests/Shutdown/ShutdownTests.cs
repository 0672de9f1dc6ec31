using System.Collections.Concurrent;

namespace ActorWs.Actors.Tests.Shutdown;

/// <summary>Coordinated shutdown phases and system termination.</summary>
public sealed class ShutdownTests : ActorTestKit
{
    [Fact]
    public async Task Terminate_runs_the_phases_in_order_then_stops_user_actors_before_system_actors()
    {
        var log = new ConcurrentQueue<string>();
        var shutdown = CoordinatedShutdown.Get(Sys);
        foreach (var phase in CoordinatedShutdown.OrderedPhases.Reverse())
        {
            Assert.True(shutdown.AddTask(phase, $"record {phase}", () =>
            {
                log.Enqueue(phase);
                return Task.FromResult(Done.Instance);
            }));
        }

        Sys.ActorOf(Props.Create(() => new StopRecorder(log, "user actor stopped")));
        Sys.SystemActorOf(Props.Create(() => new StopRecorder(log, "system actor stopped")));

        await Sys.Terminate().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(
            [
                CoordinatedShutdown.PhaseBeforeServiceUnbind,
                CoordinatedShutdown.PhaseServiceUnbind,
                CoordinatedShutdown.PhaseServiceRequestsDone,
                CoordinatedShutdown.PhaseServiceStop,
                CoordinatedShutdown.PhaseBeforeActorSystemTerminate,
                CoordinatedShutdown.PhaseActorSystemTerminate,
                "user actor stopped",
                "system actor stopped",
            ],
            log);
        Assert.Same(CoordinatedShutdown.ActorSystemTerminateReason.Instance, shutdown.ShutdownReason);
    }

    [Fact]
    public async Task A_phase_waits_for_its_tasks_and_tasks_cannot_join_phases_that_already_started()
    {
        var shutdown = Sys.CoordinatedShutdown;
        var drained = new TaskCompletionSource<Done>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool lateEarlyPhase = true;
        bool lateLaterPhase = false;
        shutdown.AddTask(CoordinatedShutdown.PhaseServiceRequestsDone, "drain", () =>
        {
            lateEarlyPhase = shutdown.AddTask(CoordinatedShutdown.PhaseServiceUnbind, "too late", () => Task.FromResult(Done.Instance));
            lateLaterPhase = shutdown.AddTask(CoordinatedShutdown.PhaseServiceStop, "in time", () =>
            {
                TestActor.Tell("service-stop ran", null);
                return Task.FromResult(Done.Instance);
            });
            TestActor.Tell("draining", null);
            return drained.Task;
        });

        var run = shutdown.Run(CoordinatedShutdown.UnknownReason.Instance);
        Assert.Same(run, shutdown.Run(CoordinatedShutdown.ClrExitReason.Instance));
        ExpectMsg("draining");
        ExpectNoMsg(); // the next phase must not start while the drain is pending
        Assert.False(Sys.WhenTerminated.IsCompleted);

        drained.SetResult(Done.Instance);
        ExpectMsg("service-stop ran");
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(lateEarlyPhase);
        Assert.True(lateLaterPhase);
        Assert.True(Sys.WhenTerminated.IsCompleted);
        Assert.Same(CoordinatedShutdown.UnknownReason.Instance, shutdown.ShutdownReason);
    }

    [Fact]
    public async Task A_phase_that_exceeds_its_timeout_is_abandoned_and_shutdown_continues()
    {
        var shutdown = Sys.CoordinatedShutdown;
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        shutdown.AddTask(CoordinatedShutdown.PhaseServiceUnbind, "hangs", () =>
        {
            started.SetResult();
            return new TaskCompletionSource<Done>().Task;
        });

        var terminated = Sys.Terminate();
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        AwaitCondition(() => Time.ArmedTimerCount > 0, message: "the phase timeout is armed");
        Assert.False(terminated.IsCompleted);
        Time.Advance(ActorSystemSettings.DefaultPhaseTimeout);
        await terminated.WaitAsync(TimeSpan.FromSeconds(10));
        ExpectLogEvent(e => e.Message.Contains("timed out", StringComparison.Ordinal));
    }

    [Fact]
    public async Task After_termination_new_actors_are_dead_and_messages_become_dead_letters()
    {
        await Sys.Terminate().WaitAsync(TimeSpan.FromSeconds(10));
        var late = Sys.ActorOf(Props.Create(() => new EchoActor()), "late");
        late.Tell("hello?", TestActor);
        ExpectDeadLetter(d => Equals(d.Message, "hello?"));
        Watch(late);
        ExpectTerminated(late);
    }

    [Fact]
    public void Unknown_phases_and_null_tasks_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => Sys.CoordinatedShutdown.AddTask("no-such-phase", "x", () => Task.FromResult(Done.Instance)));
        Assert.Throws<ArgumentNullException>(() => Sys.CoordinatedShutdown.AddTask(CoordinatedShutdown.PhaseServiceStop, "x", null!));
        Assert.Throws<ArgumentException>(() => ActorSystem.Create("bad", new ActorSystemSettings
        {
            ShutdownPhaseTimeouts = new Dictionary<string, TimeSpan> { ["no-such-phase"] = TimeSpan.FromSeconds(1) },
        }));
    }

    private sealed class StopRecorder(ConcurrentQueue<string> log, string entry) : UntypedActor
    {
        protected override void OnReceive(object message)
        {
        }

        protected override void PostStop() => log.Enqueue(entry);
    }
}
