using Akka.Actor;
using Akka.Configuration;
using ActorWs.Server.Dispatch;

namespace ActorWs.Server.Benchmarks;

/// <summary>The two mailboxes compared, as Props settings.</summary>
internal static class Mailboxes
{
    /// <summary>Akka.NET's default (an unbounded queue on <see cref="System.Collections.Concurrent.ConcurrentQueue{T}"/>).</summary>
    public const string AkkaDefault = "akka.actor.default-mailbox";

    /// <summary>ActorWs's <see cref="LeanMailbox"/>.</summary>
    public const string Lean = ActorWsDispatch.LeanMailboxPath;

    /// <summary>An actor system with the server's settings and quiet logs.</summary>
    public static ActorSystem CreateSystem(string name) =>
        ActorSystem.Create(name, ConfigurationFactory.ParseString("""
            akka.loglevel = WARNING
            akka.stdout-loglevel = WARNING
            """).WithFallback(ActorWsDispatch.DefaultConfig));
}

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

/// <summary>A message instance reused for every send, so the benchmarks measure the mailbox, not the allocator.</summary>
internal sealed class Payload
{
    public static readonly Payload Instance = new();
}

/// <summary>Starts a rally of <see cref="RoundTrips"/> with <see cref="Partner"/>, completing <see cref="Done"/> at the end.</summary>
internal sealed record Serve(IActorRef Partner, int RoundTrips, TaskCompletionSource Done);

/// <summary>The serving side of a ping-pong pair.</summary>
internal sealed class Pinger : UntypedActor
{
    private int _remaining;
    private TaskCompletionSource? _done;
    private IActorRef _partner = ActorRefs.Nobody;

    protected override void OnReceive(object message)
    {
        if (message is Serve serve)
        {
            _remaining = serve.RoundTrips;
            _done = serve.Done;
            _partner = serve.Partner;
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

/// <summary>Sends every message back.</summary>
internal sealed class Ponger : UntypedActor
{
    protected override void OnReceive(object message) => Sender.Tell(message);
}

/// <summary>The smallest actor: no state; counts how many have started.</summary>
internal sealed class IdleActor : UntypedActor
{
    private static int s_started;
    private static int s_handled;

    public static int Started => Volatile.Read(ref s_started);

    public static int Handled => Volatile.Read(ref s_handled);

    public static void Reset()
    {
        Volatile.Write(ref s_started, 0);
        Volatile.Write(ref s_handled, 0);
    }

    protected override void PreStart() => Interlocked.Increment(ref s_started);

    protected override void OnReceive(object message) => Interlocked.Increment(ref s_handled);
}
