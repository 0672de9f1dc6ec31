namespace ActorWs.Actors;

/// <summary>The stash of one actor instance; returns messages to the front of the owner's mailbox.</summary>
/// <remarks>Not thread-safe: used only on the owning actor's turn.</remarks>
internal sealed class ActorStash(ActorCell owner) : IStash
{
    private Queue<Envelope>? _items;
    private (TurnState? Turn, long Sequence) _lastStashed;

    public int Count => _items?.Count ?? 0;

    public void Stash()
    {
        if (!owner.TryGetCurrentEnvelope(out var envelope, out var delivery))
        {
            throw new IllegalActorStateException("There is no current message to stash.");
        }

        if (ReferenceEquals(_lastStashed.Turn, delivery.Turn) && _lastStashed.Sequence == delivery.Sequence)
        {
            throw new IllegalActorStateException($"Cannot stash the same message [{envelope.Message}] twice.");
        }

        _lastStashed = delivery;
        (_items ??= new Queue<Envelope>()).Enqueue(envelope);
    }

    public void Unstash()
    {
        if (_items is { Count: > 0 } items)
        {
            owner.PrependToMailbox([items.Dequeue()]);
        }
    }

    public void UnstashAll()
    {
        if (_items is { Count: > 0 } items)
        {
            var all = items.ToArray();
            items.Clear();
            owner.PrependToMailbox(all);
        }
    }

    public void UnstashAll(Func<Envelope, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        if (_items is { Count: > 0 } items)
        {
            var selected = items.Where(predicate).ToArray();
            items.Clear();
            owner.PrependToMailbox(selected);
        }
    }

    public IReadOnlyList<Envelope> ClearStash()
    {
        if (_items is not { Count: > 0 } items)
        {
            return [];
        }

        var all = items.ToArray();
        items.Clear();
        return all;
    }

    /// <summary>On restart or stop, stashed messages go back to the mailbox (and to dead letters if it closes).</summary>
    internal void ReturnAllToMailbox() => UnstashAll();
}
