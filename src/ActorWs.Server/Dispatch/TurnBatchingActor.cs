using Akka.Actor;

namespace ActorWs.Server.Dispatch;

/// <summary>
/// An actor that does once per batch of messages what would be wasteful per message, such as writing a socket's
/// buffered frames with one system call: <see cref="OnBatchCompleted"/> runs after a message whenever the
/// mailbox has nothing more waiting, and at least every <see cref="MaxBatch"/> messages while it keeps filling.
/// </summary>
/// <remarks>
/// <para>
/// Akka.NET runs up to the dispatcher's throughput of messages per mailbox turn but tells the actor nothing when a
/// turn ends; this hooks <see cref="ActorBase.AroundReceive"/> and looks at the mailbox instead. A message that
/// arrives while the hook runs simply makes another batch. (The other way, a self-sent "flush" message, costs a
/// message per batch and lands only after whatever else is already queued.)
/// </para>
/// <para>
/// Not called when the message handler throws (the failure goes to the supervisor; flush in <c>PostStop</c> if
/// the pending work must not be lost). Not thread-safe, like every actor: it runs on the actor's own turn.
/// </para>
/// </remarks>
public abstract class TurnBatchingActor : UntypedActor
{
    /// <summary>Most messages handled before <see cref="OnBatchCompleted"/> runs even though more are waiting.</summary>
    public const int MaxBatch = 32;

    private int _batched;

    /// <summary>The messages handled since the previous call are all there is for now (or <see cref="MaxBatch"/> of them were).</summary>
    protected abstract void OnBatchCompleted();

    /// <inheritdoc />
    protected override bool AroundReceive(Receive receive, object message)
    {
        bool handled = base.AroundReceive(receive, message);
        if (++_batched >= MaxBatch || !MailboxHasMessages())
        {
            _batched = 0;
            OnBatchCompleted();
        }
        return handled;
    }

    private static bool MailboxHasMessages() =>
        Context is ActorCell { Mailbox: { } mailbox } && mailbox.MessageQueue.HasMessages;
}
