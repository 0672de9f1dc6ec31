using ActorWs.Hosting.Configuration;
using ActorWs.Hosting.Hosting;
using ActorWs.Hosting.Settings;
using ActorWs.Samples.Chat.History;
using ActorWs.Samples.Chat.Identity;
using ActorWs.Samples.Chat.Rooms;
using ActorWs.Samples.Chat.Settings;
using ActorWs.Samples.Chat.Web;
using ActorWs.Server.BuiltIn;
using ActorWs.Server.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog;

namespace ActorWs.Samples.Chat;

/// <summary>How the chat sample's host is put together (its <c>Program.cs</c> and its tests both call it).</summary>
public static class ChatApp
{
    /// <summary>The JSON room protocol's route, served with chat rooms of <see cref="ChannelRoom.TypeName"/>.</summary>
    public const string WebSocketPath = "/ws";

    /// <summary>The folder, next to the executable, the page is served from (at <c>/</c>).</summary>
    public const string WebFolder = "chat-web";

    /// <summary>Builds the host on the system clock; <c>--port</c>, <c>--chat:…</c> and the usual overrides apply.</summary>
    /// <exception cref="ChatSettingsException">A <c>chat</c> setting is wrong.</exception>
    /// <exception cref="ConfigurationValidationException">A <c>server</c> setting is wrong (the message names it and its source).</exception>
    public static IHost Build(string[] args) => Build(args, TimeProvider.System);

    /// <summary>Builds the host, stamping messages and timing typing notices with <paramref name="time"/>.</summary>
    /// <exception cref="ChatSettingsException">A <c>chat</c> setting is wrong.</exception>
    /// <exception cref="ConfigurationValidationException">A <c>server</c> or <c>logging</c> setting is wrong (the message names it and its source).</exception>
    public static IHost Build(string[] args, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        // No host defaults: the settings come from chat.conf, ACTORWS__ variables and the command line only, and the
        // logs go through Serilog (below) rather than Microsoft's console logger.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, DisableDefaults = true });
        string config = Path.Combine(AppContext.BaseDirectory, "chat.conf");
        builder.Configuration.AddHoconWithOverrides(config, ActorWsConfiguration.EnvironmentPrefix, args, new Dictionary<string, string>(ActorWsConfiguration.SwitchMappings));
        // Every command-line argument must be a switch or a setting (--prot 9000 is a mistake, not a no-op), and the
        // server and logging sections hold only their settings: all problems at once, before anything starts.
        ActorWsConfiguration.Validate(builder.Configuration, args);

        // One line per event, as the server and the other samples log: Serilog, set by the logging section.
        var logger = LoggingSettings.CreateLogger(LoggingSettings.Read(builder.Configuration));
        builder.Services.AddSerilog(logger, dispose: true); // Serilog's levels from logging.* decide alone

        var settings = ChatSettings.Read(builder.Configuration);
        var store = new ChatHistoryStore(settings.HistoryLength, settings.MaxStoredRooms);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(store);
        builder.Services.AddActorWs(builder.Configuration, actorws => actorws.ConfigureServer(server =>
        {
            server.DefineRoom(ChannelRoom.TypeName, () => new ChannelRoom(store, settings, time), room =>
            {
                room.MaxMessageSize = settings.MaxMessageBytes;
                room.MessagesPerSecond = settings.MessagesPerSecond;
                room.BytesPerSecond = settings.BytesPerSecond;
                room.ReconnectionWindow = settings.ReconnectionWindow;
            });
            // The JSON room protocol, as the default /ws but with rooms of the chat's own type.
            var ws = server.MapRoute<JsonRoomsHandler>(WebSocketPath);
            ws.RoomType = ChannelRoom.TypeName;
            ws.Resumable = true;
            ws.Accept = ChatIdentity.Accept;
            server.MapGet(PageConfig.Path, PageConfig.Handler(settings));
            // The page at / (it takes precedence over the built-in status page); /actorws.js and /health stay built in.
            server.MapStaticFiles("/", Path.Combine(AppContext.BaseDirectory, WebFolder));
        }));
        // The server's settings are read now, so that a bad one stops here in one message rather than failing the host's start.
        return builder.BuildWithActorWs();
    }
}
