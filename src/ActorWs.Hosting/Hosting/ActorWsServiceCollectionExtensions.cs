using ActorWs.Hosting.Settings;
using ActorWs.Server;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorWs.Hosting.Hosting;

/// <summary>Puts an ActorWs server into a Generic Host.</summary>
public static class ActorWsServiceCollectionExtensions
{
    /// <summary>
    /// Adds an <see cref="ActorWsServer"/> configured from the <c>server</c> section of
    /// <paramref name="configuration"/> (validated: a bad value stops the start with a message naming its file
    /// and line), run as a hosted service. <paramref name="configure"/> maps routes and room types.
    /// </summary>
    public static IServiceCollection AddActorWs(this IServiceCollection services, IConfiguration configuration, Action<ActorWsServer>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton(provider =>
        {
            var root = configuration as IConfigurationRoot ?? throw new ArgumentException("Pass the configuration root (builder.Configuration).", nameof(configuration));
            var options = ServerSettings.Read(root);
            var server = new ActorWsServer(options, loggerFactory: provider.GetService<ILoggerFactory>(), meterFactory: provider.GetService<System.Diagnostics.Metrics.IMeterFactory>());
            configure?.Invoke(server);
            return server;
        });
        services.AddHostedService<ActorWsHostedService>();
        return services;
    }
}
