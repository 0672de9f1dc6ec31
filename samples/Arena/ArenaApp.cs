using ActorWs.Hosting.Configuration;
using ActorWs.Hosting.Hosting;
using ActorWs.Hosting.Settings;
using ActorWs.Samples.Arena.Rooms;
using ActorWs.Samples.Arena.Settings;
using ActorWs.Server.BuiltIn;
using ActorWs.Server.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog;

namespace ActorWs.Samples.Arena;

/// <summary>How the arena sample is put together (also used by its tests).</summary>
/// <remarks>Stateless; thread-safe.</remarks>
public static class ArenaApp
{
    /// <summary>Inputs per second one player may send: the page sends at most one per tick plus a keep-alive repeat.</summary>
    public const double InputsPerSecond = 60;

    /// <summary>
    /// Largest message the room type accepts: any valid input is far smaller (3 bytes), so below this the room
    /// itself says precisely what is wrong with a message; past it the server refuses it unread.
    /// </summary>
    public const int MaxMessageBytes = 64;

    /// <summary>Where the page's files are, next to the executable.</summary>
    public static string WebRoot => Path.Combine(AppContext.BaseDirectory, "arena-web");

    /// <summary>
    /// Builds the host: <c>arena.conf</c> &lt; <c>ACTORWS__…</c> environment variables &lt; command-line switches
    /// (<c>--port</c>, <c>--arena:tick-rate=20</c>, …); the page at <c>/</c>, the browser client at
    /// <c>/actorws.js</c>, the JSON room protocol at <c>/ws</c> with the <c>arena</c> room type.
    /// </summary>
    /// <exception cref="ConfigurationValidationException">A setting is invalid (the message names it and its source).</exception>
    public static IHost Build(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, DisableDefaults = true });
        builder.Configuration.AddHoconWithOverrides(Path.Combine(AppContext.BaseDirectory, "arena.conf"), ActorWsConfiguration.EnvironmentPrefix, args,
            new Dictionary<string, string>(ActorWsConfiguration.SwitchMappings));
        // Every command-line argument must be a switch or a setting (--prot 9000 is a mistake, not a no-op), and the
        // server and logging sections hold only their settings: all problems at once, before anything starts.
        ActorWsConfiguration.Validate(builder.Configuration, args);

        var logger = LoggingSettings.CreateLogger(LoggingSettings.Read(builder.Configuration));
        builder.Services.AddSerilog(logger, dispose: true); // Serilog's levels from logging.* decide alone

        var settings = ArenaSettings.Read(builder.Configuration);
        builder.Services.AddSingleton(settings);
        builder.Services.AddActorWs(builder.Configuration, actorws => actorws.ConfigureServer(server =>
        {
            server.MapDefaultRoutes();
            // The page at "/" (a user opening the sample expects the game, not the status page); /actorws.js,
            // /health, /ready and /metrics are not files, so the built-in endpoints still answer them.
            server.MapStaticFiles("/", WebRoot);
            server.DefineRoom(ArenaRoom.TypeName, () => new ArenaRoom(settings), room =>
            {
                room.ReconnectionWindow = settings.ReconnectionWindow;
                room.MaxMessageSize = MaxMessageBytes;
                room.MessagesPerSecond = InputsPerSecond;
                room.BytesPerSecond = InputsPerSecond * MaxMessageBytes;
            });
        }));
        // The server's settings are read now, so that a bad one stops here in one message rather than failing the host's start.
        return builder.BuildWithActorWs();
    }
}
