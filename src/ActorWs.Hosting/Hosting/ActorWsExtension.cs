using Akka.Actor;
using ActorWs.Server;

namespace ActorWs.Hosting.Hosting;

/// <summary>
/// The ActorWs server that Akka.Hosting's <see cref="ActorWsAkkaHostingExtensions.WithActorWs(Akka.Hosting.AkkaConfigurationBuilder, ActorWs.Server.Options.ServerOptions, Action{ActorWsServer}?)"/>
/// started in an actor system: an Akka.NET extension, so that code holding only the system (an actor, a service) finds it.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed class ActorWsExtension : IExtension
{
    private readonly TaskCompletionSource<ActorWsServer> _server = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The extension of <paramref name="system"/>.</summary>
    public static ActorWsExtension Get(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return system.WithExtension<ActorWsExtension, ActorWsExtensionId>();
    }

    /// <summary>The server, once created (it may still be binding).</summary>
    /// <exception cref="InvalidOperationException">No server was added to this system.</exception>
    public ActorWsServer Server => _server.Task.IsCompletedSuccessfully
        ? _server.Task.Result
        : throw new InvalidOperationException("No ActorWs server was added to this actor system (AkkaConfigurationBuilder.WithActorWs).");

    /// <summary>The server, once it has been created.</summary>
    public Task<ActorWsServer> GetServerAsync(CancellationToken cancellationToken = default) => _server.Task.WaitAsync(cancellationToken);

    internal void Set(ActorWsServer server)
    {
        if (!_server.TrySetResult(server)) throw new InvalidOperationException("This actor system already has an ActorWs server.");
    }
}

/// <summary>Akka.NET's handle for <see cref="ActorWsExtension"/>.</summary>
public sealed class ActorWsExtensionId : ExtensionIdProvider<ActorWsExtension>
{
    /// <inheritdoc />
    public override ActorWsExtension CreateExtension(ExtendedActorSystem system) => new();
}
