using System.Text;
using System.Text.Json;
using Akka.Actor;
using ActorWs.Hosting.Configuration;
using ActorWs.Hosting.Configuration.Hocon;
using ActorWs.Hosting.Hosting;
using ActorWs.Hosting.Settings;
using ActorWs.Server.BuiltIn;
using ActorWs.Server.Options;
using ActorWs.Server.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog;

namespace ActorWs.Samples.Embedded;

/// <summary>How the sample host is put together (also used by its tests).</summary>
public static class EmbeddedApp
{
    /// <summary>Builds the host; <c>--port</c>, <c>--clock:interval</c> and the usual overrides apply.</summary>
    /// <exception cref="ConfigurationValidationException">A <c>server</c> or <c>logging</c> setting is wrong (the message names it and its source).</exception>
    public static IHost Build(string[] args) => Build(args, TimeProvider.System);

    /// <summary>Builds the host with the clock that times and stamps the clock service's announcements (tests pass a fake one).</summary>
    internal static IHost Build(string[] args, TimeProvider time)
    {
        // No host defaults: the settings come from embedded.conf, ACTORWS__ variables and the command line only (the
        // defaults' appsettings.json would bring Microsoft's "Logging" section, which the logging section below is not).
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, DisableDefaults = true });
        string config = Path.Combine(AppContext.BaseDirectory, "embedded.conf");
        builder.Configuration.AddHoconWithOverrides(config, ActorWsConfiguration.EnvironmentPrefix, args, new Dictionary<string, string>(ActorWsConfiguration.SwitchMappings));
        // Every command-line argument must be a switch or a setting (--prot 9000 is a mistake, not a no-op), and the
        // server and logging sections hold only their settings: all problems at once, before anything starts.
        ActorWsConfiguration.Validate(builder.Configuration, args);

        // The application's logs and the server's go through one Serilog logger, set by the logging section: one line per
        // event, as the server and the other samples log, instead of Microsoft's two-line console format.
        var logger = LoggingSettings.CreateLogger(LoggingSettings.Read(builder.Configuration));
        builder.Services.AddSerilog(logger, dispose: true); // Serilog's levels from logging.* decide alone

        builder.Services.AddActorWs(builder.Configuration, actorws => actorws
            .ConfigureServer(server =>
            {
                server.MapDefaultRoutes();
                server.DefineRoom<ClockRoom>(ClockRoom.TypeName);
                server.MapRoute<ClockHandler>("/clock");
                // The page that shows the clock, served on the same port as the WebSockets.
                server.MapStaticFiles("/", Path.Combine(AppContext.BaseDirectory, "embedded-web"));
            })
            // The application's own actor, in Akka.Hosting's registry: ClockService receives it as IRequiredActor<AnnouncementLog>.
            .WithActors((system, registry, _) =>
                registry.Register<AnnouncementLog>(system.ActorOf(Props.Create<AnnouncementLog>(), "announcements"))));

        string interval = builder.Configuration["clock:interval"] ?? "1s";
        builder.Services.AddSingleton(new ClockSettings(HoconDuration.Parse(interval)));
        builder.Services.AddSingleton(time);
        builder.Services.AddHostedService<ClockService>();
        // The server's settings are read now, so that a bad one stops here in one message rather than failing the host's start.
        return builder.BuildWithActorWs();
    }
}

/// <summary>The clock service's settings.</summary>
public sealed record ClockSettings(TimeSpan Interval);
