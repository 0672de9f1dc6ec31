using ActorWs.Hosting.Configuration.Hocon;

namespace ActorWs.Hosting.Configuration;

/// <summary>Implemented by configuration providers that know where each of their values was written.</summary>
/// <remarks>Implementations must be safe to read from any thread once loaded.</remarks>
public interface IHoconOriginLookup
{
    /// <summary>Finds where the value of a configuration key was written.</summary>
    /// <param name="key">A configuration key, <c>:</c>-separated (for example <c>server:port</c>); case-insensitive.</param>
    /// <param name="origin">The file and line when the key is known.</param>
    /// <returns>True when this provider has the key.</returns>
    bool TryGetOrigin(string key, out HoconOrigin origin);
}
