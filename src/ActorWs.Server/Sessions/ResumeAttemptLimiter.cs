using System.Net;
using Microsoft.Extensions.Logging;

namespace ActorWs.Server.Sessions;

/// <summary>
/// Limits resume attempts (WebSocket upgrades carrying <c>resume=</c>) per remote address: a token bucket per
/// address that refills at <c>server.websocket.resume-attempts-per-second</c> and holds at most
/// <c>resume-attempts-burst</c>. Guessing tokens is hopeless (128 random bits), but every attempt still costs a
/// handshake, a session-manager lookup and a log line; this keeps one address from spending them by the thousand.
/// </summary>
/// <remarks>
/// Called from connection actors on every I/O thread, hence the lock (held for a few arithmetic operations; logging
/// happens outside it). A refusal is logged once per episode: when an address first goes over the limit, and when
/// it is allowed again (with how many were refused meanwhile), never per attempt. Buckets that have refilled are
/// dropped whenever the table has doubled since the last sweep, so the table holds only recently active addresses.
/// </remarks>
internal sealed class ResumeAttemptLimiter
{
    private const int MinimumSweepSize = 1024;

    private readonly double _perSecond;
    private readonly double _burst;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly object _gate = new();
    private readonly Dictionary<IPAddress, Bucket> _buckets = new();
    private int _sweepAt = MinimumSweepSize;

    /// <summary>Attempts an address has left, as of <see cref="Stamp"/>, and the refusals of its current episode.</summary>
    private sealed class Bucket
    {
        public double Tokens;
        public long Stamp;
        public long Refused;
    }

    public ResumeAttemptLimiter(int perSecond, int burst, TimeProvider time, ILogger log)
    {
        _perSecond = perSecond;
        _burst = Math.Max(1, burst);
        _time = time;
        _log = log;
    }

    /// <summary>Whether attempts are limited at all (a rate of 0 turns the limit off).</summary>
    public bool Enabled => _perSecond > 0;

    /// <summary>
    /// Takes one attempt from <paramref name="remote"/>'s allowance. False when there is none left; then
    /// <paramref name="retryAfterSeconds"/> says when the next one will be allowed (whole seconds, at least 1).
    /// </summary>
    public bool TryAcquire(EndPoint? remote, out int retryAfterSeconds)
    {
        retryAfterSeconds = 0;
        if (!Enabled || remote is not IPEndPoint ip) return true; // without an address there is nothing to key on
        var address = ip.Address.IsIPv4MappedToIPv6 ? ip.Address.MapToIPv4() : ip.Address;
        long now = _time.GetTimestamp();
        bool allowed;
        long episodeRefused = 0;
        bool episodeBegins = false;
        List<(IPAddress, long)>? endedBySweep = null;
        lock (_gate)
        {
            if (!_buckets.TryGetValue(address, out var bucket))
            {
                if (_buckets.Count >= _sweepAt) endedBySweep = Sweep(now);
                bucket = new Bucket { Tokens = _burst, Stamp = now };
                _buckets[address] = bucket;
            }
            Refill(bucket, now);
            allowed = bucket.Tokens >= 1;
            if (allowed)
            {
                bucket.Tokens -= 1;
                episodeRefused = bucket.Refused;
                bucket.Refused = 0;
            }
            else
            {
                episodeBegins = bucket.Refused++ == 0;
                retryAfterSeconds = Math.Max(1, (int)Math.Ceiling((1 - bucket.Tokens) / _perSecond));
            }
        }
        if (episodeBegins)
            _log.LogWarning("Resume attempts from {Address} are over the limit ({PerSecond}/s, burst {Burst}): refused with 429 until they slow down", address, _perSecond, _burst);
        if (episodeRefused > 0) LogEpisodeEnd(address, episodeRefused);
        if (endedBySweep is not null)
            foreach (var (sweptAddress, refused) in endedBySweep) LogEpisodeEnd(sweptAddress, refused);
        return allowed;
    }

    /// <summary>How many addresses are tracked now.</summary>
    internal int TrackedAddresses
    {
        get
        {
            lock (_gate) return _buckets.Count;
        }
    }

    private void LogEpisodeEnd(IPAddress address, long refused) =>
        _log.LogInformation("Resume attempts from {Address} are within the limit again; {Refused} were refused", address, refused);

    private void Refill(Bucket bucket, long now)
    {
        double seconds = (double)(now - bucket.Stamp) / _time.TimestampFrequency;
        if (seconds > 0) bucket.Tokens = Math.Min(_burst, bucket.Tokens + seconds * _perSecond);
        bucket.Stamp = now;
    }

    /// <summary>Drops the buckets that are full again (their addresses are as good as unseen); returns episodes it ended.</summary>
    private List<(IPAddress, long)>? Sweep(long now)
    {
        List<(IPAddress, long)>? ended = null;
        List<IPAddress>? full = null;
        foreach (var (address, bucket) in _buckets)
        {
            Refill(bucket, now);
            if (bucket.Tokens < _burst) continue;
            (full ??= []).Add(address);
            if (bucket.Refused > 0) (ended ??= []).Add((address, bucket.Refused));
        }
        if (full is not null)
            foreach (var address in full) _buckets.Remove(address);
        _sweepAt = Math.Max(MinimumSweepSize, _buckets.Count * 2);
        return ended;
    }
}
