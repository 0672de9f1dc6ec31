using System.Runtime.InteropServices;
using Akka.Actor;
using Akka.Configuration;
using ActorWs.Server;
using ActorWs.Server.BuiltIn;
using ActorWs.Server.Dispatch;
using ActorWs.Server.Options;
using Microsoft.Extensions.Logging;

namespace ActorWs.Bench.TickServer;

/// <summary>
/// The tick server mode (<c>dotnet ActorWs.Bench.dll tick-server --host H --port P</c>): an in-process
/// <see cref="ActorWsServer"/> with the default routes (<c>/ws</c>, <c>/echo</c>, <c>/rooms/{name}</c>, <c>/health</c>)
/// and the <see cref="TickBenchRoom"/> type, in an Akka.NET actor system of its own (<see cref="CreateSystem"/>),
/// run until SIGTERM or SIGINT.
/// </summary>
/// <remarks>Stateless; each call builds its own server.</remarks>
public static class TickServerHost
{
    /// <summary>Exit code: stopped on a signal.</summary>
    public const int ExitStopped = 0;

    /// <summary>Exit code: the port could not be bound, or the server faulted.</summary>
    public const int ExitFailed = 1;

    /// <summary>Exit code: bad command line.</summary>
    public const int ExitUsage = 2;

    /// <summary>The name of the tick server's actor system.</summary>
    public const string SystemName = "actorws-tick";

    /// <summary>
    /// Akka.NET's own log (dead letters, supervision) at Warning, like the server's log here: nothing per connection
    /// or per message. Akka.NET writes it to stdout, which the orchestrator keeps for its failure reports.
    /// </summary>
    private static readonly Config QuietAkkaLog = ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.stdout-loglevel = WARNING
        """);

    /// <summary>
    /// The actor system for a tick server with <paramref name="options"/>: the settings the server's actors need
    /// (<see cref="ActorWsDispatch.DefaultConfig"/>: the lean mailbox, the room dispatcher), the shutdown phase its
    /// drain needs (<see cref="ActorWsServer.ShutdownConfig"/>) and Akka.NET's log at Warning.
    /// </summary>
    /// <param name="options">The server's settings.</param>
    /// <returns>A new actor system; the caller terminates it.</returns>
    public static ActorSystem CreateSystem(ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = ActorWsServer.ShutdownConfig(options)
            .WithFallback(QuietAkkaLog)
            .WithFallback(ActorWsDispatch.DefaultConfig);
        return ActorSystem.Create(SystemName, config);
    }

    /// <summary>Builds and starts the server in an actor system of its own (the caller stops both).</summary>
    /// <param name="arguments">Where to listen and how to tick.</param>
    /// <param name="loggerFactory">Where the server logs.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The started server.</returns>
    /// <exception cref="ServerBindException">The address could not be bound.</exception>
    public static async Task<RunningTickServer> StartAsync(TickServerArguments arguments, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var options = new ServerOptions { Host = arguments.Host, Port = arguments.Port };
        var system = CreateSystem(options);
        var running = new RunningTickServer(new ActorWsServer(options, system, loggerFactory), system);
        try
        {
            running.Server.MapDefaultRoutes();
            running.Server.DefineRoom(TickBenchRoom.TypeName, () => new TickBenchRoom(arguments.Hz, arguments.PayloadBytes));
            await running.Server.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await running.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return running;
    }

    /// <summary>Runs the mode: parses the arguments, serves until SIGTERM/SIGINT, stops gracefully.</summary>
    /// <param name="args">The arguments after <see cref="TickServerArguments.Verb"/>.</param>
    /// <param name="error">Where errors and the server's warnings go (stderr).</param>
    /// <returns>One of the <c>Exit*</c> codes.</returns>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(error);
        var parsed = TickServerArguments.Parse(args);
        if (parsed.Arguments is not { } arguments)
        {
            error.WriteLine($"tick-server: {parsed.Error}");
            error.WriteLine(TickServerArguments.Usage);
            return ExitUsage;
        }

        using var logs = new StandardErrorLoggerFactory(error, LogLevel.Warning);
        var stopRequested = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnSignal(PosixSignalContext context)
        {
            // Handled here: the server drains its connections before the process exits.
            context.Cancel = true;
            stopRequested.TrySetResult();
        }

        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        RunningTickServer server;
        try
        {
            server = await StartAsync(arguments, logs, CancellationToken.None).ConfigureAwait(false);
        }
        catch (ServerBindException ex)
        {
            error.WriteLine($"tick-server: {ex.Message}");
            return ExitFailed;
        }

        await using (server.ConfigureAwait(false))
        {
            var finished = await Task.WhenAny(stopRequested.Task, server.Faulted).ConfigureAwait(false);
            if (finished != stopRequested.Task)
            {
                error.WriteLine($"tick-server: the server faulted: {await server.Faulted.ConfigureAwait(false)}");
            }

            await server.StopAsync().ConfigureAwait(false);
            return finished == stopRequested.Task ? ExitStopped : ExitFailed;
        }
    }
}
