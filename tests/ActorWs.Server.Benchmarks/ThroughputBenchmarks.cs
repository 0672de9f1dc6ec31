using Akka.Actor;
using BenchmarkDotNet.Attributes;

namespace ActorWs.Server.Benchmarks;

/// <summary>One sender (the benchmark thread), one actor: a million Tells into Akka.NET's default mailbox, then into the lean one.</summary>
[MemoryDiagnoser]
[MessagesPerSecondColumn]
public class OneToOneThroughputBenchmarks
{
    private const int Messages = 1_000_000;

    private ActorSystem _system = null!;
    private IActorRef _default = null!;
    private IActorRef _lean = null!;

    [GlobalSetup]
    public void Setup()
    {
        _system = Mailboxes.CreateSystem("throughput");
        _default = _system.ActorOf(Props.Create(() => new CountingActor()).WithMailbox(Mailboxes.AkkaDefault));
        _lean = _system.ActorOf(Props.Create(() => new CountingActor()).WithMailbox(Mailboxes.Lean));
    }

    [GlobalCleanup]
    public void Cleanup() => _system.Terminate().Wait(TimeSpan.FromSeconds(30));

    [Benchmark(Baseline = true, OperationsPerInvoke = Messages)]
    public void AkkaDefaultMailbox() => Run(_default);

    [Benchmark(OperationsPerInvoke = Messages)]
    public void LeanMailbox() => Run(_lean);

    private static void Run(IActorRef actor)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        actor.Tell(new ExpectCount(Messages, done), ActorRefs.NoSender);
        var payload = Payload.Instance;
        for (int i = 0; i < Messages; i++) actor.Tell(payload, ActorRefs.NoSender);
        done.Task.Wait();
    }
}

/// <summary>
/// Two actors passing one message back and forth: every message finds its recipient idle, so each one wakes a mailbox
/// (and, for the lean mailbox, takes a segment that the turn gives back).
/// </summary>
[MemoryDiagnoser]
[MessagesPerSecondColumn]
public class PingPongBenchmarks
{
    private const int RoundTrips = 100_000;

    private ActorSystem _system = null!;
    private (IActorRef Ping, IActorRef Pong) _default;
    private (IActorRef Ping, IActorRef Pong) _lean;

    [GlobalSetup]
    public void Setup()
    {
        _system = Mailboxes.CreateSystem("pingpong");
        _default = Pair(Mailboxes.AkkaDefault);
        _lean = Pair(Mailboxes.Lean);
    }

    [GlobalCleanup]
    public void Cleanup() => _system.Terminate().Wait(TimeSpan.FromSeconds(30));

    // One operation is one message: a round trip is two.
    [Benchmark(Baseline = true, OperationsPerInvoke = 2 * RoundTrips)]
    public void AkkaDefaultMailbox() => Rally(_default);

    [Benchmark(OperationsPerInvoke = 2 * RoundTrips)]
    public void LeanMailbox() => Rally(_lean);

    private (IActorRef, IActorRef) Pair(string mailbox) =>
        (_system.ActorOf(Props.Create(() => new Pinger()).WithMailbox(mailbox)),
         _system.ActorOf(Props.Create(() => new Ponger()).WithMailbox(mailbox)));

    private static void Rally((IActorRef Ping, IActorRef Pong) pair)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        pair.Ping.Tell(new Serve(pair.Pong, RoundTrips, done), ActorRefs.NoSender);
        done.Task.Wait();
    }
}
