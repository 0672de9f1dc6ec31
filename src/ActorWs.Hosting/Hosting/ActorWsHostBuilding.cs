using ActorWs.Hosting.Settings;
using ActorWs.Server.Options;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ActorWs.Hosting.Hosting;

/// <summary>Building a host that has <see cref="ActorWsServiceCollectionExtensions.AddActorWs"/>.</summary>
public static class ActorWsHostBuilding
{
    /// <summary>
    /// Builds the host and reads the server's and the actor system's settings at once, so that a bad one stops here with
    /// one message naming it (a <see cref="Configuration.ConfigurationValidationException"/>) rather than failing the
    /// host's start with a stack trace.
    /// </summary>
    /// <exception cref="Configuration.ConfigurationValidationException">A setting is invalid; the host is disposed.</exception>
    public static IHost BuildWithActorWs(this HostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var host = builder.Build();
        try
        {
            host.Services.GetRequiredService<ServerOptions>();
            AkkaSettings.Read((IConfigurationRoot)builder.Configuration);
        }
        catch
        {
            host.Dispose();
            throw;
        }
        return host;
    }
}
