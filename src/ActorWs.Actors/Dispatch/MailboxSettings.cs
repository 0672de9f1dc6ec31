namespace ActorWs.Actors;

/// <summary>What a bounded mailbox does with a message that does not fit.</summary>
public enum MailboxOverflowStrategy
{
    /// <summary>Reject the new message: it goes to dead letters.</summary>
    DropNewest,

    /// <summary>Discard the oldest queued message (it goes to dead letters) and queue the new one.</summary>
    DropOldest,

    /// <summary>
    /// Reject the new message (it goes to dead letters) and fail the receiving actor with a
    /// <see cref="MailboxOverflowException"/>, which its supervisor handles. Only the first overflow
    /// before the failure is processed raises it.
    /// </summary>
    Fail,
}

/// <summary>
/// The mailbox an actor gets, chosen per <see cref="Props"/>: unbounded (the default) or bounded
/// with an overflow policy, for queues such as a slow client's outbound messages.
/// </summary>
/// <remarks>
/// Immutable; thread-safe. Capacity counts queued messages; up to one processing batch (at most
/// the throughput setting, capped at 32) may additionally be in flight, and messages returned to the
/// mailbox by <see cref="IStash.Unstash"/> or a restart are never rejected.
/// </remarks>
public sealed record MailboxSettings
{
    private MailboxSettings(int capacity, MailboxOverflowStrategy overflowStrategy)
    {
        Capacity = capacity;
        OverflowStrategy = overflowStrategy;
    }

    /// <summary>The default unbounded mailbox.</summary>
    public static MailboxSettings Unbounded { get; } = new(0, MailboxOverflowStrategy.DropNewest);

    /// <summary>The maximum number of queued messages; 0 when unbounded.</summary>
    public int Capacity { get; }

    /// <summary>What happens when a bounded mailbox is full.</summary>
    public MailboxOverflowStrategy OverflowStrategy { get; }

    /// <summary>Whether the mailbox has a capacity.</summary>
    public bool IsBounded => Capacity > 0;

    /// <summary>Creates bounded mailbox settings.</summary>
    /// <param name="capacity">The maximum number of queued messages (at least 1).</param>
    /// <param name="overflowStrategy">What to do when full.</param>
    /// <returns>The settings.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is less than 1 or the strategy is undefined.</exception>
    public static MailboxSettings Bounded(int capacity, MailboxOverflowStrategy overflowStrategy)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        if (!Enum.IsDefined(overflowStrategy))
        {
            throw new ArgumentOutOfRangeException(nameof(overflowStrategy), overflowStrategy, "Unknown overflow strategy.");
        }

        return new MailboxSettings(capacity, overflowStrategy);
    }
}
