namespace ActorWs.Actors.Tests.Messaging;

/// <summary>Implicit sender, Forward and Ask.</summary>
public sealed class TellAndAskTests : ActorTestKit
{
    [Fact]
    public void Tell_inside_an_actor_uses_the_actor_as_implicit_sender()
    {
        var echo = Sys.ActorOf(Props.Create(() => new EchoActor()));
        var relay = Sys.ActorOf(Props.Create(() => new Relay(echo, TestActor)));
        relay.Tell("via relay", null);
        // The echo answered the relay (its implicit sender), which passed the reply on.
        ExpectMsg("via relay");
        Assert.Equal(echo, TestProbe.LastSender);
    }

    [Fact]
    public void Tell_outside_an_actor_has_no_sender_and_replies_become_dead_letters()
    {
        var echo = Sys.ActorOf(Props.Create(() => new EchoActor()));
        echo.Tell("no sender");
        var dead = ExpectDeadLetter(d => Equals(d.Message, "no sender"));
        Assert.Equal(Sys.DeadLetters, dead.Recipient);
        Assert.Equal(echo, dead.Sender);
    }

    [Fact]
    public void Forward_keeps_the_original_sender()
    {
        var echo = Sys.ActorOf(Props.Create(() => new EchoActor()));
        var forwarder = Sys.ActorOf(Props.Create(() => new Forwarder(echo)));
        forwarder.Tell("forwarded", TestActor);
        ExpectMsg("forwarded");
        Assert.Equal(echo, TestProbe.LastSender);
        Assert.Throws<NotSupportedException>(() => echo.Forward("outside"));
    }

    [Fact]
    public async Task Ask_completes_with_the_reply()
    {
        var echo = Sys.ActorOf(Props.Create(() => new EchoActor()));
        Assert.Equal("question", await echo.Ask<string>("question", TimeSpan.FromSeconds(5)));
        Assert.Equal(42, await echo.Ask(42));
    }

    [Fact]
    public async Task Ask_faults_with_AskTimeoutException_when_the_fake_clock_passes_the_timeout()
    {
        var silent = Sys.ActorOf(Props.Create(() => new Relay(ActorRefs.Nobody, ActorRefs.Nobody)));
        var reply = silent.Ask<string>("anyone?", TimeSpan.FromSeconds(3));
        Time.Advance(TimeSpan.FromSeconds(2));
        Assert.False(reply.IsCompleted);
        Time.Advance(TimeSpan.FromSeconds(1));
        var failure = await Assert.ThrowsAsync<AskTimeoutException>(() => reply);
        Assert.Contains(silent.Path.ToString(), failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_faults_with_the_cause_of_a_Status_Failure_reply()
    {
        var echo = Sys.ActorOf(Props.Create(() => new EchoActor()));
        var failure = new Status.Failure(new TestFailureException("refused"));
        var thrown = await Assert.ThrowsAsync<TestFailureException>(() => echo.Ask<string>(failure, TimeSpan.FromSeconds(5)));
        Assert.Equal("refused", thrown.Message);
    }

    [Fact]
    public async Task Ask_faults_with_InvalidCastException_on_a_reply_of_the_wrong_type()
    {
        var echo = Sys.ActorOf(Props.Create(() => new EchoActor()));
        await Assert.ThrowsAsync<InvalidCastException>(() => echo.Ask<string>(7, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Ask_is_cancelled_by_its_token()
    {
        var silent = Sys.ActorOf(Props.Create(() => new Relay(ActorRefs.Nobody, ActorRefs.Nobody)));
        using var cancel = new CancellationTokenSource();
        var reply = silent.Ask<string>("anyone?", null, cancel.Token);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reply);
    }

    [Fact]
    public void Ask_validates_its_arguments_and_null_messages_are_rejected()
    {
        var echo = Sys.ActorOf(Props.Create(() => new EchoActor()));
        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = echo.Ask<string>("x", TimeSpan.Zero); });
        Assert.Throws<ArgumentNullException>(() => echo.Tell(null!, null));
        Assert.Throws<ArgumentNullException>(() => { _ = echo.Ask<string>(null!, TimeSpan.FromSeconds(1)); });
    }

    [Fact]
    public void Telling_Nobody_is_silent()
    {
        ActorRefs.Nobody.Tell("into the void", TestActor);
        Assert.Equal(0, Sys.DeadLetterCount);
    }

    private sealed class Relay(IActorRef target, IActorRef probe) : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            // The implicit-sender Tell: this actor becomes the sender.
            target.Tell(message);
            if (message is string && !probe.Equals(ActorRefs.Nobody))
            {
                Context.Become(reply =>
                {
                    probe.Tell(reply, Sender);
                    return true;
                });
            }
        }
    }

    private sealed class Forwarder(IActorRef target) : UntypedActor
    {
        protected override void OnReceive(object message) => target.Forward(message);
    }
}
