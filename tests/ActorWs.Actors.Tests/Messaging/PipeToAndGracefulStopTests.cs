namespace ActorWs.Actors.Tests.Messaging;

/// <summary>PipeTo and GracefulStop.</summary>
public sealed class PipeToAndGracefulStopTests : ActorTestKit
{
    [Fact]
    public void PipeTo_delivers_the_result_or_a_Status_Failure()
    {
        var completion = new TaskCompletionSource<int>();
        _ = completion.Task.PipeTo(TestActor, TestActor);
        completion.SetResult(7);
        ExpectMsg(7);
        Assert.Equal(TestActor, TestProbe.LastSender);

        var failing = new TaskCompletionSource<int>();
        _ = failing.Task.PipeTo(TestActor, failure: e => $"failed: {e.Message}");
        failing.SetException(new TestFailureException("io error"));
        ExpectMsg("failed: io error");

        var plain = new TaskCompletionSource();
        _ = plain.Task.PipeTo(TestActor);
        plain.SetException(new TestFailureException("plain"));
        Assert.Equal("plain", ExpectMsg<Status.Failure>().Cause.Message);

        _ = Task.CompletedTask.PipeTo(TestActor, success: () => "done");
        ExpectMsg("done");
    }

    [Fact]
    public async Task GracefulStop_completes_true_after_queued_messages_and_PostStop()
    {
        var actor = Sys.ActorOf(TestProps.Reporting(TestActor, "a"));
        ExpectMsg("a:PreStart");
        actor.Tell("queued", null);
        Assert.True(await actor.GracefulStop(TimeSpan.FromSeconds(10)));
        ExpectMsg("a:queued");
        ExpectMsg("a:PostStop");
        Assert.True(await actor.GracefulStop(TimeSpan.FromSeconds(10))); // already dead
    }

    [Fact]
    public async Task GracefulStop_completes_false_when_the_actor_does_not_stop_in_time()
    {
        var stubborn = Sys.ActorOf(Props.Create(() => new EchoActor()));
        var stop = stubborn.GracefulStop(TimeSpan.FromSeconds(5), stopMessage: "not a stop message");
        ExpectDeadLetter(d => Equals(d.Message, "not a stop message")); // echoed to no sender: processed, not stopped
        Time.Advance(TimeSpan.FromSeconds(5));
        Assert.False(await stop.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
