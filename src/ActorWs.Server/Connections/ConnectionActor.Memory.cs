using Akka.Actor;
using ActorWs.Protocol.Frames;
using ActorWs.Server.Buffers;

namespace ActorWs.Server.Connections;

/// <summary>
/// This connection's account with the server's <see cref="MemoryBudget"/>: its reassembly buffer (the frame reader asks
/// here before renting or growing it), a compressed message being inflated, and large messages waiting for the session.
/// </summary>
/// <remarks>
/// The account (<see cref="MemoryBudgetHolder"/>) is made the first time this connection holds something, so an idle or
/// small-message connection costs one null field. A refusal, or the budget telling this connection to give up because it
/// is the greediest, closes it with 1013 (try again later: the message is within the limits, the server cannot hold it
/// now) after the messages that arrived whole before are answered.
/// </remarks>
internal sealed partial class ConnectionActor : IMessageBufferBudget
{
    /// <summary>Messages handed to the session are charged from this size on (smaller ones are within the free allowance's spirit, and cost no atomic).</summary>
    private const int ChargedMessageSize = 16 * 1024;

    /// <summary>
    /// A compressed message may always inflate to this much, whatever its ratio (tiny messages compress far better than
    /// 100×); beyond it the ratio limit applies.
    /// </summary>
    internal const int InflationRatioFloor = 16 * 1024;

    private MemoryBudgetHolder? _holder;

    private MemoryBudgetHolder Holder => _holder ??= _runtime.MemoryBudget.CreateHolder(EvictionNotice(_self));

    // Static so the closure captures only the actor's ref, not the actor.
    private static Action EvictionNotice(IActorRef self) => () => self.Tell(MemoryBudgetEvicted.Instance, ActorRefs.NoSender);

    /// <summary>
    /// The reader's reassembly buffer, charged at its real length. Above the pooled size the length is exactly what is asked
    /// and is charged before the array exists; below it the shared pool rounds up, so the array is rented first and handed
    /// back at once if refused (at most 1 MiB, from the pool, for a moment).
    /// </summary>
    byte[]? IMessageBufferBudget.TryRent(int minimumLength)
    {
        var pool = LargeBufferPool.Instance;
        if (minimumLength > LargeBufferPool.PooledLimit)
            return Holder.TryCharge(minimumLength) ? pool.Rent(minimumLength) : null;
        byte[] buffer = pool.Rent(minimumLength);
        if (Holder.TryCharge(buffer.Length)) return buffer;
        pool.Return(buffer);
        return null;
    }

    void IMessageBufferBudget.Return(byte[] buffer)
    {
        LargeBufferPool.Instance.Return(buffer);
        _holder?.Refund(buffer.Length);
    }

    /// <summary>Charges the budget for a message about to be handed to the session; false (the connection is failing) when refused.</summary>
    private bool TryChargeMessage(int length) => length < ChargedMessageSize || Holder.TryCharge(length);

    /// <summary>The budget refused this connection's bytes: drop what it holds and close with 1013.</summary>
    private void RefuseForMemory()
    {
        _reader?.Abandon(WebSocketProtocolViolation.MessageCannotBeHeld);
        FailConnection(WebSocketCloseCode.TryAgainLater, WebSocketProtocolViolation.MessageCannotBeHeld.Reason(), WebSocketProtocolViolation.MessageCannotBeHeld);
    }

    /// <summary>The budget chose this connection, the greediest, to give up: its partial message goes, and the connection with it.</summary>
    private void OnMemoryBudgetEvicted()
    {
        if (_reader is null) return;
        bool closing = _closeSent || _phase != ConnectionPhase.Open;
        _reader.Abandon(WebSocketProtocolViolation.MessageCannotBeHeld);
        if (!closing) FailConnection(WebSocketCloseCode.TryAgainLater, WebSocketProtocolViolation.MessageCannotBeHeld.Reason(), WebSocketProtocolViolation.MessageCannotBeHeld);
    }

    /// <summary>As the connection stops (after the reader gave back its buffer): no longer a candidate for eviction.</summary>
    private void CloseMemoryAccount() => _holder?.Dispose();
}

/// <summary>The memory budget chose this connection to give up its partial message (it holds the most).</summary>
internal sealed class MemoryBudgetEvicted : Akka.Event.IDeadLetterSuppression
{
    public static readonly MemoryBudgetEvicted Instance = new();
}
