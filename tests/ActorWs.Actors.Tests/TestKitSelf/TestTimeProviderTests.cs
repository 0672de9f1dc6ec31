namespace ActorWs.Actors.Tests.TestKitSelf;

/// <summary>The fake clock fires timers in due order, re-arms periodic ones and honours dispose.</summary>
public sealed class TestTimeProviderTests
{
    [Fact]
    public void Timers_fire_in_due_order_each_seeing_its_own_due_time()
    {
        var time = new TestTimeProvider();
        var start = time.GetUtcNow();
        var fired = new List<(string Name, TimeSpan At)>();
        using var late = time.CreateTimer(_ => fired.Add(("late", time.GetUtcNow() - start)), null, TimeSpan.FromSeconds(3), Timeout.InfiniteTimeSpan);
        using var early = time.CreateTimer(_ => fired.Add(("early", time.GetUtcNow() - start)), null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal([("early", TimeSpan.FromSeconds(1)), ("late", TimeSpan.FromSeconds(3))], fired);
        Assert.Equal(start + TimeSpan.FromSeconds(5), time.GetUtcNow());
    }

    [Fact]
    public void Periodic_timers_repeat_and_disposed_timers_stop()
    {
        var time = new TestTimeProvider();
        int ticks = 0;
        var timer = time.CreateTimer(_ => ticks++, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        time.Advance(TimeSpan.FromSeconds(3.5));
        Assert.Equal(3, ticks);
        timer.Dispose();
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(3, ticks);
        Assert.Equal(0, time.ArmedTimerCount);
        Assert.False(timer.Change(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
    }

    [Fact]
    public void Timers_due_now_fire_on_the_next_advance_and_timestamps_follow_the_clock()
    {
        var time = new TestTimeProvider();
        int fired = 0;
        using var timer = time.CreateTimer(_ => fired++, null, TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        Assert.Equal(0, fired);
        long before = time.GetTimestamp();
        time.Advance(TimeSpan.Zero);
        Assert.Equal(1, fired);
        time.Advance(TimeSpan.FromMilliseconds(250));
        Assert.Equal(TimeSpan.FromMilliseconds(250), time.GetElapsedTime(before));
    }

    [Fact]
    public void The_clock_does_not_go_backwards()
    {
        var time = new TestTimeProvider();
        Assert.Throws<ArgumentOutOfRangeException>(() => time.Advance(TimeSpan.FromTicks(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => time.SetUtcNow(time.GetUtcNow() - TimeSpan.FromSeconds(1)));
        time.SetUtcNow(time.GetUtcNow() + TimeSpan.FromDays(1));
        Assert.Equal(TestTimeProvider.DefaultStart + TimeSpan.FromDays(1), time.GetUtcNow());
    }
}
