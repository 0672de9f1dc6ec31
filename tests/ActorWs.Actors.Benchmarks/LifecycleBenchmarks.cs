using System.Threading.Channels;
using ActorWs.Actors;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;

namespace ActorWs.Actors.Benchmarks;

/// <summary>Creating and stopping 100,000 actors versus 100,000 channels with a consumer each.</summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 3, iterationCount: 8)]
public class CreateAndStopBenchmarks
{
    private const int Count = 100_000;

    private ActorSystem _system = null!;

    [GlobalSetup]
    public void Setup() => _system = ActorSystem.Create("bench");

    [GlobalCleanup]
    public void Cleanup() => _system.Terminate().Wait();

    [Benchmark(Baseline = true, OperationsPerInvoke = Count)]
    public void Channels()
    {
        var channels = new Channel<object>[Count];
        var consumers = new Task[Count];
        for (int i = 0; i < Count; i++)
        {
            var channel = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
            channels[i] = channel;
            consumers[i] = DrainAsync(channel.Reader);
        }

        foreach (var channel in channels)
        {
            channel.Writer.Complete();
        }

        Task.WaitAll(consumers);
    }

    [Benchmark(OperationsPerInvoke = Count)]
    public void Actors()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var parent = _system.ActorOf(Props.Create(() => new Spawner(Count, done)));
        parent.Tell("stop", null);
        done.Task.Wait();
    }

    private static async Task DrainAsync(ChannelReader<object> reader)
    {
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out _))
            {
            }
        }
    }

    /// <summary>Creates its children at start; stopping it stops them all, and PostStop runs after they are gone.</summary>
    private sealed class Spawner(int count, TaskCompletionSource done) : UntypedActor
    {
        private static readonly Props ChildProps = Props.Create<IdleActor>();

        protected override void PreStart()
        {
            for (int i = 0; i < count; i++)
            {
                Context.ActorOf(ChildProps);
            }
        }

        protected override void OnReceive(object message) => Context.Stop(Self);

        protected override void PostStop() => done.SetResult();
    }
}
