using System.Text;
using Akka.Actor;
using ActorWs.Protocol.Http;
using ActorWs.Server.Http;

namespace ActorWs.Server.Cluster;

/// <summary>
/// Which actor reference provider an actor system runs, found by type name: a local system must not load Akka.Cluster
/// (or Akka.Remote) only to learn that it is not clustered, so nothing here names a type of theirs.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
internal static class ClusterProvider
{
    private const string ClusterProviderType = "Akka.Cluster.ClusterActorRefProvider";
    private const string RemoteProviderType = "Akka.Remote.RemoteActorRefProvider";

    /// <summary>Whether <paramref name="system"/> runs Akka.Cluster's provider (or a subclass of it).</summary>
    public static bool IsCluster(ActorSystem system) => Derives(system, ClusterProviderType);

    /// <summary>
    /// <c>GET /cluster</c> on a system that is not clustered: 200 with <c>{"enabled":false,"provider":"local",…}</c>, so that a
    /// script or a probe polling the endpoint learns why there are no members instead of getting a 404.
    /// </summary>
    public static HttpResponse OffResponse(ActorSystem system)
    {
        string provider = Derives(system, RemoteProviderType) ? "remote"
            : system is ExtendedActorSystem extended && extended.Provider is LocalActorRefProvider ? "local"
            : system is ExtendedActorSystem other ? other.Provider.GetType().FullName ?? "unknown" : "unknown";
        var json = new StringBuilder(160)
            .Append("{\"enabled\":false,\"provider\":")
            .Append(System.Text.Json.JsonSerializer.Serialize(provider))
            .Append(",\"message\":")
            .Append(System.Text.Json.JsonSerializer.Serialize($"clustering is off: akka.actor.provider is {provider} (set it to cluster to join other nodes)"))
            .Append('}');
        return HttpResponse.Json(HttpStatus.Ok, json.ToString());
    }

    private static bool Derives(ActorSystem system, string typeName)
    {
        if (system is not ExtendedActorSystem extended) return false;
        for (var type = extended.Provider.GetType(); type is not null; type = type.BaseType)
        {
            if (type.FullName == typeName) return true;
        }
        return false;
    }
}
