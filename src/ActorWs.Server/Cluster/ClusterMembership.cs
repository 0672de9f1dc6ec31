using System.Buffers;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Akka.Actor;
using Akka.Cluster;
using ActorWs.Protocol.Http;
using ActorWs.Server.Http;
using ActorWs.Server.Metrics;
using Microsoft.Extensions.Logging;

namespace ActorWs.Server.Cluster;

/// <summary>
/// This node's view of the Akka.NET cluster it is a member of, for <c>GET /cluster</c>, the cluster gauges in
/// <c>/metrics</c> and the startup log. Only made for a system that runs the cluster provider
/// (<see cref="ClusterProvider.IsCluster"/>), so a local system never loads Akka.Cluster.
/// </summary>
/// <remarks>
/// Reads Akka.Cluster's own membership state (<see cref="Akka.Cluster.Cluster.State"/>, a snapshot its read view keeps up to
/// date from cluster events): nothing here takes part in membership. Thread-safe: every read works on one snapshot, and
/// none blocks, so it may run on a connection's I/O thread.
/// </remarks>
internal sealed class ClusterMembership
{
    /// <summary>The statuses the members gauge always reports (0 when no member has it), in the order a member goes through them.</summary>
    internal static readonly MemberStatus[] ReportedStatuses =
        [MemberStatus.Joining, MemberStatus.WeaklyUp, MemberStatus.Up, MemberStatus.Leaving, MemberStatus.Exiting, MemberStatus.Down];

    private readonly Akka.Cluster.Cluster _cluster;

    public ClusterMembership(ActorSystem system)
    {
        _cluster = Akka.Cluster.Cluster.Get(system);
    }

    /// <summary>This node's address, as other members know it.</summary>
    public Address SelfAddress => _cluster.SelfAddress;

    /// <summary>
    /// Why this node is not ready as a member, for <c>/ready</c>: <c>joining</c> until it is Up (weakly Up counts as Up),
    /// <c>leaving</c> once it leaves, exits or is downed; null while it is Up.
    /// </summary>
    public string? NotReady() => _cluster.SelfMember.Status switch
    {
        MemberStatus.Up or MemberStatus.WeaklyUp => null,
        MemberStatus.Joining => "joining",
        // Not yet a member (Akka.NET's self member says Removed until it joins); once removed for good, the cluster
        // extension has shut down.
        MemberStatus.Removed when !_cluster.IsTerminated => "joining",
        _ => "leaving",
    };

    /// <summary>
    /// Where this node's connection ids (and so its session ids, the member ids rooms show) start: 24 bits of this
    /// incarnation's random uid above the low 32, so that members connected to different nodes of one room never
    /// share an id (each node counts from 1 otherwise). Another incarnation of the node draws another uid.
    /// </summary>
    public long ConnectionIdBase => (_cluster.SelfUniqueAddress.Uid & 0xFFFFFFL) << 32;

    /// <summary>A member's status as <c>/cluster</c> and the metrics name it: <c>up</c>, <c>weakly-up</c>, <c>leaving</c>…</summary>
    public static string StatusName(MemberStatus status) => status switch
    {
        MemberStatus.Joining => "joining",
        MemberStatus.WeaklyUp => "weakly-up",
        MemberStatus.Up => "up",
        MemberStatus.Leaving => "leaving",
        MemberStatus.Exiting => "exiting",
        MemberStatus.Down => "down",
        MemberStatus.Removed => "removed",
        _ => status.ToString().ToLowerInvariant(),
    };

    /// <summary>
    /// <c>GET /cluster</c>: this node (<c>self</c>), the leader, the oldest Up member, the members by status, every member
    /// (address, status, roles, leader and oldest flags, reachability) and the unreachable ones. The shape is documented in
    /// README, <i>Cluster</i>.
    /// </summary>
    public HttpResponse Render()
    {
        var state = _cluster.State;
        var selfUnique = _cluster.SelfUniqueAddress;
        Member? self = state.Members.FirstOrDefault(m => m.UniqueAddress.Equals(selfUnique));
        Address? leader = state.Leader;
        Member? oldest = Oldest(state.Members);
        var unreachable = state.Unreachable;

        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteBoolean("enabled", true);
            json.WriteStartObject("self");
            json.WriteString("address", _cluster.SelfAddress.ToString());
            // Not (or no longer) in the membership: Akka.Cluster calls that Removed; say whether it is still to come.
            json.WriteString("status", self is not null ? StatusName(self.Status) : _cluster.IsTerminated ? "removed" : "not-joined");
            WriteRoles(json, _cluster.SelfRoles);
            json.WriteBoolean("leader", leader is not null && leader.Equals(_cluster.SelfAddress));
            json.WriteBoolean("oldest", oldest is not null && oldest.UniqueAddress.Equals(selfUnique));
            json.WriteEndObject();
            WriteAddressOrNull(json, "leader", leader);
            WriteAddressOrNull(json, "oldest", oldest?.Address);

            json.WriteStartObject("membersByStatus");
            foreach (var group in state.Members.GroupBy(m => m.Status).OrderBy(g => Array.IndexOf(ReportedStatuses, g.Key)))
            {
                json.WriteNumber(StatusName(group.Key), group.Count());
            }
            json.WriteEndObject();

            json.WriteStartArray("members");
            foreach (var member in state.Members) // Akka.Cluster keeps them ordered by address
            {
                json.WriteStartObject();
                json.WriteString("address", member.Address.ToString());
                json.WriteString("status", StatusName(member.Status));
                WriteRoles(json, member.Roles);
                json.WriteBoolean("leader", member.Address.Equals(leader));
                json.WriteBoolean("oldest", oldest is not null && member.UniqueAddress.Equals(oldest.UniqueAddress));
                json.WriteBoolean("reachable", !unreachable.Contains(member));
                json.WriteEndObject();
            }
            json.WriteEndArray();

            json.WriteStartArray("unreachable");
            foreach (var member in unreachable.OrderBy(m => m.Address, Member.AddressOrdering))
            {
                json.WriteStartObject();
                json.WriteString("address", member.Address.ToString());
                json.WriteString("status", StatusName(member.Status));
                WriteRoles(json, member.Roles);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return new HttpResponse(HttpStatus.Ok, "application/json; charset=utf-8", buffer.WrittenMemory.ToArray());
    }

    /// <summary>
    /// Adds the cluster gauges to the server's meter: <c>actorws.cluster.members</c> (tag <c>status</c>, every status of
    /// <see cref="ReportedStatuses"/> reported, 0 included, so a series does not vanish when its last member moves on) and
    /// <c>actorws.cluster.unreachable_members</c>.
    /// </summary>
    public void AddMetrics(ActorWsMetrics metrics)
    {
        metrics.AddGauge("actorws.cluster.members", "{member}",
            "Members of the cluster as this node sees them, by status (tag status: joining, weakly-up, up, leaving, exiting, down).",
            ReadMembersByStatus);
        metrics.AddGauge("actorws.cluster.unreachable_members", "{member}",
            "Members this node's failure detectors (or another member's) consider unreachable now.",
            () => _cluster.State.Unreachable.Count);
    }

    /// <summary>
    /// Logs which node this is and what it joins, and once more when it is Up: a person starting nodes by hand sees the
    /// cluster form in the log, next to the listening line.
    /// </summary>
    public void LogStart(ILogger log)
    {
        var seeds = _cluster.Settings.SeedNodes;
        string roles = _cluster.SelfRoles.IsEmpty ? "none" : string.Join(", ", _cluster.SelfRoles.Order(StringComparer.Ordinal));
        log.LogInformation("ActorWs cluster node {Address:l} (roles: {Roles:l}) — seed nodes: {Seeds:l}; members at /cluster",
            _cluster.SelfAddress.ToString(), roles,
            seeds.Count == 0 ? "none (this node founds the cluster or is joined by hand)" : string.Join(", ", seeds.Select(s => s.ToString())));
        var address = _cluster.SelfAddress.ToString();
        _cluster.RegisterOnMemberUp(() =>
        {
            var state = _cluster.State;
            log.LogInformation("ActorWs cluster node {Address:l} is Up: {Members} members, leader {Leader:l}",
                address, state.Members.Count, state.Leader?.ToString() ?? "none yet");
        });
    }

    private IEnumerable<Measurement<long>> ReadMembersByStatus()
    {
        var members = _cluster.State.Members;
        foreach (var status in ReportedStatuses)
        {
            long count = members.Count(m => m.Status == status);
            yield return new Measurement<long>(count, new KeyValuePair<string, object?>("status", StatusName(status)));
        }
    }

    /// <summary>The oldest Up member (where Akka.NET's cluster singletons run), by Akka.Cluster's own age ordering.</summary>
    private static Member? Oldest(IEnumerable<Member> members) =>
        members.Where(m => m.Status == MemberStatus.Up).OrderBy(m => m, Member.AgeOrdering).FirstOrDefault();

    private static void WriteRoles(Utf8JsonWriter json, IEnumerable<string> roles)
    {
        json.WriteStartArray("roles");
        foreach (var role in roles.Order(StringComparer.Ordinal)) json.WriteStringValue(role);
        json.WriteEndArray();
    }

    private static void WriteAddressOrNull(Utf8JsonWriter json, string name, Address? address)
    {
        if (address is null) json.WriteNull(name);
        else json.WriteString(name, address.ToString());
    }
}
