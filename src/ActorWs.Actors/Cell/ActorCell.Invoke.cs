using Microsoft.Extensions.Logging;

namespace ActorWs.Actors;

/// <summary>Delivery of one user message to the actor's current behaviour.</summary>
internal sealed partial class ActorCell
{
    /// <summary>The turn state of this cell, when its turn runs on this thread.</summary>
    private TurnState? OwnTurn => TurnState.CurrentOrNull is { } turn && ReferenceEquals(turn.Cell, this) ? turn : null;

    /// <summary>The message being processed, if any (null outside message processing).</summary>
    private object? CurrentMessage => OwnTurn?.Message;

    /// <summary>The envelope being processed (for the stash), with a token identifying this delivery.</summary>
    internal bool TryGetCurrentEnvelope(out Envelope envelope, out (TurnState Turn, long Sequence) delivery)
    {
        var turn = OwnTurn;
        if (turn?.Message is not { } message)
        {
            envelope = default;
            delivery = default;
            return false;
        }

        envelope = new Envelope(message, turn.Sender);
        delivery = (turn, turn.Sequence);
        return true;
    }

    private void Invoke(in Envelope envelope, TurnState turn)
    {
        var message = envelope.Message;
        turn.Message = message;
        turn.Sender = envelope.Sender;
        turn.Sequence++;

        // Activity counts from the moment the message is taken, so anything the handler causes
        // (a reply, a log line) is ordered after the reset of the idle period.
        if (_extras?.ReceiveTimeout is { } receiveTimeout
            && message is not INotInfluenceReceiveTimeout
            && message is not ActorTimerScheduler.TimerMessage { Message: INotInfluenceReceiveTimeout })
        {
            receiveTimeout.MarkActivity();
        }

        try
        {
            if (message is IAutoReceivedMessage)
            {
                AutoReceiveMessage(message);
            }
            else
            {
                ReceiveMessage(message);
            }
        }
        catch (Exception failure)
        {
            HandleInvokeFailure(failure);
        }
        finally
        {
            // An async handler keeps its own copy of message and sender for its continuations.
            turn.Message = null;
            turn.Sender = null;
        }
    }

    private void ReceiveMessage(object message)
    {
        var actor = _actor!;
        bool handled = _currentBehavior is { } behavior ? behavior(message) : actor.InvokeReceive(message);
        if (!handled)
        {
            actor.InvokeUnhandled(message);
        }
    }

    private void AutoReceiveMessage(object message)
    {
        switch (message)
        {
            case Terminated terminated:
                ReceivedTerminated(terminated);
                break;
            case PoisonPill:
                Terminate();
                break;
            case Kill:
                throw new ActorKilledException("Kill message received.");
            case Identify identify:
                Sender.Tell(new ActorIdentity(identify.MessageId, this), this);
                break;
            case ActorTimerScheduler.TimerMessage timerMessage:
                if (timerMessage.Owner.Accept(timerMessage))
                {
                    OwnTurn!.Message = timerMessage.Message;
                    ReceiveMessage(timerMessage.Message);
                }

                break;
            default:
                ReceiveMessage(message);
                break;
        }
    }

    /// <summary>Publishes <see cref="UnhandledMessage"/> and logs it at debug level.</summary>
    internal void PublishUnhandled(object message)
    {
        var sender = OwnTurn?.Sender ?? _system.DeadLetters;
        if (_system.EventStream.HasSubscribers(typeof(UnhandledMessage)))
        {
            _system.EventStream.Publish(new UnhandledMessage(message, sender, this));
        }

        var logger = GetLogger();
        if (logger.IsEnabled(LogLevel.Debug))
        {
            logger.LogDebug("Unhandled message {MessageType} from {Sender}: {Message}", message.GetType().Name, sender.Path, message);
        }
    }

    private void InvokeBatchCompleted()
    {
        if (_actor is not IWithBatchCompletion listener
            || (Volatile.Read(ref _status) & ~StatusScheduled) != 0
            || HasFlag(CellFlags.Failed | CellFlags.Terminating))
        {
            return;
        }

        try
        {
            listener.OnBatchCompleted();
        }
        catch (Exception failure)
        {
            HandleInvokeFailure(failure);
        }
    }
}
