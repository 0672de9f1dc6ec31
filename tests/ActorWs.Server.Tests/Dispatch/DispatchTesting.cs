using Akka.Actor;
using Akka.Configuration;
using ActorWs.Server.Dispatch;
using Xunit;

namespace ActorWs.Server.Tests.Dispatch;

/// <summary>What the Dispatch tests share: the actor system's settings, bounds on every wait, a blocking message.</summary>
internal static class DispatchTesting
{
    /// <summary>The longest any single wait in these tests may take; only reached when something is broken.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    /// <summary>How long "nothing more arrives" is watched for.</summary>
    public static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    /// <summary>The server's Akka.NET settings (lean mailbox, room dispatcher), quiet logs, plus <paramref name="extra"/> on top.</summary>
    public static Config Config(string extra = "") =>
        ConfigurationFactory.ParseString(extra)
            .WithFallback(ConfigurationFactory.ParseString("""
                akka.loglevel = WARNING
                akka.stdout-loglevel = WARNING
                """))
            .WithFallback(ActorWsDispatch.DefaultConfig);

    /// <summary>
    /// The message queue of a local actor's mailbox (a top-level actor's cell is swapped in asynchronously, so this
    /// waits for it, within <see cref="Bound"/>).
    /// </summary>
    public static Akka.Dispatch.MessageQueues.IMessageQueue QueueOf(IActorRef actor)
    {
        var withCell = Assert.IsAssignableFrom<ActorRefWithCell>(actor);
        var deadline = DateTime.UtcNow + Bound;
        ICell cell;
        while ((cell = withCell.Underlying) is not ActorCell && DateTime.UtcNow < deadline) Thread.Sleep(1);
        return Assert.IsType<ActorCell>(cell).Mailbox!.MessageQueue;
    }

    /// <summary>The <see cref="LeanMessageQueue"/> of an actor that runs on the lean mailbox.</summary>
    public static LeanMessageQueue LeanQueueOf(IActorRef actor) => Assert.IsType<LeanMessageQueue>(QueueOf(actor));
}

/// <summary>
/// Makes the receiving actor tell <see cref="Probe"/> "blocked" and then wait on <see cref="Gate"/> (at most
/// <see cref="DispatchTesting.Bound"/>), so that a test can fill its mailbox while it cannot read it.
/// </summary>
internal sealed record Block(ManualResetEventSlim Gate, IActorRef Probe)
{
    public void Run()
    {
        Probe.Tell("blocked");
        Gate.Wait(DispatchTesting.Bound);
    }
}

/// <summary>Replies to every message with the message itself; blocks on <see cref="Block"/>.</summary>
internal sealed class EchoActor : UntypedActor
{
    protected override void OnReceive(object message)
    {
        if (message is Block block) block.Run();
        else Sender.Tell(message);
    }
}
