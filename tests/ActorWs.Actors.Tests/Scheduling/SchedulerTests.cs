namespace ActorWs.Actors.Tests.Scheduling;

/// <summary>The system scheduler on the test clock.</summary>
public sealed class SchedulerTests : ActorTestKit
{
    [Fact]
    public void ScheduleTellOnce_delivers_once_at_the_due_time()
    {
        Sys.Scheduler.ScheduleTellOnce(TimeSpan.FromSeconds(5), TestActor, "due", null);
        Time.Advance(TimeSpan.FromSeconds(4.999));
        ExpectNoMsg();
        Time.Advance(TimeSpan.FromMilliseconds(1));
        ExpectMsg("due");
        Time.Advance(TimeSpan.FromMinutes(1));
        ExpectNoMsg();
    }

    [Fact]
    public void ScheduleTellRepeatedly_delivers_at_every_interval_until_cancelled()
    {
        var handle = Sys.Scheduler.ScheduleTellRepeatedly(
            TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TestActor, "tick", TestActor);
        Time.Advance(TimeSpan.FromSeconds(1));
        ExpectMsg("tick");
        Assert.Equal(TestActor, TestProbe.LastSender);
        Time.Advance(TimeSpan.FromSeconds(4));
        ExpectMsg("tick");
        ExpectMsg("tick");
        handle.Cancel();
        Assert.True(handle.IsCancellationRequested);
        Time.Advance(TimeSpan.FromSeconds(10));
        ExpectNoMsg();
    }

    [Fact]
    public void A_cancelled_once_schedule_never_fires()
    {
        var handle = Sys.Scheduler.ScheduleTellOnce(TimeSpan.FromSeconds(1), TestActor, "never", null);
        handle.Cancel();
        Time.Advance(TimeSpan.FromSeconds(2));
        ExpectNoMsg();
    }

    [Fact]
    public void Scheduled_actions_run_and_their_exceptions_are_logged_not_thrown()
    {
        int runs = 0;
        Sys.Scheduler.ScheduleRepeatedly(TimeSpan.Zero, TimeSpan.FromSeconds(1), () =>
        {
            runs++;
            throw new TestFailureException("scheduled failure");
        });
        Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(3, runs);
        ExpectLogEvent(e => e.Exception is TestFailureException);
    }

    [Fact]
    public async Task Termination_cancels_everything_scheduled()
    {
        Sys.Scheduler.ScheduleTellRepeatedly(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TestActor, "tick", null);
        Sys.Scheduler.ScheduleTellOnce(TimeSpan.FromSeconds(1), TestActor, "once", null);
        Assert.Equal(2, Sys.ActiveScheduledCount);
        await Sys.Terminate().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, Sys.ActiveScheduledCount);
        Time.Advance(TimeSpan.FromSeconds(5));
        ExpectNoMsg();
        Assert.True(Sys.Scheduler.ScheduleTellOnce(TimeSpan.FromSeconds(1), TestActor, "late", null).IsCancellationRequested);
    }

    [Fact]
    public void Invalid_arguments_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Sys.Scheduler.ScheduleTellOnce(TimeSpan.FromSeconds(-1), TestActor, "x", null));
        Assert.Throws<ArgumentOutOfRangeException>(() => Sys.Scheduler.ScheduleTellRepeatedly(TimeSpan.Zero, TimeSpan.Zero, TestActor, "x", null));
        Assert.Throws<ArgumentNullException>(() => Sys.Scheduler.ScheduleTellOnce(TimeSpan.Zero, null!, "x", null));
        Assert.Throws<ArgumentNullException>(() => Sys.Scheduler.ScheduleOnce(TimeSpan.Zero, null!));
    }
}
