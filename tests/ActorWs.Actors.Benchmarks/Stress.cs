using System.Diagnostics;
using ActorWs.Actors;

namespace ActorWs.Actors.Benchmarks;

/// <summary>
/// A long soak of the mailbox hand-overs that unit tests can only sample: ping-pong pairs where
/// every message finds its recipient idle (segment install/release per message), plus bursty
/// many-to-one senders checked for loss and order. Fails loudly (exit code 1) on any lost message.
/// </summary>
internal static class Stress
{
    public static int Run(TimeSpan duration)
    {
        var system = ActorSystem.Create("stress");
        var clock = Stopwatch.StartNew();
        long roundTrips = 0;
        int rounds = 0;
        while (clock.Elapsed < duration)
        {
            const int pairs = 4;
            const int perPair = 200_000;
            var finished = new Task[pairs];
            for (int i = 0; i < pairs; i++)
            {
                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var pong = system.ActorOf(Props.Create(() => new Echo()));
                var ping = system.ActorOf(Props.Create(() => new Pinger(pong, perPair, done)));
                ping.Tell("serve", null);
                finished[i] = done.Task;
            }

            if (!Task.WaitAll(finished, TimeSpan.FromSeconds(60)))
            {
                Console.WriteLine($"FAILED: a message was lost in round {rounds} after {roundTrips:N0} round trips.");
                return 1;
            }

            roundTrips += pairs * (long)perPair;
            if (!FloodKeepsOrder(system) || !StashUnderLoadKeepsOrder(system))
            {
                return 1;
            }

            rounds++;
        }

        Console.WriteLine(
            $"OK: {roundTrips:N0} ping-pong round trips, {rounds} order-checked floods and stash-under-load runs, over {clock.Elapsed}.");
        system.Terminate().Wait(TimeSpan.FromSeconds(30));
        return 0;
    }

    /// <summary>Three senders flood one actor (deep segment chains); every sender's order must hold.</summary>
    private static bool FloodKeepsOrder(ActorSystem system)
    {
        const int senders = 3;
        const int perSender = 300_000;
        var done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var checker = system.ActorOf(Props.Create(() => new OrderChecker(senders, senders * perSender, done)));
        Parallel.For(0, senders, sender =>
        {
            for (int seq = 0; seq < perSender; seq++)
            {
                checker.Tell(new Sequenced(sender, seq), null);
            }
        });
        return Verify("flood", done.Task);
    }

    /// <summary>An actor stashes and unstashes (prepending to its mailbox) while a sender keeps appending.</summary>
    private static bool StashUnderLoadKeepsOrder(ActorSystem system)
    {
        const int messages = 300_001; // ends with a multiple of ten, which releases the last stashed one
        var done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var actor = system.ActorOf(Props.Create(() => new StashingChecker(messages, done)));
        for (int seq = 0; seq < messages; seq++)
        {
            actor.Tell(seq, null);
        }

        return Verify("stash under load", done.Task);
    }

    private static bool Verify(string scenario, Task<int> outOfOrder)
    {
        if (!outOfOrder.Wait(TimeSpan.FromSeconds(60)))
        {
            Console.WriteLine($"FAILED: {scenario}: messages were lost.");
            return false;
        }

        if (outOfOrder.Result != 0)
        {
            Console.WriteLine($"FAILED: {scenario}: {outOfOrder.Result} messages out of order.");
            return false;
        }

        return true;
    }

    private sealed record Sequenced(int Sender, int Seq);

    private sealed class OrderChecker(int senders, int expected, TaskCompletionSource<int> done) : UntypedActor
    {
        private readonly int[] _next = new int[senders];
        private int _received;
        private int _outOfOrder;

        protected override void OnReceive(object message)
        {
            var m = (Sequenced)message;
            _outOfOrder += m.Seq == _next[m.Sender] ? 0 : 1;
            _next[m.Sender] = m.Seq + 1;
            if (++_received == expected)
            {
                done.SetResult(_outOfOrder);
                Context.Stop(Self);
            }
        }
    }

    /// <summary>
    /// Stashes a message ending in 7 and unstashes it right after the next one ending in 0, so the
    /// expected processing order is 0..6, 8, 9, 10, 7, 11..16, 18, 19, 20, 17, ... Counts deviations.
    /// </summary>
    private sealed class StashingChecker(int expected, TaskCompletionSource<int> done) : UntypedActor, IWithStash
    {
        private int _nextNew;
        private int _held = -1;
        private int _expectUnstashed = -1;
        private int _processed;
        private int _outOfOrder;

        public IStash Stash { get; set; } = null!;

        protected override void OnReceive(object message)
        {
            int value = (int)message;
            if (_expectUnstashed >= 0)
            {
                _outOfOrder += value == _expectUnstashed ? 0 : 1;
                _expectUnstashed = -1;
                _held = -1;
            }
            else
            {
                _outOfOrder += value == _nextNew ? 0 : 1;
                _nextNew = value + 1;
                if (value % 10 == 7 && _held < 0)
                {
                    _held = value;
                    Stash.Stash();
                    return;
                }

                if (value % 10 == 0 && _held >= 0)
                {
                    Stash.Unstash();
                    _expectUnstashed = _held;
                }
            }

            if (++_processed == expected)
            {
                done.SetResult(_outOfOrder);
                Context.Stop(Self);
            }
        }
    }

    private sealed class Echo : UntypedActor
    {
        protected override void OnReceive(object message) => Sender.Tell(message);
    }

    private sealed class Pinger(IActorRef partner, int roundTrips, TaskCompletionSource done) : UntypedActor
    {
        private int _remaining = roundTrips;

        protected override void OnReceive(object message)
        {
            if (message is "serve" || --_remaining > 0)
            {
                partner.Tell(Payload.Instance);
            }
            else
            {
                done.SetResult();
                Context.Stop(Self);
            }
        }
    }
}
