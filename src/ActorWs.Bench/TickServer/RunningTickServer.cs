using System.Net;
using Akka.Actor;
using ActorWs.Server;

namespace ActorWs.Bench.TickServer;

/// <summary>
/// A started tick server and the actor system it runs in (made by <see cref="TickServerHost.CreateSystem"/>):
/// stopping it stops the server gracefully, then terminates the system.
/// </summary>
/// <remarks>Thread-safe: <see cref="StopAsync"/> may be called more than once, from any thread.</remarks>
public sealed class RunningTickServer : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private Task? _stopping;

    internal RunningTickServer(ActorWsServer server, ActorSystem system)
    {
        Server = server;
        System = system;
    }

    /// <summary>The server.</summary>
    public ActorWsServer Server { get; }

    /// <summary>The actor system the server's actors run in.</summary>
    public ActorSystem System { get; }

    /// <summary>The bound endpoint (with the real port).</summary>
    public IPEndPoint LocalEndPoint => Server.LocalEndPoint ?? throw new InvalidOperationException("The server is not started.");

    /// <summary>Completes with the cause if the server stops being able to serve.</summary>
    public Task<Exception> Faulted => Server.Faulted;

    /// <summary>Drains and stops the server, then terminates its actor system.</summary>
    public Task StopAsync()
    {
        lock (_gate)
        {
            return _stopping ??= StopCoreAsync();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private async Task StopCoreAsync()
    {
        try
        {
            await Server.StopAsync().ConfigureAwait(false);
            await Server.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            await System.Terminate().ConfigureAwait(false);
        }
    }
}
