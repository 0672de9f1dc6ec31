using System.Threading.Channels;
using ActorWs.Actors;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;

namespace ActorWs.Actors.Benchmarks;

/// <summary>Round trips of one preallocated message between two actors versus two channels.</summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 15, iterationCount: 10)]
public class PingPongBenchmarks
{
    private const int RoundTrips = 200_000;

    private ActorSystem _system = null!;
    private IActorRef _ping = null!;
    private IActorRef _pong = null!;
    private Channel<object> _toPong = null!;
    private Channel<object> _toPing = null!;
    private Task[] _channelTasks = null!;
    private TaskCompletionSource _channelDone = null!;
    private int _channelRemaining;

    [GlobalSetup]
    public void Setup()
    {
        _system = ActorSystem.Create("bench");
        _pong = _system.ActorOf(Props.Create(() => new Pong()));
        _ping = _system.ActorOf(Props.Create(() => new Ping()));
        var options = new UnboundedChannelOptions { SingleReader = true, SingleWriter = true };
        _toPong = Channel.CreateUnbounded<object>(options);
        _toPing = Channel.CreateUnbounded<object>(options);
        _channelTasks = [PongLoopAsync(), PingLoopAsync()];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _toPong.Writer.Complete();
        _toPing.Writer.Complete();
        Task.WaitAll(_channelTasks);
        _system.Terminate().Wait();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = RoundTrips)]
    public void Channels()
    {
        _channelDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _channelRemaining = RoundTrips;
        _toPong.Writer.TryWrite(Payload.Instance);
        _channelDone.Task.Wait();
    }

    [Benchmark(OperationsPerInvoke = RoundTrips)]
    public void Actors()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _ping.Tell(new Start(_pong, RoundTrips, done), null);
        done.Task.Wait();
    }

    private async Task PongLoopAsync()
    {
        var reader = _toPong.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var ball))
            {
                _toPing.Writer.TryWrite(ball);
            }
        }
    }

    private async Task PingLoopAsync()
    {
        var reader = _toPing.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var ball))
            {
                if (--_channelRemaining == 0)
                {
                    _channelDone.SetResult();
                }
                else
                {
                    _toPong.Writer.TryWrite(ball);
                }
            }
        }
    }

    private sealed record Start(IActorRef Partner, int RoundTrips, TaskCompletionSource Done);

    private sealed class Ping : UntypedActor
    {
        private int _remaining;
        private TaskCompletionSource? _done;
        private IActorRef _partner = ActorRefs.Nobody;

        protected override void OnReceive(object message)
        {
            if (message is Start start)
            {
                _remaining = start.RoundTrips;
                _done = start.Done;
                _partner = start.Partner;
                _partner.Tell(Payload.Instance);
            }
            else if (--_remaining == 0)
            {
                _done!.SetResult();
            }
            else
            {
                _partner.Tell(message);
            }
        }
    }

    private sealed class Pong : UntypedActor
    {
        protected override void OnReceive(object message) => Sender.Tell(message);
    }
}
