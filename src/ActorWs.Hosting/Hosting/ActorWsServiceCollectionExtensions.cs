using ActorWs.Actors;
using ActorWs.Hosting.Settings;
using ActorWs.Server;
using ActorWs.Server.Rooms;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorWs.Hosting.Hosting;

/// <summary>What <see cref="ActorWsServiceCollectionExtensions.AddActorWs"/> sets up, for the application to add to.</summary>
public sealed class ActorWsBuilder
{
    internal List<Action<ActorWsServer>> ServerSetups { get; } = new();
    internal List<Action<ActorSystem, IActorRegistry, IServiceProvider>> ActorSetups { get; } = new();

    /// <summary>Maps routes, room types and HTTP endpoints on the server before it starts.</summary>
    public ActorWsBuilder ConfigureServer(Action<ActorWsServer> configure)
    {
        ServerSetups.Add(configure ?? throw new ArgumentNullException(nameof(configure)));
        return this;
    }

    /// <summary>
    /// Creates the application's own actors when the host starts (after the actor system, before the server
    /// accepts connections) and registers them for <see cref="IRequiredActor{TKey}"/>.
    /// </summary>
    public ActorWsBuilder WithActors(Action<ActorSystem, IActorRegistry, IServiceProvider> setup)
    {
        ActorSetups.Add(setup ?? throw new ArgumentNullException(nameof(setup)));
        return this;
    }
}

/// <summary>Puts an ActorWs server into a Generic Host.</summary>
public static class ActorWsServiceCollectionExtensions
{
    /// <summary>
    /// Adds the actor system, an <see cref="ActorWsServer"/> configured from the <c>server</c> section of
    /// <paramref name="configuration"/> (validated: a bad value stops the start with a message naming its file and
    /// line), the <see cref="RoomDirectory"/> and an <see cref="IActorRegistry"/> to the services, and runs them as
    /// a hosted service: started with the host, drained (1001 to every WebSocket) and stopped with it.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configuration">The configuration root (<c>builder.Configuration</c>).</param>
    /// <param name="configure">Routes, room types and actors.</param>
    public static IServiceCollection AddActorWs(this IServiceCollection services, IConfiguration configuration, Action<ActorWsBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = new ActorWsBuilder();
        configure?.Invoke(builder);
        services.AddSingleton(builder);
        services.AddSingleton<IActorRegistry, ActorRegistry>();
        services.AddSingleton(typeof(IRequiredActor<>), typeof(RequiredActor<>));
        services.AddSingleton(provider =>
        {
            var root = configuration as IConfigurationRoot ?? throw new ArgumentException("Pass the configuration root (builder.Configuration).", nameof(configuration));
            var options = ServerSettings.Read(root);
            return ActorSystem.Create("actorws", new ActorSystemSettings
            {
                LoggerFactory = provider.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance,
                ShutdownPhaseTimeouts = new Dictionary<string, TimeSpan>
                {
                    [CoordinatedShutdown.PhaseServiceRequestsDone] = options.DrainTimeout + TimeSpan.FromSeconds(5),
                },
            });
        });
        services.AddSingleton(provider =>
        {
            var root = (IConfigurationRoot)configuration;
            var server = new ActorWsServer(ServerSettings.Read(root), provider.GetRequiredService<ActorSystem>(),
                provider.GetService<ILoggerFactory>(), provider.GetService<System.Diagnostics.Metrics.IMeterFactory>());
            foreach (var setup in provider.GetRequiredService<ActorWsBuilder>().ServerSetups) setup(server);
            return server;
        });
        services.AddSingleton(provider => provider.GetRequiredService<ActorWsServer>().Rooms);
        services.AddHostedService<ActorWsHostedService>();
        return services;
    }
}
