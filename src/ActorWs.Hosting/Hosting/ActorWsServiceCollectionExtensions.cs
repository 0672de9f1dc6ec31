using System.Diagnostics.Metrics;
using Akka.Actor;
using Akka.DependencyInjection;
using Akka.Hosting;
using ActorWs.Hosting.Settings;
using ActorWs.Server;
using ActorWs.Server.Options;
using ActorWs.Server.Rooms;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ActorWs.Hosting.Hosting;

/// <summary>What <see cref="ActorWsServiceCollectionExtensions.AddActorWs"/> sets up, for the application to add to.</summary>
public sealed class ActorWsBuilder
{
    internal List<Action<ActorWsServer>> ServerSetups { get; } = new();
    internal List<Action<ActorSystem, IActorRegistry, IDependencyResolver>> ActorSetups { get; } = new();
    internal List<Action<AkkaConfigurationBuilder, IServiceProvider>> AkkaSetups { get; } = new();

    /// <summary>Maps routes, room types and HTTP endpoints on the server before it starts.</summary>
    public ActorWsBuilder ConfigureServer(Action<ActorWsServer> configure)
    {
        ServerSetups.Add(configure ?? throw new ArgumentNullException(nameof(configure)));
        return this;
    }

    /// <summary>
    /// Creates the application's own actors as the actor system starts (before the server accepts connections), with
    /// Akka.Hosting's registry, for <see cref="IRequiredActor{TKey}"/> in the application's services.
    /// </summary>
    public ActorWsBuilder WithActors(Action<ActorSystem, IActorRegistry, IDependencyResolver> setup)
    {
        ActorSetups.Add(setup ?? throw new ArgumentNullException(nameof(setup)));
        return this;
    }

    /// <summary>Anything else for the actor system, on Akka.Hosting's builder (serializers, cluster, more HOCON).</summary>
    public ActorWsBuilder ConfigureAkka(Action<AkkaConfigurationBuilder, IServiceProvider> configure)
    {
        AkkaSetups.Add(configure ?? throw new ArgumentNullException(nameof(configure)));
        return this;
    }
}

/// <summary>Puts an ActorWs server, and the Akka.NET actor system it runs in, into a Generic Host.</summary>
public static class ActorWsServiceCollectionExtensions
{
    /// <summary>The actor system's name.</summary>
    public const string ActorSystemName = "actorws";

    /// <summary>
    /// Adds the actor system (Akka.Hosting's <c>AddAkka</c>, configured by the <c>akka</c> section of
    /// <paramref name="configuration"/> and logging through the host's logger factory), an <see cref="ActorWsServer"/>
    /// configured from the <c>server</c> section (validated: a bad value stops the start with a message naming its file
    /// and line), and the <see cref="RoomDirectory"/> to the services, and runs the server as a hosted service: bound
    /// once the actor system has started, drained (1001 to every WebSocket) and stopped with the host. The server's and
    /// room manager's actors are registered for <see cref="IRequiredActor{TKey}"/> (keys <see cref="ActorWsServer"/> and
    /// <see cref="RoomDirectory"/>). The server's startup line names the configuration files read
    /// (<see cref="ActorWsConfiguration.GetConfigurationFiles"/>), or says that the built-in defaults apply. With
    /// <c>akka.actor.provider = cluster</c> the node joins the Akka.NET cluster the <c>akka</c> section describes
    /// (<see cref="ClusterSettings"/>, <see cref="ActorWsClusterHostingExtensions.WithActorWsClustering(AkkaConfigurationBuilder, ActorWsClusterOptions)"/>).
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configuration">The configuration root (<c>builder.Configuration</c>).</param>
    /// <param name="configure">Routes, room types, the application's actors.</param>
    public static IServiceCollection AddActorWs(this IServiceCollection services, IConfiguration configuration, Action<ActorWsBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var root = configuration as IConfigurationRoot ?? throw new ArgumentException("Pass the configuration root (builder.Configuration).", nameof(configuration));
        var builder = new ActorWsBuilder();
        configure?.Invoke(builder);
        services.AddSingleton(builder);
        services.AddSingleton(_ => ServerSettings.Read(root));
        services.AddAkka(ActorSystemName, (akka, provider) =>
        {
            var options = provider.GetRequiredService<ServerOptions>();
            akka.ConfigureLoggers(loggers =>
            {
                // Akka.NET's own events (dead letters, supervision, later the cluster) go to the host's loggers.
                loggers.ClearLoggers();
                loggers.AddLoggerFactory();
                if (AkkaSettings.LogLevel(root) is { } level) loggers.LogLevel = level;
            });
            akka.AddHocon(AkkaSettings.Read(root), HoconAddMode.Prepend);
            // After the akka section, so that the cluster's settings, as checked and completed (seed nodes written as
            // host:port become Akka.NET addresses), win over the same keys as written.
            if (ClusterSettings.Read(root) is { } cluster) UseCluster(akka, cluster);
            ActorWsAkkaHostingExtensions.AddActorWsSettings(akka, options);
            foreach (var setup in builder.ActorSetups) akka.WithActors(setup);
            foreach (var setup in builder.AkkaSetups) setup(akka, provider);
        });
        services.AddSingleton(provider =>
        {
            var system = provider.GetRequiredService<ActorSystem>();
            var server = new ActorWsServer(provider.GetRequiredService<ServerOptions>(), system,
                provider.GetService<ILoggerFactory>(), provider.GetService<IMeterFactory>())
            {
                // The startup line names the files the settings came from, or says that the built-in defaults apply.
                ConfigurationSource = ActorWsConfiguration.GetConfigurationFiles(root).ToString(),
            };
            foreach (var setup in builder.ServerSetups) setup(server);
            ActorWsExtension.Get(system).Set(server);
            return server;
        });
        services.AddSingleton(provider => provider.GetRequiredService<ActorWsServer>().Rooms);
        services.AddSingleton<ActorWsStartup>();
        services.AddHostedService<ActorWsHostedService>();
        return services;
    }

    /// <summary>
    /// Kept apart (and never inlined) so that a single node, which never calls it, compiles and loads nothing of
    /// Akka.Remote or Akka.Cluster.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void UseCluster(AkkaConfigurationBuilder akka, ActorWsClusterOptions cluster) => akka.WithActorWsClustering(cluster);
}
