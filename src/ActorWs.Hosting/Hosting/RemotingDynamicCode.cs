using System.Runtime.CompilerServices;
using Microsoft.Extensions.Configuration;

namespace ActorWs.Hosting.Hosting;

/// <summary>
/// Lets a node that talks to other nodes (<c>akka.actor.provider</c> remote or cluster) generate code at run time, which
/// the ActorWs executable otherwise does without.
/// </summary>
/// <remarks>
/// <para>
/// The executable runs without dynamic code (its project file says why: less memory at startup, and nothing on a
/// connection's path needs it). Akka.NET's remoting and cluster actors, though (the endpoint readers and writers
/// among them), are <c>ReceiveActor</c>s whose handlers Akka.NET builds as expression trees, and without
/// dynamic code .NET interprets those trees, with a reflection call, for every message one node sends another: 7 % of
/// the server core in a 3-node broadcast was under that interpreter. So a node with remoting turns dynamic code on.
/// </para>
/// <para>
/// .NET reads the switch once, the first time anything asks for it, so this runs before anything else of the host
/// (the entry point calls it straight after reading the configuration). Not thread-safe: call it once, at startup.
/// </para>
/// </remarks>
internal static class RemotingDynamicCode
{
    /// <summary>The runtime's switch (its runtimeconfig name) behind <see cref="RuntimeFeature.IsDynamicCodeSupported"/>.</summary>
    internal const string Switch = "System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported";

    /// <summary>Whether <c>akka.actor.provider</c> gives the node remoting: anything but the default <c>local</c>.</summary>
    internal static bool Needed(IConfiguration configuration)
    {
        string? provider = configuration["akka:actor:provider"];
        return !string.IsNullOrWhiteSpace(provider)
            && !string.Equals(provider, "local", StringComparison.OrdinalIgnoreCase)
            && !provider.StartsWith("Akka.Actor.LocalActorRefProvider", StringComparison.Ordinal);
    }

    /// <summary>
    /// Turns dynamic code on when <see cref="Needed"/>; false only when it is needed but stayed off (something asked
    /// for the switch before this ran), which the caller reports.
    /// </summary>
    internal static bool AllowWhenNeeded(IConfiguration configuration)
    {
        if (!Needed(configuration)) return true;
        AppContext.SetSwitch(Switch, true);
        return RuntimeFeature.IsDynamicCodeSupported;
    }
}
