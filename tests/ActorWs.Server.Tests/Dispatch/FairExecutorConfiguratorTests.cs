using Akka.Actor;
using Akka.Dispatch;
using ActorWs.Server.Dispatch;
using Xunit;

namespace ActorWs.Server.Tests.Dispatch;

/// <summary>
/// <see cref="FairExecutorConfigurator"/>: a dispatcher configured with it runs its actors on the thread pool, and an
/// actor on it that many others feed finds several of their messages per turn (what the room dispatcher is for).
/// </summary>
public sealed class FairExecutorConfiguratorTests() : Akka.TestKit.Xunit2.TestKit(DispatchTesting.Config("""
    fair-one-at-a-time {
      type = Dispatcher
      executor = "ActorWs.Server.Dispatch.FairExecutorConfigurator, ActorWs.Server"
      throughput = 1
    }
    """))
{
    /// <summary>Where and how it runs: (dispatcher id, thread-pool thread?).</summary>
    private sealed record RunsOn(string Dispatcher, bool ThreadPoolThread);

    /// <summary>Answers "where" with <see cref="RunsOn"/>, anything else with itself.</summary>
    private sealed class Reporter : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            if (message is "where") Sender.Tell(new RunsOn(Context.Props.Dispatcher, Thread.CurrentThread.IsThreadPoolThread));
            else Sender.Tell(message);
        }
    }

    [Fact]
    public void The_room_dispatcher_is_configured_with_it()
    {
        Assert.True(Sys.Dispatchers.HasDispatcher(ActorWsDispatch.RoomDispatcher));
        var dispatcher = Assert.IsType<Dispatcher>(Sys.Dispatchers.Lookup(ActorWsDispatch.RoomDispatcher));
        Assert.Equal(30, dispatcher.Throughput);
        Assert.Equal(
            "ActorWs.Server.Dispatch.FairExecutorConfigurator, ActorWs.Server",
            Sys.Settings.Config.GetString(ActorWsDispatch.RoomDispatcher + ".executor"));
        Assert.IsType<FairExecutorConfigurator>(
            Activator.CreateInstance(typeof(FairExecutorConfigurator), Sys.Settings.Config.GetConfig(ActorWsDispatch.RoomDispatcher), Sys.Dispatchers.Prerequisites));
    }

    [Theory]
    [InlineData(ActorWsDispatch.RoomDispatcher)]
    [InlineData("fair-one-at-a-time")]
    public void Actors_on_it_run_on_the_thread_pool_and_handle_every_message_in_order(string dispatcherId)
    {
        var actor = Sys.ActorOf(Props.Create(() => new Reporter()).WithDispatcher(dispatcherId));
        actor.Tell("where");
        Assert.Equal(new RunsOn(dispatcherId, ThreadPoolThread: true), ExpectMsg<RunsOn>(DispatchTesting.Bound));

        for (int i = 0; i < 1_000; i++) actor.Tell(i);
        for (int i = 0; i < 1_000; i++) ExpectMsg(i, DispatchTesting.Bound);
    }

    [Fact]
    public void The_executor_it_produces_runs_what_it_is_given()
    {
        var configurator = new FairExecutorConfigurator(Sys.Settings.Config.GetConfig(ActorWsDispatch.RoomDispatcher), Sys.Dispatchers.Prerequisites);
        var executor = configurator.Produce("test-executor");
        Assert.Equal("test-executor", executor.Id);
        using var ran = new CountdownEvent(100);
        for (int i = 0; i < 100; i++) executor.Execute(new SignalRunnable(ran));
        Assert.True(ran.Wait(DispatchTesting.Bound));
        executor.Shutdown(); // the shared pool stays: it still runs work afterwards
        using var after = new CountdownEvent(1);
        executor.Execute(new SignalRunnable(after));
        Assert.True(after.Wait(DispatchTesting.Bound));
    }

    [Fact]
    public void An_actor_on_the_room_dispatcher_fed_by_many_senders_handles_several_of_their_messages_per_batch()
    {
        // A room's pattern: members (on Akka.NET's default dispatcher, like the server's connections) each send one
        // message and send the next when the room has acknowledged it, as a broadcast would. Queued fairly, the room
        // runs after the members already queued and finds their messages together. (Measured on the 2-core box:
        // about 28 per batch here; the same room on a dispatcher with Akka.NET's default executor, 1.3 to 2.9.)
        // A busy shared box can steal the pool's threads at the wrong moments and break batches up, so the pattern runs
        // up to three times and the best average counts: a dispatcher that does not queue fairly never gets near it.
        const int members = 200;
        const int rounds = 100;
        double best = 0;
        string attempts = "";
        for (int attempt = 0; attempt < 3 && best < 8; attempt++)
        {
            var room = Sys.ActorOf(Props.Create(() => new AckingRoom()).WithDispatcher(ActorWsDispatch.RoomDispatcher));
            var senders = Enumerable.Range(0, members).Select(_ => Sys.ActorOf(Props.Create(() => new Member(room, rounds, TestActor)))).ToList();
            senders.ForEach(s => s.Tell("go"));
            Assert.All(ReceiveN(members, TimeSpan.FromSeconds(30)), m => Assert.Equal("done", m));

            room.Tell(AckingRoom.Stats, TestActor);
            var stats = ExpectMsg<BatchStats>(DispatchTesting.Bound);
            Assert.Equal(members * rounds, stats.Messages);
            Assert.Equal(TurnBatchingActor.MaxBatch, stats.Largest);
            double average = (double)stats.Messages / stats.Batches;
            attempts += $" {stats.Messages} messages in {stats.Batches} batches ({average:F2});";
            best = Math.Max(best, average);
            senders.ForEach(Sys.Stop);
            Sys.Stop(room);
        }

        Assert.True(best >= 5, $"best of the attempts {best:F2} per batch, expected several:{attempts}");
    }

    private sealed record BatchStats(int Messages, int Batches, int Largest);

    /// <summary>Acknowledges each batch's messages to their senders once the batch is complete; counts batch sizes.</summary>
    private sealed class AckingRoom : TurnBatchingActor
    {
        public const string Stats = "stats";

        private readonly List<IActorRef> _pending = [];
        private int _messages;
        private int _batches;
        private int _largest;

        protected override void OnReceive(object message)
        {
            if (message is Stats)
            {
                Sender.Tell(new BatchStats(_messages, _batches, _largest));
                return;
            }

            _pending.Add(Sender);
        }

        protected override void OnBatchCompleted()
        {
            if (_pending.Count == 0) return;
            _messages += _pending.Count;
            _batches++;
            _largest = Math.Max(_largest, _pending.Count);
            foreach (var member in _pending) member.Tell("ack");
            _pending.Clear();
        }
    }

    /// <summary>Sends "move" to the room on "go" and on every "ack", <c>rounds</c> times; then tells the probe "done".</summary>
    private sealed class Member(IActorRef room, int rounds, IActorRef probe) : UntypedActor
    {
        private int _left = rounds;

        protected override void OnReceive(object message)
        {
            if (_left-- > 0) room.Tell("move");
            else probe.Tell("done");
        }
    }

    private sealed class SignalRunnable(CountdownEvent done) : IRunnable
    {
        public void Run() => done.Signal();

        public void Execute() => Run();
    }
}
