using System.Diagnostics.Metrics;
using Akka.Hosting;
using ActorWs.Server;
using ActorWs.Server.Dispatch;
using ActorWs.Server.Options;
using ActorWs.Server.Rooms;
using Microsoft.Extensions.Logging;

namespace ActorWs.Hosting.Hosting;

/// <summary>ActorWs for an application that builds its actor system with Akka.Hosting (<c>services.AddAkka(...)</c>).</summary>
public static class ActorWsAkkaHostingExtensions
{
    /// <summary>
    /// Adds an ActorWs server to the actor system: the Akka.NET settings its actors need (the lean mailbox, the room
    /// dispatcher, the shutdown phase that drains connections), and the server itself, configured by
    /// <paramref name="configure"/> (routes, room types, HTTP endpoints), started and bound as the system starts.
    /// It drains and stops with the system's coordinated shutdown. Its actors are registered for
    /// <see cref="IRequiredActor{TKey}"/>: <c>IRequiredActor&lt;ActorWsServer&gt;</c> (the server's root actor) and
    /// <c>IRequiredActor&lt;RoomDirectory&gt;</c> (the room manager, which answers <see cref="GetRoom"/>); the server
    /// itself is <c>ActorWsExtension.Get(system).Server</c>.
    /// </summary>
    /// <param name="akka">The application's Akka.Hosting builder.</param>
    /// <param name="options">The server's settings.</param>
    /// <param name="configure">Maps routes, room types and HTTP endpoints before the server starts.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ServerBindException">(When the system starts) the endpoint could not be bound.</exception>
    /// <example><code>
    /// services.AddAkka("app", (akka, sp) => akka
    ///     .WithActorWs(new ServerOptions { Port = 8080 }, server => server.MapDefaultRoutes())
    ///     .WithActors((system, registry) => ...));
    /// </code></example>
    public static AkkaConfigurationBuilder WithActorWs(this AkkaConfigurationBuilder akka, ServerOptions options, Action<ActorWsServer>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(akka);
        ArgumentNullException.ThrowIfNull(options);
        AddActorWsSettings(akka, options);
        return akka.WithActors(async (system, registry, resolver) =>
        {
            var server = new ActorWsServer(options, system, resolver.GetService<ILoggerFactory>(), resolver.GetService<IMeterFactory>());
            configure?.Invoke(server);
            ActorWsExtension.Get(system).Set(server);
            await server.StartAsync().ConfigureAwait(false);
            Register(server, registry);
        });
    }

    /// <summary>The Akka.NET settings the server's actors rely on, as a fallback under the application's own.</summary>
    internal static AkkaConfigurationBuilder AddActorWsSettings(AkkaConfigurationBuilder akka, ServerOptions options) =>
        akka.AddHocon(ActorWsServer.ShutdownConfig(options).WithFallback(ActorWsDispatch.DefaultConfig), HoconAddMode.Append);

    /// <summary>Registers a started server's actors for <see cref="IRequiredActor{TKey}"/>.</summary>
    internal static void Register(ActorWsServer server, IActorRegistry registry)
    {
        registry.Register<ActorWsServer>(server.Actor);
        registry.Register<RoomDirectory>(server.Rooms.Manager);
    }
}
