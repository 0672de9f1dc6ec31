namespace ActorWs.Bench.Building;

/// <summary>Whether a build step produced what the benchmark needs, and what to tell the user.</summary>
/// <param name="Succeeded">True when the artefact is ready.</param>
/// <param name="Message">The artefact path on success; the reason (with compiler output) on failure.</param>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record BuildOutcome(bool Succeeded, string Message)
{
    /// <summary>A ready artefact.</summary>
    /// <param name="path">Where it is.</param>
    /// <returns>The outcome.</returns>
    public static BuildOutcome Ready(string path) => new(true, path);

    /// <summary>A failed step.</summary>
    /// <param name="reason">What went wrong.</param>
    /// <returns>The outcome.</returns>
    public static BuildOutcome Failed(string reason) => new(false, reason);
}
