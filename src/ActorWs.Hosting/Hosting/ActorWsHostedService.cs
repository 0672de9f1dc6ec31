using ActorWs.Server;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorWs.Hosting.Hosting;

/// <summary>
/// Runs an <see cref="ActorWsServer"/> for the lifetime of a Generic Host: starts it with the host, and on
/// host shutdown (SIGTERM, Ctrl+C, <see cref="IHostApplicationLifetime.StopApplication"/>) stops accepting,
/// closes every WebSocket with 1001, drains, and stops the actors. If the server faults, the host is stopped
/// with exit code 1 so that a supervisor restarts the service.
/// </summary>
public sealed class ActorWsHostedService : IHostedService
{
    private readonly ActorWsServer _server;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger<ActorWsHostedService> _log;

    /// <summary>Created by dependency injection.</summary>
    public ActorWsHostedService(ActorWsServer server, IHostApplicationLifetime lifetime, ILogger<ActorWsHostedService> log)
    {
        _server = server;
        _lifetime = lifetime;
        _log = log;
    }

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _server.StartAsync(cancellationToken).ConfigureAwait(false);
        _ = _server.Faulted.ContinueWith(t =>
        {
            _log.LogCritical(t.Result, "ActorWs can no longer serve; stopping the host");
            Environment.ExitCode = 1;
            _lifetime.StopApplication();
        }, CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        _ = _server.System.WhenTerminated.ContinueWith(_ =>
        {
            if (_lifetime.ApplicationStopping.IsCancellationRequested) return;
            _log.LogCritical("The actor system terminated unexpectedly; stopping the host");
            Environment.ExitCode = 1;
            _lifetime.StopApplication();
        }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => _server.StopAsync(cancellationToken);
}
