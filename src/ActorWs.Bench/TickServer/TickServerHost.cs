using System.Runtime.InteropServices;
using ActorWs.Server;
using ActorWs.Server.BuiltIn;
using ActorWs.Server.Options;
using Microsoft.Extensions.Logging;

namespace ActorWs.Bench.TickServer;

/// <summary>
/// The tick server mode (<c>dotnet ActorWs.Bench.dll tick-server --host H --port P</c>): an in-process
/// <see cref="ActorWsServer"/> with the default routes (<c>/ws</c>, <c>/echo</c>, <c>/rooms/{name}</c>, <c>/health</c>)
/// and the <see cref="TickBenchRoom"/> type, run until SIGTERM or SIGINT.
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

    /// <summary>Builds and starts the server (the caller stops it).</summary>
    /// <param name="arguments">Where to listen and how to tick.</param>
    /// <param name="loggerFactory">Where the server logs.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The started server.</returns>
    /// <exception cref="ServerBindException">The address could not be bound.</exception>
    public static async Task<ActorWsServer> StartAsync(TickServerArguments arguments, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var server = new ActorWsServer(new ServerOptions { Host = arguments.Host, Port = arguments.Port }, loggerFactory: loggerFactory);
        server.MapDefaultRoutes();
        server.DefineRoom(TickBenchRoom.TypeName, () => new TickBenchRoom(arguments.Hz, arguments.PayloadBytes));
        try
        {
            await server.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return server;
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
        ActorWsServer server;
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
