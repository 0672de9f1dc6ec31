using Akka.Configuration;
using Akka.Hosting.Configuration;
using ActorWs.Hosting.Configuration;
using Microsoft.Extensions.Configuration;

namespace ActorWs.Hosting.Settings;

/// <summary>
/// The <c>akka { }</c> section of the configuration (hocon.conf, with <c>ACTORWS__AKKA__…</c> environment variables and
/// <c>--akka:…</c> switches over it), as the actor system's configuration.
/// </summary>
/// <remarks>
/// The file goes through our own strict HOCON reader first, so a syntax error is reported with its file and line (Akka.NET's
/// parser would accept a missing <c>}</c>); the few <c>akka.*</c> settings ActorWs sets itself are checked here the same way
/// as <c>server.*</c>, the cluster's among them (<see cref="ClusterSettings"/>). Everything else under <c>akka</c> is
/// Akka.NET's to read (and its defaults apply to what is absent).
/// </remarks>
public static class AkkaSettings
{
    /// <summary>Akka.NET's log levels, as <c>akka.loglevel</c> takes them.</summary>
    public static readonly IReadOnlyList<string> LogLevels = ["OFF", "ERROR", "WARNING", "INFO", "DEBUG"];

    /// <summary>The actor reference providers <c>akka.actor.provider</c> takes by name.</summary>
    public static readonly IReadOnlyList<string> Providers = ["local", "remote", "cluster"];

    /// <summary>
    /// Checks the <c>akka.*</c> settings ActorWs relies on and returns the section as Akka.NET configuration (empty when
    /// there is no <c>akka</c> section).
    /// </summary>
    /// <exception cref="ConfigurationValidationException">A checked setting is invalid (the message names it and where it came from).</exception>
    public static Config Read(IConfigurationRoot configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var reader = new ConfigurationSettingReader(configuration, "akka");
        Validate(reader);
        reader.ThrowIfInvalid();
        var section = configuration.GetSection("akka");
        return section.Exists() ? section.ToHocon(normalizeKeys: false) : Config.Empty;
    }

    /// <summary>The log level <c>akka.loglevel</c> names, if set (already validated by <see cref="Read"/>).</summary>
    public static Akka.Event.LogLevel? LogLevel(IConfiguration configuration) =>
        configuration["akka:loglevel"]?.ToUpperInvariant() switch
        {
            "DEBUG" => Akka.Event.LogLevel.DebugLevel,
            "INFO" => Akka.Event.LogLevel.InfoLevel,
            "WARNING" => Akka.Event.LogLevel.WarningLevel,
            "ERROR" or "OFF" => Akka.Event.LogLevel.ErrorLevel,
            _ => null,
        };

    private static void Validate(ConfigurationSettingReader r)
    {
        if (r.GetString("loglevel") is { } level && !LogLevels.Contains(level, StringComparer.OrdinalIgnoreCase))
            r.Fail("loglevel", "one of " + string.Join(", ", LogLevels));
        if (r.GetString("stdout-loglevel") is { } stdout && !LogLevels.Contains(stdout, StringComparer.OrdinalIgnoreCase))
            r.Fail("stdout-loglevel", "one of " + string.Join(", ", LogLevels));
        // Akka.NET refuses a tick below 10 ms (with a stack trace, and without naming where the value came from).
        r.GetDuration("scheduler:tick-duration", TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(10));
        if (r.GetString("actor:provider") is { } provider && !Providers.Contains(provider, StringComparer.OrdinalIgnoreCase) && !provider.Contains(','))
            r.Fail("actor:provider", "local, remote, cluster or an assembly-qualified type name");
        r.GetDuration("coordinated-shutdown:phases:service-requests-done:timeout", TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1), TimeSpan.FromSeconds(5));
        ClusterSettings.Apply(r); // remoting, seed nodes, roles, split-brain resolver, failure detector
    }
}
