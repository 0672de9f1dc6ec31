using System.Threading.Channels;
using ActorWs.Actors;

namespace ActorWs.Actors.Benchmarks;

/// <summary>
/// Bytes per idle actor: <see cref="GC.GetTotalMemory(bool)"/> before and after creating many
/// actors that have started and then received nothing, next to channels with a waiting consumer.
/// </summary>
internal static class IdleMemory
{
    public const int DefaultCount = 100_000;

    public static int Run(int count)
    {
        Console.WriteLine($"Idle memory with {count:N0} instances each (GC.GetTotalMemory(true) delta / count):");
        Report("bare Channel<object> + waiting consumer", MeasureChannels(count), count);
        Report("UntypedActor (no fields)", MeasureActors(count, Props.Create<IdleActor>(), () => IdleActor.Started, IdleActor.Reset), count);
        Report("ReceiveActor (2 handlers)", MeasureActors(count, Props.Create<IdleReceiveActor>(), () => IdleActorCounter.Started, IdleActorCounter.Reset), count);
        return 0;
    }

    private static void Report(string what, long bytes, int count)
        => Console.WriteLine($"  {what,-42} {bytes / (double)count,8:F1} bytes each");

    private static long MeasureActors(int count, Props props, Func<int> started, Action reset)
    {
        var system = ActorSystem.Create("idle");
        // Warm up the parent's children table and the thread pool before the baseline reading.
        var parent = system.ActorOf(Props.Create<IdleActor>());
        reset();
        long before = GC.GetTotalMemory(true);
        var actors = new IActorRef[count];
        for (int i = 0; i < count; i++)
        {
            actors[i] = system.ActorOf(props);
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (started() < count && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(10);
        }

        long after = GC.GetTotalMemory(true);
        GC.KeepAlive(actors);
        GC.KeepAlive(parent);
        system.Terminate().Wait(TimeSpan.FromMinutes(1));
        // The references array is part of the measurement harness, not of the actors.
        return after - before - ((long)IntPtr.Size * count);
    }

    private static long MeasureChannels(int count)
    {
        long before = GC.GetTotalMemory(true);
        var channels = new Channel<object>[count];
        var consumers = new Task[count];
        for (int i = 0; i < count; i++)
        {
            var channel = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
            channels[i] = channel;
            consumers[i] = WaitAsync(channel.Reader);
        }

        long after = GC.GetTotalMemory(true);
        foreach (var channel in channels)
        {
            channel.Writer.Complete();
        }

        Task.WaitAll(consumers);
        return after - before - (2L * IntPtr.Size * count);
    }

    private static async Task WaitAsync(ChannelReader<object> reader)
    {
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out _))
            {
            }
        }
    }
}
