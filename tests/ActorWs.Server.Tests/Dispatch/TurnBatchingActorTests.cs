using Akka.Actor;
using ActorWs.Server.Dispatch;
using Xunit;

namespace ActorWs.Server.Tests.Dispatch;

/// <summary><see cref="TurnBatchingActor"/>: the batch hook once per batch of messages that were waiting together, at least every 32.</summary>
public sealed class TurnBatchingActorTests() : Akka.TestKit.Xunit2.TestKit(DispatchTesting.Config())
{
    /// <summary>What a <see cref="BatchRecorder"/> handled between two calls of its batch hook.</summary>
    internal sealed record Batch(IReadOnlyList<object> Messages);

    /// <summary>Tells <c>probe</c> each batch; blocks on <see cref="Block"/>; throws on "throw".</summary>
    internal sealed class BatchRecorder(IActorRef probe) : TurnBatchingActor
    {
        private List<object> _handled = [];

        protected override void OnReceive(object message)
        {
            _handled.Add(message);
            switch (message)
            {
                case Block block:
                    block.Run();
                    break;
                case "throw":
                    throw new InvalidOperationException("handler failed");
            }
        }

        protected override void OnBatchCompleted()
        {
            probe.Tell(new Batch(_handled));
            _handled = [];
        }
    }

    /// <summary>A parent that resumes its failing child and tells the probe about each failure.</summary>
    private sealed class ResumingParent(Props child, IActorRef probe) : UntypedActor
    {
        protected override void PreStart() => probe.Tell(Context.ActorOf(child, "child"));

        protected override void OnReceive(object message)
        {
        }

        protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(cause =>
        {
            probe.Tell("failed: " + cause.Message);
            return Directive.Resume;
        });
    }

    private IActorRef StartRecorder(string mailbox = "akka.actor.default-mailbox") =>
        Sys.ActorOf(Props.Create(() => new BatchRecorder(TestActor)).WithMailbox(mailbox));

    [Fact]
    public void A_message_that_arrives_alone_is_a_batch_of_its_own()
    {
        var actor = StartRecorder();
        actor.Tell("a");
        Assert.Equal(["a"], ExpectMsg<Batch>(DispatchTesting.Bound).Messages);
        actor.Tell("b");
        Assert.Equal(["b"], ExpectMsg<Batch>(DispatchTesting.Bound).Messages);
        ExpectNoMsg(DispatchTesting.Quiet);
    }

    [Theory]
    [InlineData("akka.actor.default-mailbox")]
    [InlineData(ActorWsDispatch.LeanMailboxPath)]
    public void Messages_that_were_waiting_together_make_one_batch(string mailbox)
    {
        using var gate = new ManualResetEventSlim();
        var actor = StartRecorder(mailbox);
        var block = new Block(gate, TestActor);
        actor.Tell(block);
        ExpectMsg("blocked", DispatchTesting.Bound);
        for (int i = 0; i < 10; i++) actor.Tell(i);
        gate.Set();

        var batch = ExpectMsg<Batch>(DispatchTesting.Bound);
        Assert.Equal([block, .. Enumerable.Range(0, 10).Cast<object>()], batch.Messages);
        ExpectNoMsg(DispatchTesting.Quiet);
    }

    [Theory]
    [InlineData("akka.actor.default-mailbox")]
    [InlineData(ActorWsDispatch.LeanMailboxPath)]
    public void A_long_backlog_is_cut_into_batches_of_at_most_MaxBatch(string mailbox)
    {
        const int queued = 100;
        using var gate = new ManualResetEventSlim();
        var actor = StartRecorder(mailbox);
        actor.Tell(new Block(gate, TestActor));
        ExpectMsg("blocked", DispatchTesting.Bound);
        for (int i = 0; i < queued; i++) actor.Tell(i);
        gate.Set();

        // The blocking message counts too: 101 messages, all waiting when the gate opened.
        var sizes = new List<int>();
        var handled = new List<object>();
        while (handled.Count < queued + 1)
        {
            var batch = ExpectMsg<Batch>(DispatchTesting.Bound);
            sizes.Add(batch.Messages.Count);
            handled.AddRange(batch.Messages);
        }

        Assert.Equal([TurnBatchingActor.MaxBatch, TurnBatchingActor.MaxBatch, TurnBatchingActor.MaxBatch, queued + 1 - 3 * TurnBatchingActor.MaxBatch], sizes);
        Assert.Equal(Enumerable.Range(0, queued).Cast<object>(), handled.Skip(1));
        ExpectNoMsg(DispatchTesting.Quiet);
    }

    [Fact]
    public void The_hook_does_not_run_after_a_handler_that_threw()
    {
        Sys.ActorOf(Props.Create(() => new ResumingParent(Props.Create(() => new BatchRecorder(TestActor)), TestActor)));
        var actor = ExpectMsg<IActorRef>(DispatchTesting.Bound);

        actor.Tell("throw");
        ExpectMsg("failed: handler failed", DispatchTesting.Bound);
        ExpectNoMsg(DispatchTesting.Quiet);

        // Resumed: the next message completes a batch (the failed message was recorded by the handler before it threw).
        actor.Tell("after");
        Assert.Equal(["throw", "after"], ExpectMsg<Batch>(DispatchTesting.Bound).Messages);
        ExpectNoMsg(DispatchTesting.Quiet);
    }

    [Fact]
    public void A_throw_in_the_middle_of_a_backlog_ends_no_batch_and_the_rest_still_completes_one()
    {
        using var gate = new ManualResetEventSlim();
        Sys.ActorOf(Props.Create(() => new ResumingParent(Props.Create(() => new BatchRecorder(TestActor)), TestActor)));
        var actor = ExpectMsg<IActorRef>(DispatchTesting.Bound);
        var block = new Block(gate, TestActor);
        actor.Tell(block);
        ExpectMsg("blocked", DispatchTesting.Bound);
        actor.Tell("a");
        actor.Tell("throw");
        actor.Tell("b");
        gate.Set();

        ExpectMsg("failed: handler failed", DispatchTesting.Bound);
        Assert.Equal([block, "a", "throw", "b"], ExpectMsg<Batch>(DispatchTesting.Bound).Messages);
        ExpectNoMsg(DispatchTesting.Quiet);
    }
}
