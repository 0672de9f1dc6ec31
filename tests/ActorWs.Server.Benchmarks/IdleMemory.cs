using System.Diagnostics;
using System.Globalization;
using Akka.Actor;

namespace ActorWs.Server.Benchmarks;

/// <summary>
/// GC heap bytes per idle actor, for each mailbox: many <see cref="IdleActor"/>s created as children of one parent,
/// measured after a full, compacting collection, first as started (never messaged), then after each has handled one
/// message (Akka.NET's default queue keeps its buffer; the lean one gives it back).
/// </summary>
internal static class IdleMemory
{
    public const int DefaultCount = 100_000;

    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(2);

    public static int Run(int count, TextWriter output)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        output.WriteLine($"Idle memory: {count:N0} UntypedActors per mailbox, children of one parent; GC heap after a full compacting collection, (after - before) / count.");
        output.WriteLine($".NET {Environment.Version}, {Environment.ProcessorCount} CPUs, Server GC: {System.Runtime.GCSettings.IsServerGC}");
        output.WriteLine();
        var rows = new List<(string Mailbox, double Started, double AfterOneMessage)>();
        foreach (var (label, mailbox) in new[] { ("Akka.NET default (akka.actor.default-mailbox)", Mailboxes.AkkaDefault), ("lean (actorws.lean-mailbox)", Mailboxes.Lean) })
        {
            if (Measure(count, mailbox) is not { } measured)
            {
                output.WriteLine($"{label}: the actors did not start or handle their message within {Bound}");
                return 1;
            }

            rows.Add((label, measured.Started, measured.AfterOneMessage));
        }

        output.WriteLine("| mailbox | bytes per actor, started | bytes per actor, after one message each |");
        output.WriteLine("| --- | ---: | ---: |");
        foreach (var (mailbox, started, after) in rows)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {mailbox} | {started:N1} | {after:N1} |"));
        }

        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"lean - default: {rows[1].Started - rows[0].Started:N1} bytes per actor started, {rows[1].AfterOneMessage - rows[0].AfterOneMessage:N1} after one message"));
        return 0;
    }

    private static (double Started, double AfterOneMessage)? Measure(int count, string mailbox)
    {
        var system = Mailboxes.CreateSystem("idle");
        try
        {
            var childProps = Props.Create(() => new IdleActor()).WithMailbox(mailbox);

            // Warm up: JIT, the thread pool, the segment pools, a parent's children table.
            var warmParent = system.ActorOf(Props.Create(() => new Parent()));
            if (!Spawn(warmParent, 1_000, childProps) || !Poke(warmParent, 1_000)) return null;
            Stop(system, warmParent);

            var parent = system.ActorOf(Props.Create(() => new Parent()));
            long before = HeapAfterFullCollection();
            if (!Spawn(parent, count, childProps)) return null;
            long started = HeapAfterFullCollection();
            if (!Poke(parent, count)) return null;
            long afterOneMessage = HeapAfterFullCollection();
            GC.KeepAlive(parent);
            return ((started - before) / (double)count, (afterOneMessage - before) / (double)count);
        }
        finally
        {
            system.Terminate().Wait(Bound);
        }
    }

    private static bool Spawn(IActorRef parent, int count, Props childProps)
    {
        IdleActor.Reset();
        var spawned = parent.Ask<int>(new Parent.Spawn(count, childProps), Bound).Result;
        return spawned == count && WaitFor(() => IdleActor.Started == count);
    }

    private static bool Poke(IActorRef parent, int count)
    {
        parent.Tell(Parent.Poke.Instance);
        // Handled is counted inside the handler: give the mailboxes a moment to finish their turns.
        bool handled = WaitFor(() => IdleActor.Handled == count);
        Thread.Sleep(200);
        return handled;
    }

    private static void Stop(ActorSystem system, IActorRef actor) => actor.GracefulStop(Bound).Wait(Bound);

    private static bool WaitFor(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > Bound) return false;
            Thread.Sleep(10);
        }

        return true;
    }

    private static long HeapAfterFullCollection()
    {
        for (int i = 0; i < 2; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        return GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>Creates children on <see cref="Spawn"/> (answering how many it has), sends each one message on <see cref="Poke"/>.</summary>
    private sealed class Parent : UntypedActor
    {
        public sealed record Spawn(int Count, Props Props);

        public sealed class Poke
        {
            public static readonly Poke Instance = new();
        }

        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case Spawn spawn:
                    for (int i = 0; i < spawn.Count; i++) Context.ActorOf(spawn.Props);
                    Sender.Tell(spawn.Count);
                    break;
                case Poke:
                    foreach (var child in Context.GetChildren()) child.Tell(Payload.Instance);
                    break;
            }
        }
    }
}
