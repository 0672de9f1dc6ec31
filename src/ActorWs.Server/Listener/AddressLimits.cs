using System.Net;
using ActorWs.Protocol.Http;
using ActorWs.Server.Options;

namespace ActorWs.Server.Listener;

/// <summary>
/// Per remote address limits: connections open at once (checked by the listener at accept) and WebSocket upgrades per
/// second (a token bucket per address, checked by the connection as it upgrades).
/// </summary>
/// <remarks>
/// <para>
/// Behind a reverse proxy every client has the proxy's address. Connections from a trusted proxy are not counted, and an
/// upgrade through one is charged to the address the proxy appended last to <c>X-Forwarded-For</c> (the client as the
/// proxy saw it; one proxy hop is believed, not a chain). From any other address the header is ignored: a client could
/// write anything there.
/// </para>
/// <para>
/// Thread-safety: one lock; accepts (the listener) and upgrades (connections on every I/O thread) are rare next to
/// messages, and each holds it for a dictionary lookup. Buckets of addresses quiet long enough to be full again are
/// dropped by <see cref="Prune"/> (the listener's periodic tick), so memory follows the addresses active recently.
/// </para>
/// </remarks>
internal sealed class AddressLimits
{
    private readonly object _gate = new();
    private readonly Dictionary<IPAddress, int> _open = new();
    private readonly Dictionary<IPAddress, Bucket> _buckets = new();
    private readonly HashSet<IPAddress> _trustedProxies;
    private readonly TimeProvider _time;
    private readonly int _connectionsPerAddress;
    private readonly double _upgradesPerTick;
    private readonly double _burst;

    /// <summary>Tokens of one address and when they were last counted.</summary>
    private struct Bucket
    {
        public double Tokens;
        public long At;
    }

    public AddressLimits(LimitOptions options, TimeProvider time)
    {
        _time = time;
        _connectionsPerAddress = options.ConnectionsPerAddress;
        _upgradesPerTick = options.UpgradesPerSecond / (double)time.TimestampFrequency;
        _burst = Math.Max(1, options.UpgradeBurst);
        _trustedProxies = new HashSet<IPAddress>(options.TrustedProxies.Select(p => Normalize(IPAddress.Parse(p))));
    }

    /// <summary>Whether connections are limited per address (else <see cref="TryOpen"/> need not be called).</summary>
    public bool LimitsConnections => _connectionsPerAddress > 0;

    /// <summary>Whether upgrades are limited per address.</summary>
    public bool LimitsUpgrades => _upgradesPerTick > 0;

    /// <summary>IPv4 clients of a dual-stack socket appear as <c>::ffff:a.b.c.d</c>: one address, one count.</summary>
    public static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    /// <summary>
    /// Counts a new connection from <paramref name="address"/>; false (and nothing counted) when that address already has
    /// the most allowed. A trusted proxy is not limited and not counted (returns true; do not <see cref="Release"/>).
    /// </summary>
    public bool TryOpen(IPAddress address, out bool counted)
    {
        counted = false;
        if (!LimitsConnections || _trustedProxies.Contains(address)) return true;
        lock (_gate)
        {
            _open.TryGetValue(address, out int open);
            if (open >= _connectionsPerAddress) return false;
            _open[address] = open + 1;
        }
        counted = true;
        return true;
    }

    /// <summary>A connection <see cref="TryOpen"/> counted has closed.</summary>
    public void Release(IPAddress address)
    {
        lock (_gate)
        {
            if (!_open.TryGetValue(address, out int open)) return;
            if (open <= 1) _open.Remove(address);
            else _open[address] = open - 1;
        }
    }

    /// <summary>
    /// Takes one upgrade from the bucket of the client behind <paramref name="remote"/> (see the remarks on proxies);
    /// false when that client has used its rate.
    /// </summary>
    public bool TryUpgrade(IPAddress remote, HttpHeaderCollection headers)
    {
        if (!LimitsUpgrades) return true;
        var client = ClientAddress(remote, headers);
        long now = _time.GetTimestamp();
        lock (_gate)
        {
            ref var bucket = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_buckets, client, out bool existed);
            double tokens = existed ? Math.Min(_burst, bucket.Tokens + (now - bucket.At) * _upgradesPerTick) : _burst;
            bucket.At = now;
            if (tokens < 1)
            {
                bucket.Tokens = tokens;
                return false;
            }
            bucket.Tokens = tokens - 1;
            return true;
        }
    }

    /// <summary>The address an upgrade is charged to: the proxy's client for a trusted proxy, else the peer itself.</summary>
    private IPAddress ClientAddress(IPAddress remote, HttpHeaderCollection headers)
    {
        if (!_trustedProxies.Contains(remote)) return remote;
        var forwarded = headers.GetListElements("X-Forwarded-For");
        if (forwarded.Count == 0) return remote;
        return IPAddress.TryParse(forwarded[^1].Trim(), out var client) ? Normalize(client) : remote;
    }

    /// <summary>Drops the buckets that have refilled (their addresses are as if never seen); called periodically.</summary>
    public void Prune()
    {
        if (!LimitsUpgrades) return;
        long now = _time.GetTimestamp();
        lock (_gate)
        {
            foreach (var (address, bucket) in _buckets)
                if (bucket.Tokens + (now - bucket.At) * _upgradesPerTick >= _burst) _buckets.Remove(address);
        }
    }
}
