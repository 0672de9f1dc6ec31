using Akka.Actor;
using ActorWs.Hosting.Configuration;
using ActorWs.Hosting.Configuration.Hocon;
using ActorWs.Server;
using ActorWs.Server.Options;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ActorWs.Hosting.Settings;
using Serilog;

namespace ActorWs.Hosting.Hosting;

/// <summary>
/// The whole executable in one call: configuration, logging, the server as a hosted service, and exit codes
/// (0 after a graceful stop; 1 if the server faults, cannot bind, or another start step fails, such as an application's
/// <c>WithActors</c> setup; 2 for a bad configuration, Akka.NET's <c>akka</c> section included). Each failure is one line on
/// <c>errors</c>.
/// </summary>
public static class ActorWsApp
{
    /// <summary>Runs until SIGTERM or Ctrl+C; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args, Action<ActorWsBuilder> configure, TextWriter? errors = null)
    {
        errors ??= Console.Error;
        HostApplicationBuilder builder;
        bool remotingCompiled;
        try
        {
            builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, DisableDefaults = true });
            builder.Configuration.AddActorWsConfiguration(args);
            // First, before anything asks the runtime whether it may generate code (see the class).
            remotingCompiled = RemotingDynamicCode.AllowWhenNeeded(builder.Configuration);
        }
        catch (Exception ex) when (ex is HoconException or FileNotFoundException or FormatException)
        {
            await errors.WriteLineAsync("ActorWs: " + ex.Message).ConfigureAwait(false);
            return 2;
        }

        Serilog.Core.Logger logger;
        try
        {
            // Every problem at once (unknown switches and settings, bad values), before anything starts.
            ActorWsConfiguration.Validate(builder.Configuration, args);
            logger = LoggingSettings.CreateLogger(LoggingSettings.Read(builder.Configuration));
        }
        catch (ConfigurationValidationException ex)
        {
            await errors.WriteLineAsync("ActorWs: bad configuration:\n" + ex.Message).ConfigureAwait(false);
            return 2;
        }
        // Serilog's logger factory replaces Microsoft's: no providers or filters of its own, so the levels and
        // per-namespace overrides in logging.* decide alone; the host disposes (flushes) the logger on exit.
        builder.Services.AddSerilog(logger, dispose: true);
        if (!remotingCompiled)
        {
            logger.Warning("Dynamic code stayed off: messages between nodes run through interpreted handlers (slower); something asked for {Switch} before the entry point could set it", RemotingDynamicCode.Switch);
        }
        builder.Services.AddActorWs(builder.Configuration, configure);

        using var host = builder.Build();
        try
        {
            // Read and check every setting first, so a bad one is reported before anything starts.
            host.Services.GetRequiredService<ServerOptions>();
            AkkaSettings.Read(builder.Configuration);
            // The actor system is made now rather than as the host starts, so that an akka.* setting Akka.NET refuses
            // is reported as one line too (the host would log it with a stack trace and the process would abort).
            host.Services.GetRequiredService<ActorSystem>();
        }
        catch (ConfigurationValidationException ex)
        {
            await errors.WriteLineAsync("ActorWs: bad configuration:\n" + ex.Message).ConfigureAwait(false);
            return 2;
        }
        catch (Akka.Configuration.ConfigurationException ex)
        {
            await errors.WriteLineAsync("ActorWs: bad configuration:\nakka: " + ex.Message).ConfigureAwait(false);
            return 2;
        }
        catch (Exception ex) when (RemotingBindFailure(ex, builder.Configuration) is { } reason)
        {
            // A cluster node makes its remoting listen as the actor system is made: Akka.NET has logged the failure, this
            // says it in one line, as a port in use for WebSockets is said.
            await errors.WriteLineAsync($"ActorWs: cannot start: {reason} (use --cluster-port N for another port)").ConfigureAwait(false);
            return 1;
        }
        // Resolved before running: RunAsync disposes the host, and its services with it.
        var startup = host.Services.GetRequiredService<ActorWsStartup>();
        startup.ReportedByEntryPoint = true; // a port in use is this one line on errors, and nothing else
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        try
        {
            await host.RunAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A start step failed (an application's WithActors setup, a hosted service): the host has logged it in full.
            string stage = lifetime.ApplicationStarted.IsCancellationRequested ? "stopped with an error" : "cannot start";
            await errors.WriteLineAsync($"ActorWs: {stage}: {ex.GetType().Name}: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
        if (startup.BindFailure is { } bindFailure)
        {
            await errors.WriteLineAsync($"ActorWs: cannot start: {bindFailure.Message} (use --port N for another port)").ConfigureAwait(false);
            return 1;
        }
        return Environment.ExitCode;
    }

    /// <summary>
    /// "cluster port 4053 in use on 127.0.0.1" when <paramref name="failure"/> is Akka.Remote failing to bind the cluster's
    /// port (found by its socket error, deep in the aggregate the actor system's start throws), else null.
    /// </summary>
    private static string? RemotingBindFailure(Exception failure, IConfigurationRoot configuration)
    {
        var socketError = Flatten(failure).OfType<System.Net.Sockets.SocketException>().FirstOrDefault();
        if (socketError is null || !Flatten(failure).Any(e => e.GetType().FullName == "Akka.Remote.RemoteTransportException")) return null;
        var cluster = ClusterSettings.Read(configuration);
        string where = cluster is null ? "the remoting port" : $"cluster port {cluster.Port} {(socketError.SocketErrorCode == System.Net.Sockets.SocketError.AddressAlreadyInUse ? "in use" : "cannot be bound")} on {cluster.HostName}";
        return socketError.SocketErrorCode == System.Net.Sockets.SocketError.AddressAlreadyInUse ? where : $"{where} ({socketError.Message})";
    }

    private static IEnumerable<Exception> Flatten(Exception exception)
    {
        yield return exception;
        var inner = exception is AggregateException aggregate ? aggregate.InnerExceptions : exception.InnerException is { } one ? [one] : (IEnumerable<Exception>)[];
        foreach (var child in inner)
        {
            foreach (var nested in Flatten(child)) yield return nested;
        }
    }
}
