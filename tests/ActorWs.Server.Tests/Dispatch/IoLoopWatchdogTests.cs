using Akka.Dispatch;
using ActorWs.Server.Dispatch;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace ActorWs.Server.Tests.Dispatch;

/// <summary>The watchdog on virtual time, with loops whose turns the test moves by hand.</summary>
public sealed class IoLoopWatchdogTests
{
    private static readonly TimeSpan Threshold = TimeSpan.FromMilliseconds(200);

    private sealed class HandMovedLoop(string name) : IIoLoop
    {
        public string Name { get; } = name;
        public long TurnNumber { get; set; }
        public IRunnable? Running { get; set; }
        public void Execute(IRunnable run) => throw new NotSupportedException();

        public void StartTurn() => TurnNumber += TurnNumber % 2 == 0 ? 1 : 2;
        public void Wait() => TurnNumber += TurnNumber % 2 == 0 ? 2 : 1;
    }

    private sealed class NamedTask : IRunnable
    {
        public void Run() { }
        public void Execute() { }
    }

    /// <summary>Advances in 10 ms steps: FakeTimeProvider runs a periodic timer's due callbacks at the end of one Advance.</summary>
    private static void Step(FakeTimeProvider time, TimeSpan total)
    {
        for (var done = TimeSpan.Zero; done < total; done += TimeSpan.FromMilliseconds(10)) time.Advance(TimeSpan.FromMilliseconds(10));
    }

    private static (FakeTimeProvider Time, List<IoLoopStall> Stalls, IoLoopWatchdog Watchdog) Start(params IIoLoop[] loops)
    {
        var time = new FakeTimeProvider();
        var stalls = new List<IoLoopStall>();
        var watchdog = new IoLoopWatchdog(loops, Threshold, time, s => { lock (stalls) stalls.Add(s); });
        return (time, stalls, watchdog);
    }

    [Fact]
    public void ATurnThatRunsPastTheThreshold_IsReportedOnce_WithWhatHeldIt()
    {
        var loop = new HandMovedLoop("actorws-io-0");
        var (time, stalls, watchdog) = Start(loop);
        using var _ = watchdog;
        loop.StartTurn();
        loop.Running = new NamedTask();

        Step(time, TimeSpan.FromMilliseconds(150));
        Assert.Empty(stalls);
        Step(time, TimeSpan.FromMilliseconds(150));
        var stall = Assert.Single(stalls);
        Assert.Equal("actorws-io-0", stall.Loop);
        Assert.Equal(nameof(NamedTask), stall.HeldBy);
        Assert.True(stall.RunningFor >= Threshold, stall.RunningFor.ToString());

        Step(time, TimeSpan.FromSeconds(2)); // still the same turn: not reported again
        Assert.Single(stalls);

        loop.Wait();
        loop.StartTurn(); // a new turn that stalls as well is a new report
        Step(time, TimeSpan.FromMilliseconds(400));
        Assert.Equal(2, stalls.Count);
    }

    [Fact]
    public void ALoopThatWaitsForSockets_OrKeepsTurning_IsNeverReported()
    {
        var waiting = new HandMovedLoop("actorws-io-0");
        var busy = new HandMovedLoop("actorws-io-1");
        var (time, stalls, watchdog) = Start(waiting, busy);
        using var _ = watchdog;
        waiting.Wait(); // even: inside epoll_wait, however long
        for (int i = 0; i < 40; i++)
        {
            busy.StartTurn();
            Step(time, TimeSpan.FromMilliseconds(60)); // each turn shorter than the threshold
        }
        Assert.Empty(stalls);
    }

    [Fact]
    public void Describe_NamesTheActorOfALeanMailbox()
    {
        Assert.Equal("no task (the loop's own work between tasks)", IoLoopWatchdog.Describe(null));
        Assert.Equal(nameof(NamedTask), IoLoopWatchdog.Describe(new NamedTask()));
    }
}
