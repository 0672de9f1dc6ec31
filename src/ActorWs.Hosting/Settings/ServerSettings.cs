using ActorWs.Hosting.Configuration;
using ActorWs.Protocol.Compression.Negotiation;
using ActorWs.Server.Options;
using Microsoft.Extensions.Configuration;

namespace ActorWs.Hosting.Settings;

/// <summary>
/// Reads the <c>server</c> section of the configuration into <see cref="ServerOptions"/>, checking
/// every value and naming the file and line of each bad one.
/// </summary>
public static class ServerSettings
{
    /// <summary>The section this class reads.</summary>
    public const string Section = "server";

    private static readonly Lazy<IReadOnlyList<string>> s_settingNames = new(() =>
    {
        var reader = new ConfigurationSettingReader(new ConfigurationBuilder().Build(), Section);
        Apply(reader, new ServerOptions());
        return reader.SettingsRead;
    });

    /// <summary>
    /// Every setting of the <c>server</c> section, as written in HOCON (<c>server.http.keep-alive</c>), in reading order.
    /// Taken from <see cref="Apply"/> itself (the keys it asks its reader for), so a setting it reads is listed here
    /// without further ado, and a key it does not read is an unknown setting.
    /// </summary>
    public static IReadOnlyList<string> SettingNames => s_settingNames.Value;

    /// <summary>
    /// Reads <c>server.*</c>; throws <see cref="ConfigurationValidationException"/> listing every bad setting and every
    /// unknown key under <c>server</c> (with the nearest setting's name when one is close).
    /// Settings that are absent keep the defaults of <see cref="ServerOptions"/>.
    /// </summary>
    public static ServerOptions Read(IConfigurationRoot configuration)
    {
        var options = new ServerOptions();
        var reader = new ConfigurationSettingReader(configuration, Section);
        Apply(reader, options);
        reader.ReportUnknownSettings();
        reader.ThrowIfInvalid();
        return options;
    }

    /// <summary>
    /// Applies <c>server.*</c> through <paramref name="r"/> (errors collect in it) onto <paramref name="o"/>. Reads every
    /// setting on every call, whatever the values, because the keys it reads are the section's settings
    /// (<see cref="SettingNames"/>, <see cref="ConfigurationSettingReader.ReportUnknownSettings"/>).
    /// </summary>
    public static void Apply(ConfigurationSettingReader r, ServerOptions o)
    {
        var second = TimeSpan.FromSeconds(1);
        var hour = TimeSpan.FromHours(1);
        o.Host = r.GetString("host", o.Host)!;
        if (string.IsNullOrWhiteSpace(o.Host)) r.Fail("host", "a host name or IP address");
        o.Port = r.GetInt("port", 0, 65535, o.Port);
        o.Backlog = r.GetInt("backlog", 1, 65535, o.Backlog);
        o.MaxConnections = r.GetInt("max-connections", 1, 10_000_000, o.MaxConnections);
        o.Transport = ReadEnum(r, "transport", o.Transport);
        o.IoThreads = r.GetInt("io-threads", 0, 64, o.IoThreads);
        o.IoWatchdogThreshold = r.GetDuration("io-watchdog-threshold", TimeSpan.Zero, TimeSpan.FromMinutes(1), o.IoWatchdogThreshold);
        o.HandshakeTimeout = r.GetDuration("handshake-timeout", TimeSpan.FromMilliseconds(100), hour, o.HandshakeTimeout);
        o.DrainTimeout = r.GetDuration("drain-timeout", TimeSpan.Zero, hour, o.DrainTimeout);
        o.TimerResolution = r.GetDuration("timer-resolution", TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(10), o.TimerResolution);

        o.Tls.CertificatePath = NullIfEmpty(r.GetString("tls:certificate", o.Tls.CertificatePath));
        o.Tls.KeyPath = NullIfEmpty(r.GetString("tls:key", o.Tls.KeyPath));
        o.Tls.Password = NullIfEmpty(r.GetString("tls:password", o.Tls.Password));
        if (o.Tls.Enabled)
        {
            try
            {
                using var _ = o.Tls.LoadCertificate();
            }
            catch (InvalidOperationException ex)
            {
                r.Fail("tls:certificate", "a readable certificate with its private key (" + ex.Message + ")");
            }
        }

        o.Http.MaxRequestHeadSize = (int)r.GetBytes("http:max-request-head-size", 1024, 1024 * 1024, o.Http.MaxRequestHeadSize);
        o.Http.MaxHeaderCount = r.GetInt("http:max-header-count", 1, 10_000, o.Http.MaxHeaderCount);
        o.Http.KeepAlive = r.GetBool("http:keep-alive", o.Http.KeepAlive);
        o.Http.StatusPage = r.GetBool("http:status-page", o.Http.StatusPage);
        o.Http.Metrics = r.GetBool("http:metrics", o.Http.Metrics);

        var ws = o.WebSocket;
        ws.MaxMessageSize = r.GetBytes("websocket:max-message-size", 125, int.MaxValue, ws.MaxMessageSize);
        ws.PingInterval = r.GetDuration("websocket:ping-interval", TimeSpan.Zero, hour, ws.PingInterval);
        ws.IdleTimeout = r.GetDuration("websocket:idle-timeout", second, TimeSpan.FromDays(1), ws.IdleTimeout);
        ws.MessageTimeout = r.GetDuration("websocket:message-timeout", TimeSpan.Zero, TimeSpan.FromDays(1), ws.MessageTimeout);
        ws.CloseTimeout = r.GetDuration("websocket:close-timeout", TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5), ws.CloseTimeout);
        ws.OutboundQueueLimit = r.GetBytes("websocket:outbound-queue-limit", 1024, 1L << 32, ws.OutboundQueueLimit);
        ws.SlowConsumerPolicy = ReadEnum(r, "websocket:slow-consumer-policy", ws.SlowConsumerPolicy);
        ws.MaxInflightMessages = r.GetInt("websocket:max-inflight-messages", 1, 1_000_000, ws.MaxInflightMessages);
        ws.AllowedOrigins = r.GetStringList("websocket:allowed-origins", [.. ws.AllowedOrigins]).ToList();
        ws.ResumeAttemptsPerSecond = r.GetInt("websocket:resume-attempts-per-second", 0, 1_000_000, ws.ResumeAttemptsPerSecond);
        ws.ResumeAttemptsBurst = r.GetInt("websocket:resume-attempts-burst", 1, 1_000_000, ws.ResumeAttemptsBurst);
        var deflate = ws.Compression;
        ws.Compression = new PerMessageDeflateSettings
        {
            Enabled = r.GetBool("websocket:compression:enabled", deflate.Enabled),
            CompressionLevel = r.GetInt("websocket:compression:level", 0, 9, deflate.CompressionLevel),
            Threshold = (int)r.GetBytes("websocket:compression:threshold", 0, int.MaxValue, deflate.Threshold),
            ServerMaxWindowBits = r.GetInt("websocket:compression:server-max-window-bits", 9, 15, deflate.ServerMaxWindowBits),
            ClientMaxWindowBits = r.GetInt("websocket:compression:client-max-window-bits", 8, 15, deflate.ClientMaxWindowBits),
            MemoryLevel = r.GetInt("websocket:compression:memory-level", 1, 9, deflate.MemoryLevel),
            ContextTakeover = ReadEnum(r, "websocket:compression:context-takeover", deflate.ContextTakeover),
        };

        var limits = o.Limits;
        limits.ConnectionsPerAddress = r.GetInt("limits:connections-per-address", 0, 10_000_000, limits.ConnectionsPerAddress);
        limits.UpgradesPerSecond = r.GetInt("limits:upgrades-per-second", 0, 1_000_000, limits.UpgradesPerSecond);
        limits.UpgradeBurst = r.GetInt("limits:upgrade-burst", 1, 1_000_000, limits.UpgradeBurst);
        limits.TrustedProxies = r.GetStringList("limits:trusted-proxies", [.. limits.TrustedProxies]).ToList();
        foreach (string proxy in limits.TrustedProxies)
        {
            if (System.Net.IPAddress.TryParse(proxy, out _)) continue;
            r.Fail("limits:trusted-proxies", $"IP addresses (such as 10.0.0.5 or ::1), got \"{proxy}\"");
            limits.TrustedProxies = [];
            break;
        }

        limits.MemoryBudget = ReadMemoryBudget(r, limits.MemoryBudget);
        limits.MaxInflationRatio = r.GetInt("limits:max-inflation-ratio", 0, 1_000_000, limits.MaxInflationRatio);

        var rooms = o.Rooms;
        rooms.Linger = r.GetDuration("rooms:linger", TimeSpan.Zero, TimeSpan.FromDays(1), rooms.Linger);
        rooms.MaxRestarts = r.GetInt("rooms:max-restarts", 0, 10_000, rooms.MaxRestarts);
        rooms.RestartWindow = r.GetDuration("rooms:restart-window", second, TimeSpan.FromDays(1), rooms.RestartWindow);
        rooms.RestartBackoffMin = r.GetDuration("rooms:restart-backoff-min", TimeSpan.Zero, hour, rooms.RestartBackoffMin);
        rooms.RestartBackoffMax = r.GetDuration("rooms:restart-backoff-max", TimeSpan.Zero, hour, rooms.RestartBackoffMax);
        rooms.ReconnectionWindow = r.GetDuration("rooms:reconnection-window", TimeSpan.Zero, TimeSpan.FromDays(1), rooms.ReconnectionWindow);
        rooms.ResumeBufferMessages = r.GetInt("rooms:resume-buffer-messages", 1, 1_000_000, rooms.ResumeBufferMessages);
        rooms.ResumeBufferBytes = r.GetBytes("rooms:resume-buffer-bytes", 1024, 1L << 32, rooms.ResumeBufferBytes);
        rooms.MaxPerConnection = r.GetInt("rooms:max-per-connection", 1, 1_000_000, rooms.MaxPerConnection);
        rooms.MaxRooms = r.GetInt("rooms:max-rooms", 1, 100_000_000, rooms.MaxRooms);
        o.Cluster.RoomShards = r.GetInt("cluster:room-shards", 1, 100_000, o.Cluster.RoomShards);
        if (rooms.RestartBackoffMax < rooms.RestartBackoffMin)
            r.Fail("rooms:restart-backoff-max", $"a duration no shorter than rooms.restart-backoff-min ({rooms.RestartBackoffMin})");
    }

    /// <summary>
    /// <c>limits.memory-budget</c>: <c>auto</c> or 0 (the automatic budget, see <see cref="ActorWs.Server.Buffers.MemoryBudget.Resolve"/>),
    /// or a size such as <c>256MiB</c> of at least 1 MiB (less would refuse ordinary large messages).
    /// </summary>
    private static long ReadMemoryBudget(ConfigurationSettingReader r, long defaultValue)
    {
        const string key = "limits:memory-budget";
        const string expected = "auto, 0 (automatic) or a size between 1MiB and 1TiB such as 256MiB";
        string? text = r.GetString(key, null);
        if (text is null) return defaultValue;
        if (string.Equals(text.Trim(), "auto", StringComparison.OrdinalIgnoreCase)) return 0;
        if (ActorWs.Hosting.Configuration.Hocon.ByteSize.TryParse(text, out long bytes) && (bytes == 0 || (bytes >= 1024 * 1024 && bytes <= 1L << 40)))
            return bytes;
        r.Fail(key, expected);
        return defaultValue;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    internal static T ReadEnum<T>(ConfigurationSettingReader r, string key, T defaultValue) where T : struct, Enum
    {
        string? text = r.GetString(key, null);
        if (text is null) return defaultValue;
        if (Enum.TryParse<T>(text, ignoreCase: true, out var value) && Enum.IsDefined(value) && !char.IsAsciiDigit(text[0]))
            return value;
        r.Fail(key, "one of " + string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant())));
        return defaultValue;
    }
}
