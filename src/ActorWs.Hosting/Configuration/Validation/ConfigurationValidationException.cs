namespace ActorWs.Hosting.Configuration;

/// <summary>Thrown at start when settings are invalid; the message lists each problem on its own line.</summary>
/// <remarks>Immutable once thrown.</remarks>
public sealed class ConfigurationValidationException : Exception
{
    /// <summary>Creates the exception from the collected messages.</summary>
    /// <param name="errors">One message per invalid setting.</param>
    public ConfigurationValidationException(IReadOnlyList<string> errors)
        : base(string.Join('\n', errors))
    {
        Errors = errors.ToArray();
    }

    /// <summary>One message per invalid setting.</summary>
    public IReadOnlyList<string> Errors { get; }
}
