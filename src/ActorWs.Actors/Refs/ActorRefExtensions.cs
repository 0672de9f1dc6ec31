namespace ActorWs.Actors;

/// <summary>Sending with the implicit sender.</summary>
/// <remarks>Stateless; thread-safe.</remarks>
public static class ActorRefExtensions
{
    /// <summary>
    /// Sends <paramref name="message"/> with the implicit sender: inside an actor (its handler,
    /// lifecycle hooks or async continuations) that actor is the sender; anywhere else there is none.
    /// </summary>
    /// <param name="receiver">The recipient.</param>
    /// <param name="message">The message.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static void Tell(this IActorRef receiver, object message)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        receiver.Tell(message, ActorCell.Current);
    }

    /// <summary>Sends <paramref name="message"/> keeping the current message's original sender.</summary>
    /// <param name="receiver">The recipient.</param>
    /// <param name="message">The message.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="NotSupportedException">Called outside an actor.</exception>
    public static void Forward(this IActorRef receiver, object message)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        var context = ActorCell.Current
                      ?? throw new NotSupportedException("Forward is only available inside an actor.");
        receiver.Tell(message, context.Sender);
    }
}
