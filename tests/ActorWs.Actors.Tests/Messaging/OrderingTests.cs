namespace ActorWs.Actors.Tests.Messaging;

/// <summary>The processing guarantees: order per sender, one message at a time, visibility between messages.</summary>
public sealed class OrderingTests : ActorTestKit
{
    private const int Senders = 8;
    private const int MessagesPerSender = 20_000;

    [Fact]
    public void Messages_from_each_of_eight_concurrent_senders_arrive_in_send_order()
    {
        var checker = Sys.ActorOf(Props.Create(() => new SequenceChecker(Senders, Senders * MessagesPerSender, TestActor)));
        using var start = new Barrier(Senders);
        var threads = Enumerable.Range(0, Senders).Select(sender => new Thread(() =>
        {
            start.SignalAndWait(TimeSpan.FromSeconds(10));
            for (int seq = 0; seq < MessagesPerSender; seq++)
            {
                checker.Tell(new Sequenced(sender, seq), null);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        Assert.All(threads, t => Assert.True(t.Join(TimeSpan.FromSeconds(30))));

        var report = ExpectMsg<SequenceReport>(timeout: TimeSpan.FromSeconds(30));
        Assert.Equal(Senders * MessagesPerSender, report.Received);
        Assert.Equal(0, report.OutOfOrder);
        Assert.All(report.LastSeenBySender, last => Assert.Equal(MessagesPerSender - 1, last));
    }

    [Fact]
    public void An_actor_processes_one_message_at_a_time_and_sees_the_writes_of_the_previous_one()
    {
        const int total = 40_000;
        var counter = Sys.ActorOf(Props.Create(() => new ExclusiveCounter(total, TestActor)));
        Parallel.For(0, 4, _ =>
        {
            for (int i = 0; i < total / 4; i++)
            {
                counter.Tell("inc", null);
            }
        });

        var report = ExpectMsg<CounterReport>(timeout: TimeSpan.FromSeconds(30));
        // A plain (non-atomic) field incremented once per message reaches the exact total only if
        // no two messages ran concurrently and every message saw the previous one's write.
        Assert.Equal(total, report.Count);
        Assert.Equal(1, report.MaxConcurrency);
    }

    [Fact]
    public void A_turn_processes_at_most_throughput_messages_then_yields()
    {
        using var kit = new ActorTestKit(new TestKitSettings { SystemSettings = new ActorSystemSettings { Throughput = 5 } });
        using var gate = new ManualResetEventSlim();
        var actor = kit.Sys.ActorOf(Props.Create(() => new BatchRecorder(kit.TestActor)));
        actor.Tell(new Block(gate), null);
        kit.ExpectMsg("blocked");
        for (int i = 0; i < 20; i++)
        {
            actor.Tell(i, null);
        }

        gate.Set();
        var batches = new List<int>();
        int processed = 0;
        while (processed < 21)
        {
            int batch = kit.ExpectMsg<int>();
            batches.Add(batch);
            processed += batch;
        }

        Assert.Equal(21, processed);
        Assert.All(batches, size => Assert.InRange(size, 1, 5));
        Assert.True(batches.Count >= 5, $"expected at least 5 turns, got {batches.Count}");
    }

    [Fact]
    public void Ordering_holds_for_any_sequence_and_throughput()
    {
        var property = FsCheck.Fluent.Prop.ForAll<int[], FsCheck.PositiveInt>((values, throughput) =>
        {
            using var kit = new ActorTestKit(new TestKitSettings
            {
                SystemSettings = new ActorSystemSettings { Throughput = Math.Min(throughput.Get, 100) },
            });
            var echo = kit.Sys.ActorOf(Props.Create(() => new EchoActor()));
            foreach (int value in values)
            {
                echo.Tell(value, kit.TestActor);
            }

            var received = kit.TestProbe.ReceiveN(values.Length);
            return received.Cast<int>().SequenceEqual(values);
        });
        FsCheck.Check.One(FsCheck.Config.QuickThrowOnFailure.WithMaxTest(40), property);
    }

    private sealed record Sequenced(int Sender, int Seq);

    private sealed record SequenceReport(int Received, int OutOfOrder, int[] LastSeenBySender);

    private sealed record CounterReport(int Count, int MaxConcurrency);

    private sealed class SequenceChecker : UntypedActor
    {
        private readonly int[] _last;
        private readonly int _expected;
        private readonly IActorRef _report;
        private int _received;
        private int _outOfOrder;

        public SequenceChecker(int senders, int expected, IActorRef report)
        {
            _last = Enumerable.Repeat(-1, senders).ToArray();
            _expected = expected;
            _report = report;
        }

        protected override void OnReceive(object message)
        {
            var m = (Sequenced)message;
            if (m.Seq != _last[m.Sender] + 1)
            {
                _outOfOrder++;
            }

            _last[m.Sender] = m.Seq;
            if (++_received == _expected)
            {
                _report.Tell(new SequenceReport(_received, _outOfOrder, (int[])_last.Clone()), null);
            }
        }
    }

    private sealed class ExclusiveCounter(int expected, IActorRef report) : UntypedActor
    {
        private int _inFlight;
        private int _maxConcurrency;
        private int _count;

        protected override void OnReceive(object message)
        {
            int concurrent = Interlocked.Increment(ref _inFlight);
            _maxConcurrency = Math.Max(_maxConcurrency, concurrent);
            _count++;
            Thread.SpinWait(20);
            Interlocked.Decrement(ref _inFlight);
            if (_count == expected)
            {
                report.Tell(new CounterReport(_count, _maxConcurrency), null);
            }
        }
    }

    private sealed class BatchRecorder(IActorRef probe) : UntypedActor, IWithBatchCompletion
    {
        private int _inBatch;

        public void OnBatchCompleted()
        {
            probe.Tell(_inBatch, null);
            _inBatch = 0;
        }

        protected override void OnReceive(object message)
        {
            _inBatch++;
            if (message is Block block)
            {
                probe.Tell("blocked", null);
                block.Gate.Wait(TimeSpan.FromSeconds(10));
            }
        }
    }
}
