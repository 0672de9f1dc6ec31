using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace ActorWs.Hosting.Hosting;

/// <summary>
/// How an ActorWs node joins an Akka.NET cluster: its remoting address, the seed nodes it joins, its roles, and the
/// keep-majority split-brain resolver with its timings. <see cref="ActorWsClusterHostingExtensions.WithActorWsClustering(Akka.Hosting.AkkaConfigurationBuilder, ActorWsClusterOptions)"/>
/// applies it through Akka.Hosting's <c>WithRemoting</c> and <c>WithClustering</c>; the executable reads it from the
/// <c>akka</c> section of hocon.conf (see <see cref="Settings.ClusterSettings"/>), whose keys each property names.
/// </summary>
/// <remarks>
/// The defaults are Akka.NET's own, except the address (127.0.0.1:4053: loopback unless told otherwise). With them a
/// crashed member is marked unreachable about 4 s after its last heartbeat (<see cref="AcceptableHeartbeatPause"/> plus
/// the failure detector's threshold) and downed by the resolver <see cref="StableAfter"/> (20 s) later, once nothing has
/// changed in that time; a member that leaves gracefully is gone within a few gossip rounds. Not thread-safe: set it up,
/// then hand it over.
/// </remarks>
public sealed partial class ActorWsClusterOptions
{
    /// <summary>The remoting port when none is given.</summary>
    public const int DefaultPort = 4053;

    /// <summary>
    /// The name of the actor system (<c>AddAkka("name", …)</c>): a seed node written as <c>host:port</c> becomes
    /// <c>akka.tcp://{name}@host:port</c>, and one written as a whole address must name this system. The executable's is
    /// <see cref="ActorWsServiceCollectionExtensions.ActorSystemName"/> (the default).
    /// </summary>
    public string ActorSystemName { get; set; } = ActorWsServiceCollectionExtensions.ActorSystemName;

    /// <summary>The address remoting binds and other nodes reach this one at (<c>akka.remote.dot-netty.tcp.hostname</c>).</summary>
    public string HostName { get; set; } = "127.0.0.1";

    /// <summary>The TCP port between nodes (<c>akka.remote.dot-netty.tcp.port</c>); 0 picks a free one.</summary>
    public int Port { get; set; } = DefaultPort;

    /// <summary>
    /// The address other nodes use when it is not <see cref="HostName"/> (a container or NAT; required when the host name
    /// binds every interface, 0.0.0.0 or ::): <c>akka.remote.dot-netty.tcp.public-hostname</c>. Null: the host name.
    /// </summary>
    public string? PublicHostName { get; set; }

    /// <summary>
    /// The nodes to join (<c>akka.cluster.seed-nodes</c>), as <c>host:port</c> or <c>akka.tcp://system@host:port</c>.
    /// Give every node the same list: the first seed founds the cluster if none of the others answers; the rest join
    /// whichever answers first. Empty: this node founds a cluster of its own by joining itself, and others list it as
    /// their seed (start only one node like that, or there will be several clusters).
    /// </summary>
    public IList<string> SeedNodes { get; set; } = new List<string>();

    /// <summary>This node's roles (<c>akka.cluster.roles</c>): letters, digits, '.', '_' and '-'.</summary>
    public IList<string> Roles { get; set; } = new List<string>();

    /// <summary>Members needed before the leader moves joining members to Up (<c>akka.cluster.min-nr-of-members</c>).</summary>
    public int MinimumMembers { get; set; } = 1;

    /// <summary>
    /// When set, the keep-majority resolver counts only members with this role
    /// (<c>akka.cluster.split-brain-resolver.keep-majority.role</c>). Null: every member.
    /// </summary>
    public string? SplitBrainRole { get; set; }

    /// <summary>
    /// How long membership and reachability must stay unchanged before the split-brain resolver decides
    /// (<c>akka.cluster.split-brain-resolver.stable-after</c>): downs the unreachable side if this side holds the majority,
    /// else this side. The minimum time a crashed member stays in the membership after it is seen unreachable.
    /// </summary>
    public TimeSpan StableAfter { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Whether every node is downed when reachability keeps changing for too long to decide
    /// (<c>akka.cluster.split-brain-resolver.down-all-when-unstable</c>): a flapping network ends with no cluster rather
    /// than two.
    /// </summary>
    public bool DownAllWhenUnstable { get; set; } = true;

    /// <summary>
    /// How long past <see cref="StableAfter"/> reachability may keep changing before every node is downed; null: Akka.NET's
    /// default, 3/4 of <see cref="StableAfter"/> and at least 4 s. Ignored when <see cref="DownAllWhenUnstable"/> is false.
    /// </summary>
    public TimeSpan? DownAllWhenUnstableAfter { get; set; }

    /// <summary>How often a member sends heartbeats to those it watches (<c>akka.cluster.failure-detector.heartbeat-interval</c>).</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Heartbeats that may be missing before a member counts as unreachable, as time
    /// (<c>akka.cluster.failure-detector.acceptable-heartbeat-pause</c>): room for garbage collections and short network hiccups.
    /// </summary>
    public TimeSpan AcceptableHeartbeatPause { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>The phi accrual failure detector's threshold (<c>akka.cluster.failure-detector.threshold</c>): higher suspects later.</summary>
    public double FailureThreshold { get; set; } = 8.0;

    /// <summary>What a seed node may look like, for messages.</summary>
    internal const string SeedNodeForm = "a seed node as host:port (such as 10.0.0.1:4053) or akka.tcp://{0}@host:port";

    /// <summary>What a role may look like, for messages.</summary>
    internal const string RoleForm = "a role name of letters, digits, '.', '_' and '-'";

    /// <summary>What a host name may look like, for messages.</summary>
    internal const string HostForm = "a host name or IP address";

    /// <summary>
    /// Every problem with these options, one line each (empty when they are valid): the checks the executable makes on
    /// hocon.conf, for an application that sets the options in code.
    /// </summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(ActorSystemName)) problems.Add("ActorSystemName: expected the actor system's name");
        if (!IsHostName(HostName)) problems.Add($"HostName: expected {HostForm}, got \"{HostName}\"");
        if (Port is < 0 or > 65535) problems.Add($"Port: expected 0–65535, got {Port}");
        if (PublicHostName is { Length: > 0 } publicHost && !IsHostName(publicHost)) problems.Add($"PublicHostName: expected {HostForm}, got \"{publicHost}\"");
        if (BindsEveryInterface(HostName) && string.IsNullOrEmpty(PublicHostName))
            problems.Add($"PublicHostName: expected the address other nodes reach this one at, since HostName {HostName} binds every interface");
        foreach (var seed in SeedNodes ?? [])
        {
            if (NormalizeSeedNode(seed, ActorSystemName) is null) problems.Add($"SeedNodes: expected {string.Format(CultureInfo.InvariantCulture, SeedNodeForm, ActorSystemName)}, got \"{seed}\"");
        }
        foreach (var role in Roles ?? [])
        {
            if (!IsRole(role)) problems.Add($"Roles: expected {RoleForm}, got \"{role}\"");
        }
        if (SplitBrainRole is { } sbrRole && !IsRole(sbrRole)) problems.Add($"SplitBrainRole: expected {RoleForm}, got \"{sbrRole}\"");
        if (MinimumMembers < 1) problems.Add($"MinimumMembers: expected at least 1, got {MinimumMembers}");
        if (StableAfter <= TimeSpan.Zero) problems.Add($"StableAfter: expected a positive duration, got {StableAfter}");
        if (DownAllWhenUnstableAfter is { } unstable && unstable <= TimeSpan.Zero) problems.Add($"DownAllWhenUnstableAfter: expected a positive duration or null, got {unstable}");
        if (HeartbeatInterval <= TimeSpan.Zero) problems.Add($"HeartbeatInterval: expected a positive duration, got {HeartbeatInterval}");
        if (AcceptableHeartbeatPause <= TimeSpan.Zero) problems.Add($"AcceptableHeartbeatPause: expected a positive duration, got {AcceptableHeartbeatPause}");
        if (!(FailureThreshold > 0) || double.IsInfinity(FailureThreshold)) problems.Add($"FailureThreshold: expected a positive number, got {FailureThreshold}");
        return problems;
    }

    /// <summary>The seed nodes as Akka.NET addresses (<c>akka.tcp://actorws@10.0.0.1:4053</c>), in order.</summary>
    /// <exception cref="ArgumentException">A seed node is neither form (see <see cref="Validate"/>).</exception>
    public IReadOnlyList<string> SeedNodeAddresses() =>
        (SeedNodes ?? []).Select(seed => NormalizeSeedNode(seed, ActorSystemName)
            ?? throw new ArgumentException($"seed node \"{seed}\": expected {string.Format(CultureInfo.InvariantCulture, SeedNodeForm, ActorSystemName)}")).ToArray();

    /// <summary>
    /// <c>10.0.0.1:4053</c>, <c>[::1]:4053</c>, <c>node-1.internal:4053</c> or <c>akka.tcp://{system}@host:port</c> as the
    /// Akka.NET address of <paramref name="systemName"/> there; null when it is neither, has no port (or port 0: a seed
    /// must be reachable at a known port), or names another actor system (it would never answer the join).
    /// </summary>
    internal static string? NormalizeSeedNode(string? seed, string systemName)
    {
        if (string.IsNullOrWhiteSpace(seed)) return null;
        seed = seed.Trim();
        const string scheme = "akka.tcp://";
        if (seed.StartsWith(scheme, StringComparison.Ordinal))
        {
            int at = seed.IndexOf('@', StringComparison.Ordinal);
            if (at < 0 || !string.Equals(seed[scheme.Length..at], systemName, StringComparison.Ordinal)) return null;
            seed = seed[(at + 1)..].TrimEnd('/');
        }
        else if (seed.Contains("://", StringComparison.Ordinal) || seed.Contains('@', StringComparison.Ordinal))
        {
            return null; // another scheme, or a system name without one
        }

        int colon = seed.LastIndexOf(':');
        if (colon <= 0) return null;
        string host = seed[..colon];
        string portText = seed[(colon + 1)..];
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535) return null;
        if (host.StartsWith('['))
        {
            if (!host.EndsWith(']') || !IPAddress.TryParse(host[1..^1], out var v6) || v6.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6) return null;
        }
        else if (host.Contains(':', StringComparison.Ordinal) || !IsHostName(host))
        {
            return null; // an IPv6 address must be in brackets, or its last group reads as the port
        }
        return $"{scheme}{systemName}@{host}:{port.ToString(CultureInfo.InvariantCulture)}";
    }

    /// <summary>A DNS name, an IPv4 address or an IPv6 address (without brackets).</summary>
    internal static bool IsHostName(string? host) =>
        !string.IsNullOrWhiteSpace(host) && Uri.CheckHostName(host) != UriHostNameType.Unknown;

    /// <summary>Whether binding this address listens on every interface, so that it cannot be what other nodes dial.</summary>
    internal static bool BindsEveryInterface(string? host) =>
        IPAddress.TryParse(host, out var address) && (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any));

    /// <summary>
    /// A role name that Akka.Hosting can write into HOCON as it is (it does not quote roles), and that reads the same in
    /// every log and metric.
    /// </summary>
    internal static bool IsRole(string? role) => role is not null && RolePattern().IsMatch(role);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex RolePattern();
}
