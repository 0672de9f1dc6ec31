using System.Collections.Concurrent;
using Akka.Actor;
using Akka.TestKit;
using ActorWs.Server.Dispatch;
using Xunit;

namespace ActorWs.Server.Tests.Dispatch;

/// <summary>
/// <see cref="SchedulerTimeProvider"/> on Akka.TestKit's <see cref="TestScheduler"/>: the server's clock and timers move
/// when, and only when, the test advances the scheduler.
/// </summary>
public sealed class SchedulerTimeProviderTests() : Akka.TestKit.Xunit2.TestKit(DispatchTesting.Config("""
    akka.scheduler.implementation = "Akka.TestKit.TestScheduler, Akka.TestKit"
    """))
{
    private TestScheduler Scheduler => (TestScheduler)Sys.Scheduler;

    private SchedulerTimeProvider Time => new(Sys.Scheduler);

    /// <summary>Counts a timer's callbacks and keeps the state each was given.</summary>
    private sealed class Fired
    {
        private int _count;

        public ConcurrentQueue<object?> States { get; } = new();

        public int Count => Volatile.Read(ref _count);

        public void Callback(object? state)
        {
            States.Enqueue(state);
            Interlocked.Increment(ref _count);
        }
    }

    [Fact]
    public void For_a_system_on_a_virtual_scheduler_is_the_schedulers_clock()
    {
        Assert.IsType<SchedulerTimeProvider>(SchedulerTimeProvider.For(Sys));
        Assert.Throws<ArgumentNullException>(() => SchedulerTimeProvider.For(null!));
        Assert.Throws<ArgumentNullException>(() => new SchedulerTimeProvider(null!));
    }

    [Fact]
    public async Task For_a_system_on_Akkas_default_scheduler_is_the_system_clock()
    {
        var system = ActorSystem.Create("default-scheduler", DispatchTesting.Config());
        try
        {
            Assert.Same(TimeProvider.System, SchedulerTimeProvider.For(system));
        }
        finally
        {
            await system.Terminate().WaitAsync(DispatchTesting.Bound);
        }
    }

    [Fact]
    public void UtcNow_is_the_schedulers_now_and_moves_exactly_as_far_as_it_is_advanced()
    {
        var time = Time;
        var before = time.GetUtcNow();
        Assert.Equal(Scheduler.Now, before);
        Assert.Equal(TimeSpan.Zero, before.Offset);

        Scheduler.Advance(TimeSpan.FromMinutes(90));
        Assert.Equal(before + TimeSpan.FromMinutes(90), time.GetUtcNow());
    }

    [Fact]
    public void Timestamps_move_with_Advance()
    {
        var time = Time;
        Assert.Equal(TimeSpan.TicksPerSecond, time.TimestampFrequency);
        long start = time.GetTimestamp();

        Scheduler.Advance(TimeSpan.FromHours(2));

        // A deadline two hours out has passed once the test advanced two hours (the server's handshake, idle and
        // close deadlines and seat reservations are all timestamps).
        Assert.True(time.GetElapsedTime(start) >= TimeSpan.FromHours(2), $"only {time.GetElapsedTime(start)} elapsed after Advance(2 h)");
    }

    [Fact]
    public void Timestamps_stand_still_while_the_virtual_clock_does()
    {
        var time = Time;
        long start = time.GetTimestamp();
        Thread.Sleep(50);
        Assert.Equal(TimeSpan.Zero, time.GetElapsedTime(start));
    }

    [Fact]
    public void A_one_shot_timer_fires_once_when_its_due_time_is_reached()
    {
        var fired = new Fired();
        using var timer = Time.CreateTimer(fired.Callback, "state", TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);

        Scheduler.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(0, fired.Count);
        Scheduler.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, fired.Count);
        Assert.Equal(["state"], fired.States);

        Scheduler.Advance(TimeSpan.FromSeconds(10));
        Scheduler.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(1, fired.Count);
    }

    [Fact]
    public void A_zero_period_means_once()
    {
        var fired = new Fired();
        using var timer = Time.CreateTimer(fired.Callback, null, TimeSpan.FromSeconds(1), TimeSpan.Zero);
        for (int i = 0; i < 5; i++) Scheduler.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, fired.Count);
    }

    [Fact]
    public void A_periodic_timer_fires_at_its_due_time_then_every_period()
    {
        var fired = new Fired();
        using var timer = Time.CreateTimer(fired.Callback, 7, TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(500));

        Scheduler.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, fired.Count);
        Scheduler.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, fired.Count);
        for (int i = 2; i <= 6; i++)
        {
            Scheduler.Advance(TimeSpan.FromMilliseconds(499));
            Assert.Equal(i - 1, fired.Count);
            Scheduler.Advance(TimeSpan.FromMilliseconds(1));
            Assert.Equal(i, fired.Count);
        }

        Assert.All(fired.States, s => Assert.Equal(7, s));
    }

    [Fact]
    public void A_due_time_of_zero_fires_at_once_without_an_advance_as_a_system_timer_does()
    {
        var fired = new Fired();
        using var timer = Time.CreateTimer(fired.Callback, null, TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (fired.Count == 0 && DateTime.UtcNow < deadline) Thread.Sleep(5);
        Assert.Equal(1, fired.Count);
    }

    [Fact]
    public void An_infinite_due_time_never_fires()
    {
        var fired = new Fired();
        using var timer = Time.CreateTimer(fired.Callback, null, Timeout.InfiniteTimeSpan, TimeSpan.FromSeconds(1));
        for (int i = 0; i < 5; i++) Scheduler.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, fired.Count);
    }

    [Fact]
    public void Change_cancels_the_pending_firing_and_schedules_anew()
    {
        var fired = new Fired();
        using var timer = Time.CreateTimer(fired.Callback, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);

        Assert.True(timer.Change(TimeSpan.FromSeconds(5), Timeout.InfiniteTimeSpan));
        Scheduler.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, fired.Count);
        Scheduler.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(1, fired.Count);

        // Turned into a periodic one, then stopped with an infinite due time.
        Assert.True(timer.Change(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)));
        Scheduler.Advance(TimeSpan.FromSeconds(1));
        Scheduler.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(3, fired.Count);
        Assert.True(timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan));
        for (int i = 0; i < 5; i++) Scheduler.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(3, fired.Count);
    }

    [Fact]
    public void Change_from_inside_the_callback_rearms_a_one_shot_timer()
    {
        var fired = new Fired();
        ITimer? timer = null;
        timer = Time.CreateTimer(state =>
        {
            fired.Callback(state);
            if (fired.Count < 3) timer!.Change(TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        }, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        using (timer)
        {
            for (int i = 0; i < 6; i++) Scheduler.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(3, fired.Count);
        }
    }

    [Fact]
    public async Task Dispose_cancels_it_and_Change_afterwards_is_refused()
    {
        var fired = new Fired();
        var timer = Time.CreateTimer(fired.Callback, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        Scheduler.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, fired.Count);

        timer.Dispose();
        for (int i = 0; i < 5; i++) Scheduler.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, fired.Count);
        Assert.False(timer.Change(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)));
        Scheduler.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, fired.Count);

        var other = Time.CreateTimer(fired.Callback, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        await other.DisposeAsync();
        Scheduler.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, fired.Count);
    }

    [Fact]
    public void The_servers_clock_and_an_actors_scheduled_message_move_with_one_Advance()
    {
        var time = Time;
        var fired = new Fired();
        using var timer = time.CreateTimer(fired.Callback, null, TimeSpan.FromSeconds(3), Timeout.InfiniteTimeSpan);
        Sys.Scheduler.ScheduleTellOnce(TimeSpan.FromSeconds(3), TestActor, "tick", ActorRefs.NoSender);

        Scheduler.Advance(TimeSpan.FromSeconds(2));
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Assert.Equal(0, fired.Count);

        Scheduler.Advance(TimeSpan.FromSeconds(1));
        ExpectMsg("tick", DispatchTesting.Bound);
        Assert.Equal(1, fired.Count);
    }

    [Fact]
    public void A_null_callback_is_refused()
    {
        Assert.Throws<ArgumentNullException>(() => Time.CreateTimer(null!, null, TimeSpan.Zero, TimeSpan.Zero));
    }
}
