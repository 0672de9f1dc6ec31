using Akka.Actor;
using Akka.Hosting;
using ActorWs.Server;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorWs.Hosting.Hosting;

/// <summary>
/// How the server's start went, for the application's entry point (the executable, a sample's <c>Program</c>) to report
/// in one line and turn into an exit code after the host has run: a bind failure is not thrown out of the host's start
/// (it would come with stack traces), only logged as one line and recorded here.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed class ActorWsStartup
{
    private volatile ServerBindException? _bindFailure;

    /// <summary>Why the server could not bind its endpoint, if it could not ("port 8080 in use on 127.0.0.1").</summary>
    public ServerBindException? BindFailure => _bindFailure;

    /// <summary>
    /// Set by an entry point that reports a failed bind itself, in one line of its own after the host has run (the
    /// executable, the samples). The hosted service then logs the failure at debug only and quiets the actor system's
    /// informational shutdown lines, so that the entry point's line is all a person sees. Off by default: an
    /// application's own host gets the failure as a critical log line.
    /// </summary>
    public bool ReportedByEntryPoint { get; set; }

    internal void Failed(ServerBindException failure) => _bindFailure = failure;
}

/// <summary>
/// Runs an <see cref="ActorWsServer"/> for the lifetime of a Generic Host, after Akka.Hosting has started the actor system:
/// binds it (registering its actors for <see cref="IRequiredActor{TKey}"/>), and on host shutdown (SIGTERM, Ctrl+C,
/// <see cref="IHostApplicationLifetime.StopApplication"/>) stops accepting, closes every WebSocket with 1001, drains and
/// stops the server's actors, before Akka.Hosting runs the actor system's coordinated shutdown. If the server cannot
/// bind (logged in one line and recorded in <see cref="ActorWsStartup"/>), later faults, or the actor system ends without
/// the host stopping it, the host is stopped with exit code 1 so that a supervisor restarts the service.
/// </summary>
public sealed class ActorWsHostedService : IHostedService
{
    private readonly ActorWsServer _server;
    private readonly ActorWsStartup _startup;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger<ActorWsHostedService> _log;
    private Task _terminationWatch = Task.CompletedTask;

    /// <summary>Created by dependency injection.</summary>
    public ActorWsHostedService(ActorWsServer server, ActorWsStartup startup, IHostApplicationLifetime lifetime, ILogger<ActorWsHostedService> log)
    {
        _server = server;
        _startup = startup;
        _lifetime = lifetime;
        _log = log;
    }

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _server.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ServerBindException ex)
        {
            // Not thrown on: the host would log it with a stack trace (and Akka.Hosting print one). One log line says
            // why, without one; an entry point that writes its own one-line error wants nothing else on the console.
            if (_startup.ReportedByEntryPoint)
            {
                _log.LogDebug("ActorWs cannot start: {Reason}; stopping the host", ex.Message);
                // The coordinated shutdown that follows would say "Exiting with [ExitCode:0]" at info: misleading, and noise.
                _server.System.EventStream.SetLogLevel(Akka.Event.LogLevel.WarningLevel);
            }
            else
            {
                _log.LogCritical("ActorWs cannot start: {Reason}; stopping the host", ex.Message);
            }
            _startup.Failed(ex);
            Environment.ExitCode = 1;
            _lifetime.StopApplication();
            return;
        }
        ActorWsAkkaHostingExtensions.Register(_server, ActorRegistry.For(_server.System));
        _ = _server.Faulted.ContinueWith(t =>
        {
            _log.LogCritical(t.Result, "ActorWs can no longer serve; stopping the host");
            Environment.ExitCode = 1;
            _lifetime.StopApplication();
        }, CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        var shutdown = CoordinatedShutdown.Get(_server.System);
        _terminationWatch = _server.System.WhenTerminated.ContinueWith(_ =>
        {
            // The host's own stop ends the system with ClrExitReason (Akka.Hosting's coordinated shutdown, or the
            // process exiting). Any other end (ActorSystem.Terminate, cluster downing) is unexpected. Akka.Hosting stops
            // the host then too, with exit code 0, and may do so before this runs: so the reason decides, not whether
            // the host is already stopping.
            if (shutdown.ShutdownReason is CoordinatedShutdown.ClrExitReason) return;
            _log.LogCritical("The actor system terminated unexpectedly ({Reason}); stopping the host", shutdown.ShutdownReason?.ToString() ?? "no coordinated shutdown");
            Environment.ExitCode = 1;
            _lifetime.StopApplication();
        }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_startup.BindFailure is not null) return;
        // The host stops because the actor system ended first: the exit code is set before the host finishes stopping.
        if (_server.System.WhenTerminated.IsCompleted) await _terminationWatch.WaitAsync(cancellationToken).ConfigureAwait(false);
        // Drain and stop the server; Akka.Hosting then shuts the actor system down (the application's actors too).
        await _server.StopAsync(cancellationToken).ConfigureAwait(false);
    }
}
