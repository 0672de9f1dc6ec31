using System.Diagnostics;
using Akka.Actor;
using Akka.Dispatch.MessageQueues;
using ActorWs.Server.Dispatch;
using Xunit;

namespace ActorWs.Server.Tests.Dispatch;

/// <summary><see cref="LeanMessageQueue"/> on its own: order, growth, the buffer it gives back, clean-up, concurrent producers.</summary>
public sealed class LeanMessageQueueTests
{
    private static Envelope Letter(object message) => new(message, ActorRefs.NoSender);

    private static List<object> DrainAll(LeanMessageQueue queue)
    {
        var drained = new List<object>();
        while (queue.TryDequeue(out var envelope)) drained.Add(envelope.Message);
        return drained;
    }

    [Fact]
    public void A_new_queue_is_empty_and_holds_no_buffer()
    {
        var queue = new LeanMessageQueue();
        Assert.False(queue.HasMessages);
        Assert.Equal(0, queue.Count);
        Assert.False(queue.HoldsBuffer);
        Assert.False(queue.TryDequeue(out var nothing));
        Assert.Null(nothing.Message);
        Assert.Null(queue.Owner);
    }

    [Fact]
    public void Messages_come_out_in_the_order_they_went_in_and_the_buffer_is_given_back_once_drained()
    {
        var queue = new LeanMessageQueue();
        for (int i = 0; i < 10; i++) queue.Enqueue(ActorRefs.Nobody, Letter(i));

        Assert.True(queue.HasMessages);
        Assert.Equal(10, queue.Count);
        Assert.True(queue.HoldsBuffer);
        for (int i = 0; i < 10; i++)
        {
            Assert.True(queue.TryDequeue(out var envelope));
            Assert.Equal(i, envelope.Message);
            Assert.Equal(9 - i, queue.Count);
            Assert.Equal(i < 9, queue.HoldsBuffer);
        }

        Assert.False(queue.HasMessages);
        Assert.False(queue.TryDequeue(out _));
    }

    [Fact]
    public void The_sender_travels_with_the_message()
    {
        var queue = new LeanMessageQueue();
        queue.Enqueue(ActorRefs.Nobody, new Envelope("hi", ActorRefs.Nobody));
        Assert.True(queue.TryDequeue(out var envelope));
        Assert.Equal("hi", envelope.Message);
        Assert.Same(ActorRefs.Nobody, envelope.Sender);
    }

    [Theory]
    [InlineData(MessageSegment.InitialCapacity)]
    [InlineData(MessageSegment.InitialCapacity + 1)]
    [InlineData(16 + 64 + 256 + 1024 + 1)]
    [InlineData(5_000)]
    public void A_queue_grows_past_its_first_segment_keeps_its_order_and_holds_nothing_once_drained(int depth)
    {
        var queue = new LeanMessageQueue();
        for (int i = 0; i < depth; i++) queue.Enqueue(ActorRefs.Nobody, Letter(i));
        Assert.Equal(depth, queue.Count);

        Assert.Equal(Enumerable.Range(0, depth).Cast<object>(), DrainAll(queue));
        Assert.Equal(0, queue.Count);
        Assert.False(queue.HoldsBuffer);

        // And it works again from empty.
        queue.Enqueue(ActorRefs.Nobody, Letter("again"));
        Assert.True(queue.HoldsBuffer);
        Assert.Equal(["again"], DrainAll(queue));
        Assert.False(queue.HoldsBuffer);
    }

    [Fact]
    public void Interleaved_enqueues_and_dequeues_across_segment_boundaries_behave_like_a_plain_queue()
    {
        // The head segment is read while the tail grows, empties and refills: compare with Queue<T> step by step.
        var random = new Random(20_26);
        var queue = new LeanMessageQueue();
        var model = new Queue<int>();
        int next = 0;
        for (int round = 0; round < 2_000; round++)
        {
            int puts = random.Next(0, round % 100 < 50 ? 40 : 200);
            for (int i = 0; i < puts; i++)
            {
                queue.Enqueue(ActorRefs.Nobody, Letter(next));
                model.Enqueue(next++);
            }

            int takes = random.Next(0, 120);
            for (int i = 0; i < takes; i++)
            {
                bool expected = model.TryDequeue(out int want);
                Assert.Equal(expected, queue.TryDequeue(out var got));
                if (expected) Assert.Equal(want, got.Message);
            }

            Assert.Equal(model.Count, queue.Count);
            Assert.Equal(model.Count > 0, queue.HasMessages);
            Assert.Equal(model.Count > 0, queue.HoldsBuffer);
        }
    }

    [Fact]
    public void CleanUp_moves_every_waiting_message_to_dead_letters_in_order_addressed_to_the_owner()
    {
        var owner = new DummyRef("owner");
        var queue = new LeanMessageQueue(owner);
        for (int i = 0; i < 40; i++) queue.Enqueue(owner, new Envelope(i, ActorRefs.Nobody));
        var deadLetters = new RecordingQueue();

        queue.CleanUp(owner, deadLetters);

        Assert.Equal(Enumerable.Range(0, 40).Cast<object>(), deadLetters.Received.Select(r => r.Envelope.Message));
        Assert.All(deadLetters.Received, r => Assert.Same(owner, r.Receiver));
        Assert.All(deadLetters.Received, r => Assert.Same(ActorRefs.Nobody, r.Envelope.Sender));
        Assert.False(queue.HasMessages);
        Assert.Equal(0, queue.Count);
        Assert.False(queue.HoldsBuffer);
        Assert.Same(owner, queue.Owner);
    }

    [Fact]
    public void CleanUp_of_an_empty_queue_sends_nothing()
    {
        var queue = new LeanMessageQueue();
        var deadLetters = new RecordingQueue();
        queue.CleanUp(ActorRefs.Nobody, deadLetters);
        Assert.Empty(deadLetters.Received);
    }

    [Fact]
    public void Many_producers_at_once_keep_each_producers_order_and_lose_nothing()
    {
        const int producers = 4;
        const int perProducer = 5_000;
        var queue = new LeanMessageQueue();
        using var start = new Barrier(producers);
        var threads = Enumerable.Range(0, producers).Select(p => new Thread(() =>
        {
            start.SignalAndWait(DispatchTesting.Bound);
            for (int i = 0; i < perProducer; i++) queue.Enqueue(ActorRefs.Nobody, Letter(new Numbered(p, i)));
        })).ToList();
        threads.ForEach(t => t.Start());
        Assert.All(threads, t => Assert.True(t.Join(DispatchTesting.Bound)));

        Assert.Equal(producers * perProducer, queue.Count);
        var next = new int[producers];
        foreach (Numbered n in DrainAll(queue).Cast<Numbered>())
        {
            Assert.Equal(next[n.Producer], n.Seq);
            next[n.Producer]++;
        }

        Assert.All(next, count => Assert.Equal(perProducer, count));
        Assert.False(queue.HoldsBuffer);
    }

    [Fact]
    public void Concurrent_bursty_producers_and_one_consumer_lose_nothing_and_keep_per_producer_order()
    {
        // Producers send in bursts and pause, so the consumer often empties the queue: the buffer is given back and
        // taken again while producers race it. Each producer stops after a time budget, so the test is short.
        const int producers = 3;
        var budget = TimeSpan.FromSeconds(1.5);
        var queue = new LeanMessageQueue();
        var produced = new int[producers];
        int finished = 0;
        // Left alone, producers on a busy box can outpace the consumer for the whole budget, so that it never empties the
        // queue: every few thousand messages the consumer holds the producers at this gate (each after its burst) until it
        // has emptied the queue once. Not disposed: a producer may still be waiting on it if an assertion ends the test.
        var gate = new ManualResetEventSlim(true);
        var threads = Enumerable.Range(0, producers).Select(p => new Thread(() =>
        {
            var random = new Random(p);
            var clock = Stopwatch.StartNew();
            int seq = 0;
            while (clock.Elapsed < budget && seq < 3_000_000)
            {
                gate.Wait(DispatchTesting.Bound);
                int burst = random.Next(1, 48);
                for (int i = 0; i < burst; i++) queue.Enqueue(ActorRefs.Nobody, Letter(new Numbered(p, seq++)));
                if (random.Next(4) == 0) Thread.Yield();
            }

            produced[p] = seq;
            Interlocked.Increment(ref finished);
        }) { IsBackground = true }).ToList();
        threads.ForEach(t => t.Start());

        var next = new int[producers];
        long received = 0;
        int outOfOrder = 0;
        int sawEmpty = 0;
        var consumerClock = Stopwatch.StartNew();
        while (true)
        {
            Assert.True(consumerClock.Elapsed < budget + DispatchTesting.Bound, "the consumer did not finish in time");
            if (queue.TryDequeue(out var envelope))
            {
                var n = (Numbered)envelope.Message;
                if (n.Seq != next[n.Producer]) outOfOrder++;
                next[n.Producer] = n.Seq + 1;
                received++;
                if (received % 5_000 == 0) gate.Reset();
            }
            else if (Volatile.Read(ref finished) == producers && !queue.HasMessages)
            {
                break;
            }
            else
            {
                sawEmpty++;
                gate.Set();
                Thread.SpinWait(20);
            }
        }

        Assert.All(threads, t => Assert.True(t.Join(DispatchTesting.Bound)));
        Assert.Equal(0, outOfOrder);
        Assert.Equal(produced, next);
        Assert.Equal(produced.Sum(p => (long)p), received);
        Assert.Equal(0, queue.Count);
        Assert.False(queue.HoldsBuffer);
        Assert.True(received > 10_000, $"only {received} messages went through: the test exercised little");
        Assert.True(sawEmpty > 0, "the consumer never caught up with the producers");
    }

    private sealed record Numbered(int Producer, int Seq);

    /// <summary>An <see cref="IMessageQueue"/> that keeps what it is given (a dead-letter queue stand-in).</summary>
    private sealed class RecordingQueue : IMessageQueue
    {
        public List<(IActorRef Receiver, Envelope Envelope)> Received { get; } = [];

        public bool HasMessages => Received.Count > 0;

        public int Count => Received.Count;

        public void Enqueue(IActorRef receiver, Envelope envelope) => Received.Add((receiver, envelope));

        public bool TryDequeue(out Envelope envelope)
        {
            envelope = default;
            return false;
        }

        public void CleanUp(IActorRef owner, IMessageQueue deadletters)
        {
        }
    }

    /// <summary>An actor reference that is only an identity.</summary>
    private sealed class DummyRef(string name) : MinimalActorRef
    {
        public override ActorPath Path { get; } = new RootActorPath(new Address("akka", "dummy")) / name;

        public override IActorRefProvider Provider => throw new NotSupportedException();
    }
}
