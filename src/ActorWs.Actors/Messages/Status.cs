namespace ActorWs.Actors;

/// <summary>
/// Conventional replies that report the outcome of a request. A <see cref="Failure"/> sent as the
/// reply to an <see cref="AskExtensions.Ask{T}"/> faults the returned task with its
/// <see cref="Failure.Cause"/>.
/// </summary>
/// <remarks>Static holder of immutable message types.</remarks>
public static class Status
{
    /// <summary>The request succeeded.</summary>
    /// <param name="Value">An optional result value.</param>
    /// <remarks>Immutable; thread-safe.</remarks>
    public sealed record Success(object? Value);

    /// <summary>The request failed.</summary>
    /// <param name="Cause">Why it failed.</param>
    /// <remarks>Immutable; thread-safe.</remarks>
    public sealed record Failure(Exception Cause);
}
