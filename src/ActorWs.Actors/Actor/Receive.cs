namespace ActorWs.Actors;

/// <summary>A behaviour: handles <paramref name="message"/> and says whether it did.</summary>
/// <param name="message">The message.</param>
/// <returns><see langword="true"/> when handled; otherwise the message is unhandled.</returns>
public delegate bool Receive(object message);
