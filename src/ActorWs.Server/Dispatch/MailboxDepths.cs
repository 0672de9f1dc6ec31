using Akka.Actor;

namespace ActorWs.Server.Dispatch;

/// <summary>How deep one actor's mailbox is now, and the deepest it was since the previous report.</summary>
/// <param name="Actor">The actor.</param>
/// <param name="Queued">Messages waiting now.</param>
/// <param name="Peak">The most that waited since the previous report.</param>
public readonly record struct MailboxDepth(IActorRef Actor, int Queued, int Peak);

/// <summary>
/// The busiest <see cref="LeanMessageQueue"/> mailboxes of one actor system, for the
/// <c>actorws_actors_mailbox_depth</c> metric: an Akka.NET extension (<c>MailboxDepths.Get(system)</c>).
/// </summary>
/// <remarks>
/// Only queues that outgrew their first segment are tracked (they report themselves as they link a second one),
/// so a scrape reads a few busy actors instead of every idle one, and an actor that keeps up costs nothing here.
/// Each queue keeps its own peak (one comparison per message, under the lock it already holds), so a burst between
/// two segment links is not missed.
/// A report restarts each tracked actor's peak from its current depth and forgets the ones that drained, so the
/// figures are "since the previous scrape" (one scraper is assumed). Thread-safe.
/// </remarks>
public sealed class MailboxDepths : IExtension
{
    /// <summary>Most actors tracked at once; beyond it new ones wait until a report lets drained ones go.</summary>
    public const int MaxTracked = 256;

    private readonly Lock _gate = new();

    // Tracked queues, each with the number of times it was noticed (so a report can tell that one it is about to
    // forget grew again meanwhile).
    private readonly Dictionary<LeanMessageQueue, int> _tracked = new(ReferenceEqualityComparer.Instance);

    /// <summary>The instance of <paramref name="system"/>.</summary>
    public static MailboxDepths Get(ActorSystem system) => system.WithExtension<MailboxDepths, MailboxDepthsId>();

    /// <summary>Records that <paramref name="queue"/> linked another segment (its depth and peak are the queue's own).</summary>
    internal void Noticed(LeanMessageQueue queue)
    {
        lock (_gate)
        {
            if (_tracked.TryGetValue(queue, out int noticed))
            {
                _tracked[queue] = noticed + 1;
            }
            else if (_tracked.Count < MaxTracked)
            {
                _tracked.Add(queue, 0);
                queue.Tracked = true;
            }
        }
    }

    /// <summary>The <paramref name="count"/> deepest tracked mailboxes, deepest peak first.</summary>
    public IReadOnlyList<MailboxDepth> Report(int count)
    {
        KeyValuePair<LeanMessageQueue, int>[] tracked;
        lock (_gate) tracked = [.. _tracked];

        var depths = new List<(LeanMessageQueue Queue, int Queued, int Peak, int Noticed)>(tracked.Length);
        foreach (var (queue, noticed) in tracked)
        {
            var (queued, peak) = queue.TakePeak();
            depths.Add((queue, queued, peak, noticed));
        }

        lock (_gate)
        {
            foreach (var (queue, queued, _, noticed) in depths)
            {
                // Drained: forgotten, unless it grew again since the snapshot (then the next report sees it).
                if (queued == 0 && _tracked.TryGetValue(queue, out int now) && now == noticed)
                {
                    _tracked.Remove(queue);
                    queue.Tracked = false;
                }
            }
        }

        depths.Sort((a, b) => b.Peak != a.Peak ? b.Peak.CompareTo(a.Peak) : b.Queued.CompareTo(a.Queued));
        var busiest = new List<MailboxDepth>(Math.Min(count, depths.Count));
        foreach (var (queue, queued, peak, _) in depths)
        {
            if (busiest.Count == count) break;
            if (queue.Owner is { } owner) busiest.Add(new MailboxDepth(owner, queued, peak));
        }
        return busiest;
    }
}

/// <summary>Akka.NET's handle for <see cref="MailboxDepths"/>.</summary>
public sealed class MailboxDepthsId : ExtensionIdProvider<MailboxDepths>
{
    /// <inheritdoc />
    public override MailboxDepths CreateExtension(ExtendedActorSystem system) => new();
}
