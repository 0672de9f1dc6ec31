using System.Threading.Channels;
using ActorWs.Actors;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;

namespace ActorWs.Actors.Benchmarks;

/// <summary>One sender, one receiver: Tell into an actor versus TryWrite into a bare channel.</summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 15, iterationCount: 10)]
public class OneToOneThroughputBenchmarks
{
    private const int Messages = 1_000_000;

    private ActorSystem _system = null!;
    private IActorRef _actor = null!;
    private Channel<object> _channel = null!;
    private Task _consumer = null!;
    private TaskCompletionSource _channelDone = null!;
    private int _channelRemaining;

    [GlobalSetup]
    public void Setup()
    {
        _system = ActorSystem.Create("bench");
        _actor = _system.ActorOf(Props.Create(() => new CountingActor()));
        _channel = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
        _consumer = ConsumeAsync();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _channel.Writer.Complete();
        _consumer.Wait();
        _system.Terminate().Wait();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Messages)]
    public void ChannelBaseline()
    {
        _channelDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _channelRemaining, Messages);
        var writer = _channel.Writer;
        var payload = Payload.Instance;
        for (int i = 0; i < Messages; i++)
        {
            writer.TryWrite(payload);
        }

        _channelDone.Task.Wait();
    }

    [Benchmark(OperationsPerInvoke = Messages)]
    public void Actor()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _actor.Tell(new ExpectCount(Messages, done), null);
        var payload = Payload.Instance;
        for (int i = 0; i < Messages; i++)
        {
            _actor.Tell(payload, null);
        }

        done.Task.Wait();
    }

    private async Task ConsumeAsync()
    {
        var reader = _channel.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out _))
            {
                if (--_channelRemaining == 0)
                {
                    _channelDone.SetResult();
                }
            }
        }
    }
}

/// <summary>100 senders each sending to 100 receivers: actors versus bare channels with one consumer each.</summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 15, iterationCount: 10)]
public class ManyToManyThroughputBenchmarks
{
    private const int Receivers = 100;
    private const int Senders = 100;
    private const int MessagesPerPair = 100;
    private const int Total = Receivers * Senders * MessagesPerPair;

    private ActorSystem _system = null!;
    private IActorRef[] _actors = null!;
    private Channel<object>[] _channels = null!;
    private Task[] _consumers = null!;
    private CountdownEvent _channelsDone = null!;

    [GlobalSetup]
    public void Setup()
    {
        _system = ActorSystem.Create("bench");
        _actors = Enumerable.Range(0, Receivers).Select(_ => _system.ActorOf(Props.Create(() => new CountingActor()))).ToArray();
        _channels = Enumerable.Range(0, Receivers)
            .Select(_ => Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true }))
            .ToArray();
        _channelsDone = new CountdownEvent(Receivers);
        _consumers = _channels.Select(c => ConsumeAsync(c.Reader)).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var channel in _channels)
        {
            channel.Writer.Complete();
        }

        Task.WaitAll(_consumers);
        _system.Terminate().Wait();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Total)]
    public void Channels()
    {
        _channelsDone.Reset(Receivers);
        Parallel.For(0, Senders, _ =>
        {
            var payload = Payload.Instance;
            for (int m = 0; m < MessagesPerPair; m++)
            {
                foreach (var channel in _channels)
                {
                    channel.Writer.TryWrite(payload);
                }
            }
        });
        _channelsDone.Wait();
    }

    [Benchmark(OperationsPerInvoke = Total)]
    public void Actors()
    {
        var done = new Task[Receivers];
        for (int i = 0; i < Receivers; i++)
        {
            var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            done[i] = tcs.Task;
            _actors[i].Tell(new ExpectCount(Senders * MessagesPerPair, tcs), null);
        }

        Parallel.For(0, Senders, _ =>
        {
            var payload = Payload.Instance;
            for (int m = 0; m < MessagesPerPair; m++)
            {
                foreach (var actor in _actors)
                {
                    actor.Tell(payload, null);
                }
            }
        });
        Task.WaitAll(done);
    }

    private async Task ConsumeAsync(ChannelReader<object> reader)
    {
        int count = 0;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out _))
            {
                if (++count == Senders * MessagesPerPair)
                {
                    count = 0;
                    _channelsDone.Signal();
                }
            }
        }
    }
}
