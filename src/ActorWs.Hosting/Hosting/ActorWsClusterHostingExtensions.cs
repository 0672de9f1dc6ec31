using System.Globalization;
using Akka.Cluster.Hosting;
using Akka.Cluster.Hosting.SBR;
using Akka.Hosting;
using Akka.Remote.Hosting;

namespace ActorWs.Hosting.Hosting;

/// <summary>An ActorWs node as a member of an Akka.NET cluster, for an application that builds its actor system with Akka.Hosting.</summary>
public static class ActorWsClusterHostingExtensions
{
    /// <summary>
    /// Makes the actor system a cluster node: remoting on <see cref="ActorWsClusterOptions.HostName"/> and
    /// <see cref="ActorWsClusterOptions.Port"/> (Akka.Hosting's <c>WithRemoting</c>), membership with the seed nodes, roles
    /// and failure detector of <paramref name="options"/> and the keep-majority split-brain resolver (<c>WithClustering</c>
    /// with a <see cref="KeepMajorityOption"/>), and the resolver's timings (<c>stable-after</c>,
    /// <c>down-all-when-unstable</c>). Without seed nodes the node joins itself as the system starts, founding a cluster
    /// that others join. An ActorWs server in the system then answers <c>GET /cluster</c> with the members and adds the
    /// cluster gauges to <c>/metrics</c>. A graceful stop of the host leaves the cluster (Akka.NET's coordinated shutdown)
    /// after the server has drained.
    /// </summary>
    /// <param name="akka">The application's Akka.Hosting builder.</param>
    /// <param name="options">The node's cluster settings.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="options"/> has a problem (all of them are named).</exception>
    /// <example><code>
    /// services.AddAkka("actorws", (akka, sp) => akka
    ///     .WithActorWsClustering(new ActorWsClusterOptions { Port = 4053, SeedNodes = ["10.0.0.1:4053", "10.0.0.2:4053"] })
    ///     .WithActorWs(new ServerOptions { Port = 8080 }, server => server.MapDefaultRoutes()));
    /// </code></example>
    public static AkkaConfigurationBuilder WithActorWsClustering(this AkkaConfigurationBuilder akka, ActorWsClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(akka);
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0) throw new ArgumentException("Invalid cluster options:\n" + string.Join('\n', problems), nameof(options));
        string[] seeds = [.. options.SeedNodeAddresses()];
        string systemName = options.ActorSystemName;

        akka.WithRemoting(new RemoteOptions
        {
            HostName = options.HostName,
            Port = options.Port,
            PublicHostName = string.IsNullOrEmpty(options.PublicHostName) ? null : options.PublicHostName,
        });
        akka.WithClustering(new ClusterOptions
        {
            SeedNodes = seeds.Length == 0 ? null : seeds,
            Roles = options.Roles.Count == 0 ? null : [.. options.Roles],
            MinimumNumberOfMembers = options.MinimumMembers,
            SplitBrainResolver = new KeepMajorityOption { Role = options.SplitBrainRole },
            FailureDetector = new PhiAccrualFailureDetectorOptions
            {
                HeartbeatInterval = options.HeartbeatInterval,
                AcceptableHeartbeatPause = options.AcceptableHeartbeatPause,
                Threshold = options.FailureThreshold,
            },
        });
        // The resolver's timings have no place in Akka.Hosting's options: the same keys as HOCON, over whatever came before.
        akka.AddHocon(SplitBrainTimings(options), HoconAddMode.Prepend);
        // Akka.Remote turns SO_REUSEADDR on outside Windows, which .NET makes SO_REUSEPORT as well: a second node started on
        // the same port would then share it silently (each taking some of the connections) instead of failing to start.
        // .NET sets SO_REUSEADDR alone on every listening socket anyway, so a restarted node still binds past TIME_WAIT.
        // Appended: an application's own tcp-reuse-addr wins.
        akka.AddHocon("akka.remote.dot-netty.tcp.tcp-reuse-addr = off", HoconAddMode.Append);
        // Rooms are sharded over the cluster (the server starts their shard regions as it starts): sharding's and Distributed
        // Data's settings and serializers from the system's start, so that this node understands the Distributed Data
        // messages of nodes whose servers started before its own. Appended: the application's settings win.
        akka.AddHocon(Akka.Cluster.Sharding.ClusterSharding.DefaultConfig().WithFallback(Akka.DistributedData.DistributedData.DefaultConfig()), HoconAddMode.Append);

        akka.AddStartup((system, _) =>
        {
            if (!string.Equals(system.Name, systemName, StringComparison.Ordinal))
            {
                throw new InvalidOperationException(
                    $"The cluster options are written for an actor system named \"{systemName}\", but this one is \"{system.Name}\": seed nodes would never answer it. Set ActorWsClusterOptions.ActorSystemName.");
            }
            if (seeds.Length == 0)
            {
                // No seed nodes: this node founds the cluster. Akka.Cluster's own join, to its own address (read only now:
                // with port 0 it is known once remoting has bound).
                var cluster = Akka.Cluster.Cluster.Get(system);
                cluster.Join(cluster.SelfAddress);
            }
        });
        return akka;
    }

    /// <summary>Makes the actor system a cluster node with options set by <paramref name="configure"/> (see the other overload).</summary>
    /// <param name="akka">The application's Akka.Hosting builder.</param>
    /// <param name="configure">Sets the node's cluster settings, starting from the defaults.</param>
    /// <returns>The builder.</returns>
    public static AkkaConfigurationBuilder WithActorWsClustering(this AkkaConfigurationBuilder akka, Action<ActorWsClusterOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new ActorWsClusterOptions();
        configure(options);
        return akka.WithActorWsClustering(options);
    }

    /// <summary><c>akka.cluster.split-brain-resolver { stable-after, down-all-when-unstable }</c> from the options.</summary>
    internal static string SplitBrainTimings(ActorWsClusterOptions options)
    {
        string downAll = !options.DownAllWhenUnstable ? "off"
            : options.DownAllWhenUnstableAfter is { } after ? Milliseconds(after)
            : "on";
        return $"akka.cluster.split-brain-resolver {{\n  stable-after = {Milliseconds(options.StableAfter)}\n  down-all-when-unstable = {downAll}\n}}";
    }

    private static string Milliseconds(TimeSpan value) =>
        ((long)Math.Ceiling(value.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture) + "ms";
}
