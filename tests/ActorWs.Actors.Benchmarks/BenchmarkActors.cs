using ActorWs.Actors;

namespace ActorWs.Actors.Benchmarks;

/// <summary>Announces how many messages to count and what to complete when they have arrived.</summary>
internal sealed record ExpectCount(int Count, TaskCompletionSource Done);

/// <summary>Counts messages and completes a task after the announced number.</summary>
internal sealed class CountingActor : UntypedActor
{
    private int _remaining;
    private TaskCompletionSource? _done;

    protected override void OnReceive(object message)
    {
        if (message is ExpectCount expect)
        {
            _remaining = expect.Count;
            _done = expect.Done;
        }
        else if (--_remaining == 0)
        {
            _done!.SetResult();
        }
    }
}

/// <summary>A message instance reused for every send, so the benchmark measures the runtime, not the allocator.</summary>
internal sealed class Payload
{
    public static readonly Payload Instance = new();
}

/// <summary>The smallest useful actor: no state, one switch.</summary>
internal sealed class IdleActor : UntypedActor
{
    private static int s_started;

    public static int Started => Volatile.Read(ref s_started);

    public static void Reset() => Volatile.Write(ref s_started, 0);

    protected override void PreStart() => Interlocked.Increment(ref s_started);

    protected override void OnReceive(object message) => Unhandled(message);
}

/// <summary>A typical ReceiveActor with two handlers registered in its constructor.</summary>
internal sealed class IdleReceiveActor : ReceiveActor
{
    private int _count;

    public IdleReceiveActor()
    {
        Receive<string>(_ => _count++);
        Receive<int>(i => _count += i);
    }

    protected override void PreStart() => IdleActorCounter.Increment();
}

internal static class IdleActorCounter
{
    private static int s_started;

    public static int Started => Volatile.Read(ref s_started);

    public static void Reset() => Volatile.Write(ref s_started, 0);

    public static void Increment() => Interlocked.Increment(ref s_started);
}
