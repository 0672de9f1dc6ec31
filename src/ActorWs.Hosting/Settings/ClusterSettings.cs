using System.Globalization;
using ActorWs.Hosting.Configuration;
using ActorWs.Hosting.Configuration.Hocon;
using ActorWs.Hosting.Hosting;
using Microsoft.Extensions.Configuration;

namespace ActorWs.Hosting.Settings;

/// <summary>
/// The cluster settings of the <c>akka</c> section (Akka.NET's own keys: <c>akka.actor.provider</c>,
/// <c>akka.remote.dot-netty.tcp.*</c>, <c>akka.cluster.seed-nodes</c>, <c>roles</c>, <c>min-nr-of-members</c>, the
/// split-brain resolver and the failure detector), read into <see cref="ActorWsClusterOptions"/> and checked like
/// <c>server.*</c>: a bad value is one line naming the setting and where it came from.
/// </summary>
/// <remarks>
/// The node becomes a cluster member when <c>akka.actor.provider = cluster</c>; otherwise the keys are still checked
/// (so a typo shows before the day clustering is switched on), and seed nodes are refused, since they would be ignored.
/// Seed nodes and roles are taken whole from the source that gives them (the command line's <c>--cluster-seed</c>s replace
/// the file's list instead of merging with it item by item). Stateless and thread-safe.
/// </remarks>
public static class ClusterSettings
{
    private const string Tcp = "remote:dot-netty:tcp:";
    private const string Resolver = "cluster:split-brain-resolver:";
    private const string Detector = "cluster:failure-detector:";

    /// <summary>
    /// The node's cluster options when <c>akka.actor.provider = cluster</c>, or null for a single node (any other provider).
    /// </summary>
    /// <exception cref="ConfigurationValidationException">A setting is invalid (the message names each one and where it came from).</exception>
    public static ActorWsClusterOptions? Read(IConfigurationRoot configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var reader = new ConfigurationSettingReader(configuration, "akka");
        var (options, enabled) = Apply(reader);
        reader.ThrowIfInvalid();
        return enabled ? options : null;
    }

    /// <summary>
    /// Reads every cluster setting through <paramref name="r"/> (a reader of the <c>akka</c> section; errors collect in it),
    /// whatever the provider, and says whether the provider is the cluster's.
    /// </summary>
    internal static (ActorWsClusterOptions Options, bool Enabled) Apply(ConfigurationSettingReader r)
    {
        var o = new ActorWsClusterOptions();
        bool enabled = IsClusterProvider(r.GetString("actor:provider"));

        o.HostName = r.GetString(Tcp + "hostname", o.HostName)!;
        if (!ActorWsClusterOptions.IsHostName(o.HostName)) r.Fail(Tcp + "hostname", ActorWsClusterOptions.HostForm);
        o.Port = r.GetInt(Tcp + "port", 0, 65535, o.Port);
        string publicHost = r.GetString(Tcp + "public-hostname", "")!;
        if (publicHost.Length > 0 && !ActorWsClusterOptions.IsHostName(publicHost)) r.Fail(Tcp + "public-hostname", ActorWsClusterOptions.HostForm + ", or empty");
        o.PublicHostName = publicHost.Length == 0 ? null : publicHost;
        if (ActorWsClusterOptions.BindsEveryInterface(o.HostName) && o.PublicHostName is null)
            r.Fail(Tcp + "public-hostname", $"the address other nodes reach this one at, since {r.Describe(Tcp + "hostname")} binds every interface");

        var seeds = r.GetStringListFromOneSource("cluster:seed-nodes", []);
        for (int i = 0; i < seeds.Count; i++)
        {
            string item = "cluster:seed-nodes:" + i.ToString(CultureInfo.InvariantCulture);
            if (ActorWsClusterOptions.NormalizeSeedNode(seeds[i], o.ActorSystemName) is null)
                r.Fail(item, string.Format(CultureInfo.InvariantCulture, ActorWsClusterOptions.SeedNodeForm, o.ActorSystemName));
            else if (!enabled)
                r.Fail(item, $"no seed nodes while {r.Describe("actor:provider")} is not cluster (set akka.actor.provider = cluster, or --akka:actor:provider=cluster, to join them)");
        }
        o.SeedNodes = [.. seeds];

        var roles = r.GetStringListFromOneSource("cluster:roles", []);
        for (int i = 0; i < roles.Count; i++)
        {
            if (!ActorWsClusterOptions.IsRole(roles[i])) r.Fail("cluster:roles:" + i.ToString(CultureInfo.InvariantCulture), ActorWsClusterOptions.RoleForm);
        }
        o.Roles = [.. roles];
        o.MinimumMembers = r.GetInt("cluster:min-nr-of-members", 1, 10_000, o.MinimumMembers);

        string strategy = r.GetString(Resolver + "active-strategy", "keep-majority")!;
        if (!string.Equals(strategy, "keep-majority", StringComparison.Ordinal))
            r.Fail(Resolver + "active-strategy", "keep-majority (the split-brain resolver ActorWs sets up; see README, Cluster)");
        o.StableAfter = r.GetDuration(Resolver + "stable-after", TimeSpan.FromSeconds(1), TimeSpan.FromHours(1), o.StableAfter);
        ReadDownAllWhenUnstable(r, o);
        string sbrRole = r.GetString(Resolver + "keep-majority:role", "")!;
        if (sbrRole.Length > 0 && !ActorWsClusterOptions.IsRole(sbrRole)) r.Fail(Resolver + "keep-majority:role", ActorWsClusterOptions.RoleForm + ", or empty for every member");
        o.SplitBrainRole = sbrRole.Length == 0 ? null : sbrRole;

        o.HeartbeatInterval = r.GetDuration(Detector + "heartbeat-interval", TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1), o.HeartbeatInterval);
        o.AcceptableHeartbeatPause = r.GetDuration(Detector + "acceptable-heartbeat-pause", TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1), o.AcceptableHeartbeatPause);
        o.FailureThreshold = r.GetDouble(Detector + "threshold", 1, 100, o.FailureThreshold);
        return (o, enabled);
    }

    /// <summary>Whether <c>akka.actor.provider</c> names the cluster's provider: <c>cluster</c>, or its type name.</summary>
    internal static bool IsClusterProvider(string? provider) =>
        string.Equals(provider, "cluster", StringComparison.OrdinalIgnoreCase)
        || (provider is not null && provider.StartsWith("Akka.Cluster.ClusterActorRefProvider", StringComparison.Ordinal));

    /// <summary><c>down-all-when-unstable</c>: on (Akka.NET's derived duration), off, or a duration.</summary>
    private static void ReadDownAllWhenUnstable(ConfigurationSettingReader r, ActorWsClusterOptions o)
    {
        const string key = Resolver + "down-all-when-unstable";
        string? text = r.GetString(key);
        if (text is null) return;
        if (SettingConversions.TryParseBoolean(text, out bool on))
        {
            o.DownAllWhenUnstable = on;
            o.DownAllWhenUnstableAfter = null;
            return;
        }
        if (HoconDuration.TryParse(text, out var after) && after >= TimeSpan.FromSeconds(1) && after <= TimeSpan.FromHours(1))
        {
            o.DownAllWhenUnstable = true;
            o.DownAllWhenUnstableAfter = after;
            return;
        }
        r.Fail(key, "on (3/4 of stable-after, at least 4s), off, or a duration between 1s and 1h");
    }
}
