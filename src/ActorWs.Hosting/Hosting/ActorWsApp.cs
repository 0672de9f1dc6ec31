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
/// (0 after a graceful stop; 1 if the server faults or cannot bind; 2 for a bad configuration).
/// </summary>
public static class ActorWsApp
{
    /// <summary>Runs until SIGTERM or Ctrl+C; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args, Action<ActorWsBuilder> configure, TextWriter? errors = null)
    {
        errors ??= Console.Error;
        HostApplicationBuilder builder;
        try
        {
            builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, DisableDefaults = true });
            builder.Configuration.AddActorWsConfiguration(args);
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
        builder.Services.AddActorWs(builder.Configuration, configure);

        using var host = builder.Build();
        try
        {
            // Read and check every setting first, so a bad one is reported before anything starts.
            host.Services.GetRequiredService<ServerOptions>();
            AkkaSettings.Read(builder.Configuration);
        }
        catch (ConfigurationValidationException ex)
        {
            await errors.WriteLineAsync("ActorWs: bad configuration:\n" + ex.Message).ConfigureAwait(false);
            return 2;
        }
        // Resolved before running: RunAsync disposes the host, and its services with it.
        var startup = host.Services.GetRequiredService<ActorWsStartup>();
        await host.RunAsync().ConfigureAwait(false);
        if (startup.BindFailure is { } bindFailure)
        {
            await errors.WriteLineAsync($"ActorWs: cannot start: {bindFailure.Message} (use --port N for another port)").ConfigureAwait(false);
            return 1;
        }
        return Environment.ExitCode;
    }
}
