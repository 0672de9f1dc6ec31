namespace ActorWs.Actors.Tests.Behavior;

/// <summary>ReceiveAsync: no interleaving, context after await, failures.</summary>
public sealed class ReceiveAsyncTests : ActorTestKit
{
    [Fact]
    public void No_other_message_interleaves_while_an_async_handler_is_pending()
    {
        var work = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var actor = Sys.ActorOf(Props.Create(() => new AsyncWorker(TestActor, work.Task)));
        actor.Tell("work", TestActor);
        actor.Tell("other", TestActor);
        ExpectMsg("started");
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        work.SetResult();
        ExpectMsg("finished work");
        ExpectMsg("other");
    }

    [Fact]
    public void Self_and_Sender_are_available_after_await()
    {
        var work = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var actor = Sys.ActorOf(Props.Create(() => new AsyncWorker(TestActor, work.Task)));
        var requester = CreateTestProbe();
        requester.Send(actor, "work");
        ExpectMsg("started");
        work.SetResult();
        // The reply goes to the original sender, with the actor itself as sender.
        requester.ExpectMsg("finished work");
        Assert.Equal(actor, requester.LastSender);
    }

    [Fact]
    public void A_faulted_async_handler_fails_the_actor()
    {
        var work = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var supervisor = Sys.ActorOf(TestProps.Supervising(TestActor, "s", _ => Directive.Restart));
        ExpectMsg("s:PreStart");
        var actor = TestProbe.CreateChildOf(supervisor, Props.Create(() => new AsyncWorker(TestActor, work.Task)));
        actor.Tell("work", TestActor);
        ExpectMsg("started");
        work.SetException(new TestFailureException("async failure"));
        Assert.Equal("async failure", ExpectMsg<Decided>().Cause.Message);
        actor.Tell("other", TestActor);
        ExpectMsg("other");
    }

    [Fact]
    public void A_synchronously_completing_async_handler_does_not_suspend()
    {
        var actor = Sys.ActorOf(Props.Create(() => new AsyncWorker(TestActor, Task.CompletedTask)));
        actor.Tell("work", TestActor);
        actor.Tell("other", TestActor);
        ExpectMsg("started");
        ExpectMsg("finished work");
        ExpectMsg("other");
    }

    [Fact]
    public void Stopping_during_an_async_handler_abandons_it()
    {
        var work = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var actor = Sys.ActorOf(Props.Create(() => new AsyncWorker(TestActor, work.Task)));
        Watch(actor);
        actor.Tell("work", TestActor);
        ExpectMsg("started");
        Sys.Stop(actor);
        ExpectTerminated(actor);
        work.SetResult();
        ExpectNoMsg();
    }

    private sealed class AsyncWorker : ReceiveActor
    {
        public AsyncWorker(IActorRef probe, Task work)
        {
            ReceiveAsync<string>(async message =>
            {
                probe.Tell("started", Self);
                await work;
                Sender.Tell($"finished {message}");
            }, message => message == "work");
            Receive<string>(message => Sender.Tell(message));
        }
    }
}
