using Akka.Actor;
using Akka.Event;

namespace ActorWs.Server.Metrics;

/// <summary>
/// Counts the actor system's dead letters (suppressed ones included: a frame for a connection that just closed is
/// one) for the <c>actorws.actors.dead_letters</c> gauge. Subscribes to the event stream while it lives.
/// </summary>
internal sealed class DeadLetterCounter(ActorWsMetrics metrics) : UntypedActor
{
    protected override void PreStart() => Context.System.EventStream.Subscribe(Self, typeof(AllDeadLetters));

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);

    protected override void OnReceive(object message)
    {
        if (message is AllDeadLetters) metrics.DeadLetterSeen();
        else Unhandled(message);
    }
}
