using System.Diagnostics;

namespace ActorWs.Actors.TestKit;

/// <summary>
/// The reference behind a <see cref="TestProbe"/>: a queue of received envelopes that test code
/// waits on. It takes part in death watch like an actor: watched actors that stop arrive as
/// <see cref="Terminated"/> messages.
/// </summary>
/// <remarks>Thread-safe: actors enqueue from any thread while the test thread waits.</remarks>
internal sealed class TestProbeRef : InternalActorRef
{
    private readonly object _gate = new();
    private readonly LinkedList<Envelope> _queue = new();
    private readonly List<object>? _history;
    private readonly HashSet<InternalActorRef> _watching = [];
    private readonly ActorSystem _system;
    private readonly ActorPath _path;

    internal TestProbeRef(ActorSystem system, ActorPath path, bool keepHistory)
    {
        _system = system;
        _path = path;
        _history = keepHistory ? [] : null;
    }

    public override ActorPath Path => _path;

    internal override ActorSystem System => _system;

    internal int Count
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    internal IReadOnlyList<object> History
    {
        get
        {
            lock (_gate)
            {
                return _history is null ? [] : [.. _history];
            }
        }
    }

    public override void Tell(object message, IActorRef? sender)
    {
        ArgumentNullException.ThrowIfNull(message);
        Enqueue(new Envelope(message, sender));
    }

    internal override void SendSystemMessage(SystemMessage message)
    {
        if (message is DeathWatchNotification notification)
        {
            bool watched;
            lock (_gate)
            {
                watched = _watching.Remove(notification.Actor);
            }

            if (watched)
            {
                Enqueue(new Envelope(new Terminated(notification.Actor, notification.ExistenceConfirmed), notification.Actor));
            }
        }
    }

    internal void Watch(InternalActorRef target)
    {
        lock (_gate)
        {
            if (!_watching.Add(target))
            {
                return;
            }
        }

        target.SendSystemMessage(new WatchMessage(target, this));
    }

    internal void Unwatch(InternalActorRef target)
    {
        lock (_gate)
        {
            _watching.Remove(target);
        }

        target.SendSystemMessage(new UnwatchMessage(target, this));
    }

    /// <summary>Takes the next envelope, waiting up to <paramref name="timeout"/> of real time.</summary>
    internal bool TryReceive(TimeSpan timeout, out Envelope envelope)
    {
        var clock = Stopwatch.StartNew();
        lock (_gate)
        {
            while (_queue.Count == 0)
            {
                var remaining = timeout - clock.Elapsed;
                if (remaining <= TimeSpan.Zero)
                {
                    envelope = default;
                    return false;
                }

                Monitor.Wait(_gate, remaining);
            }

            envelope = _queue.First!.Value;
            _queue.RemoveFirst();
            return true;
        }
    }

    /// <summary>Puts an envelope back at the front (a message a <c>ReceiveWhile</c> did not take).</summary>
    internal void PushFront(Envelope envelope)
    {
        lock (_gate)
        {
            _queue.AddFirst(envelope);
            Monitor.PulseAll(_gate);
        }
    }

    private void Enqueue(Envelope envelope)
    {
        lock (_gate)
        {
            _queue.AddLast(envelope);
            _history?.Add(envelope.Message);
            Monitor.PulseAll(_gate);
        }
    }
}
