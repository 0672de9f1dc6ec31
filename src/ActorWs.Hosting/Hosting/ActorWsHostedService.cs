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
    private readonly ActorWsBuilder _builder;
    private readonly IActorRegistry _registry;
    private readonly IServiceProvider _services;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger<ActorWsHostedService> _log;

    /// <summary>Created by dependency injection.</summary>
    public ActorWsHostedService(ActorWsServer server, ActorWsBuilder builder, IActorRegistry registry, IServiceProvider services, IHostApplicationLifetime lifetime, ILogger<ActorWsHostedService> log)
    {
        _server = server;
        _builder = builder;
        _registry = registry;
        _services = services;
        _lifetime = lifetime;
        _log = log;
    }

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var setup in _builder.ActorSetups) setup(_server.System, _registry, _services);
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
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Drain and stop the server, then the rest of the actor system (the application's actors too).
        await _server.StopAsync(cancellationToken).ConfigureAwait(false);
        await _server.System.Terminate().ConfigureAwait(false);
    }
}
