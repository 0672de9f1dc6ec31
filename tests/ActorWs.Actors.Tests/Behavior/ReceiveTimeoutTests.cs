namespace ActorWs.Actors.Tests.Behavior;

/// <summary>Receive timeout on the test clock.</summary>
public sealed class ReceiveTimeoutTests : ActorTestKit
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

    [Fact]
    public void ReceiveTimeout_fires_after_the_idle_period_and_again_after_each_further_one()
    {
        var actor = StartIdleWatcher();
        Time.Advance(Timeout - TimeSpan.FromMilliseconds(1));
        ExpectNoMsg();
        Time.Advance(TimeSpan.FromMilliseconds(1));
        ExpectMsg("timeout");
        Time.Advance(Timeout);
        ExpectMsg("timeout");
        GC.KeepAlive(actor);
    }

    [Fact]
    public void A_message_resets_the_idle_period()
    {
        var actor = StartIdleWatcher();
        Time.Advance(TimeSpan.FromMilliseconds(600));
        actor.Tell("ping", TestActor);
        ExpectMsg("ping");
        Time.Advance(TimeSpan.FromMilliseconds(600)); // 1.2 s since start, 0.6 s since the ping
        ExpectNoMsg();
        Time.Advance(TimeSpan.FromMilliseconds(400));
        ExpectMsg("timeout");
    }

    [Fact]
    public void NotInfluenceReceiveTimeout_messages_do_not_reset_it()
    {
        var actor = StartIdleWatcher();
        Time.Advance(TimeSpan.FromMilliseconds(600));
        actor.Tell(new Tick(), TestActor);
        ExpectMsg<Tick>();
        Time.Advance(TimeSpan.FromMilliseconds(400));
        ExpectMsg("timeout");
    }

    [Fact]
    public void Clearing_the_timeout_stops_it()
    {
        var actor = StartIdleWatcher();
        actor.Tell("clear", TestActor);
        ExpectMsg("cleared");
        Time.Advance(Timeout * 3);
        ExpectNoMsg();
    }

    private IActorRef StartIdleWatcher()
    {
        var actor = Sys.ActorOf(Props.Create(() => new IdleWatcher(TestActor)));
        actor.Tell("started?", TestActor);
        ExpectMsg("started?");
        return actor;
    }

    private sealed record Tick : INotInfluenceReceiveTimeout;

    private sealed class IdleWatcher : ReceiveActor
    {
        public IdleWatcher(IActorRef probe)
        {
            Context.SetReceiveTimeout(Timeout);
            Receive<ReceiveTimeout>(_ => probe.Tell("timeout", Self));
            Receive<string>(s => s == "clear", _ =>
            {
                Context.SetReceiveTimeout(null);
                Sender.Tell("cleared");
            });
            ReceiveAny(message => Sender.Tell(message));
        }
    }
}
