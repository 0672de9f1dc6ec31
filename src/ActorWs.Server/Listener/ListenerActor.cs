using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using ActorWs.Protocol.Http;
using ActorWs.Server.Connections;
using ActorWs.Server.Dispatch;
using ActorWs.Server.Transport;
using Microsoft.Extensions.Logging;

namespace ActorWs.Server.Listener;

/// <summary>
/// Binds the server's endpoint, accepts connections in batches as the transport signals them, and spawns one
/// <see cref="ConnectionActor"/> per socket. Enforces the connection limit, checks connection deadlines
/// periodically, and drains connections at shutdown.
/// </summary>
/// <remarks>
/// The connections are children of its <see cref="ConnectionGroup"/>s, whose strategy stops a connection that fails (and
/// only that one): the failed connection's socket is closed in its <c>PostStop</c>, and no other connection is touched.
/// </remarks>
internal sealed class ListenerActor : UntypedActor, ITransportOwner, IWithTimers
{
    /// <summary>Connections accepted per turn before yielding to other messages.</summary>
    private const int AcceptBatch = 128;

    private static readonly TimeSpan AcceptRetryDelay = TimeSpan.FromMilliseconds(100);

    private readonly ServerRuntime _runtime;

    /// <summary>
    /// Memory is given back at most this often: each time is a blocking full collection, and a server whose large-message
    /// traffic comes in waves must not collect on every wave.
    /// </summary>
    private static readonly TimeSpan ReclaimInterval = TimeSpan.FromSeconds(30);

    /// <summary>When memory may next be given back (server clock timestamp).</summary>
    private long _nextReclaim;
    private readonly ILogger _log;
    private readonly byte[] _tooManyConnections;
    private readonly byte[] _tooManyFromAddress;
    private readonly IActorRef[] _groups = new IActorRef[ConnectionGroup.Count];
    private IConnectionListener? _listener;
    private IActorRef _self = null!;
    private IActorRef? _drainRequester;

    public ListenerActor(ServerRuntime runtime)
    {
        _runtime = runtime;
        _log = runtime.LoggerFactory.CreateLogger("ActorWs.Server.Listener");
        _tooManyConnections = Refusal("the server is at its connection limit\n"u8);
        _tooManyFromAddress = Refusal("too many connections from your address\n"u8);
    }

    /// <summary>A complete 503 response, written once: refusals happen before any connection actor exists.</summary>
    private static byte[] Refusal(ReadOnlySpan<byte> body)
    {
        var head = new HttpResponseHead(HttpStatus.ServiceUnavailable, body.Length, keepAlive: false) { ContentType = "text/plain; charset=utf-8" };
        var response = new byte[HttpResponseWriter.GetHeadLength(head) + body.Length];
        HttpResponseWriter.TryWriteResponse(response, head, body, out _);
        return response;
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        _self = Self;
        // The lean mailbox here too: Akka.NET's default one keeps about a kilobyte of queue segment per actor for its
        // whole life, and 1,024 groups that are idle between accept bursts made that ~55 bytes per connection at 19,000.
        var groupProps = _runtime.WithLeanMailbox(FactoryActorProducer<ConnectionGroup>.Props(() => new ConnectionGroup(_runtime, _log)));
        for (int i = 0; i < _groups.Length; i++) _groups[i] = Context.ActorOf(groupProps, "g" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    protected override void PostStop() => _listener?.Dispose();

    void ITransportOwner.OnTransportSignal() => _self.Tell(Connections.TransportSignalled.Instance, ActorRefs.NoSender);

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Bind:
                OnBind();
                break;
            case Connections.TransportSignalled:
                _listener?.TakeReadiness();
                AcceptPending();
                break;
            case AcceptRetry:
                AcceptPending();
                break;
            case HousekeepingTick:
                _runtime.Registry.SignalDue(_runtime.Time.GetTimestamp());
                _runtime.AddressLimits.Prune();
                ReclaimMemoryAfterAPeak();
                break;
            case Unbind:
                StopAccepting();
                Sender.Tell(Unbound.Instance, _self);
                break;
            case Drain drain:
                OnDrain(drain);
                break;
            case AllConnectionsClosed:
                FinishDrain(aborted: 0);
                break;
            case DrainTimedOut:
                int left = _runtime.Registry.Count;
                if (left > 0) _runtime.Registry.TellAll(AbortConnection.Instance);
                FinishDrain(left);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void OnBind()
    {
        var options = _runtime.Options;
        try
        {
            var endPoint = new IPEndPoint(ResolveHost(options.Host), options.Port);
            _listener = _runtime.Transport.Listen(endPoint, options.Backlog);
        }
        catch (SocketException ex)
        {
            string reason = ex.SocketErrorCode switch
            {
                SocketError.AddressAlreadyInUse => $"port {options.Port} in use on {options.Host}",
                SocketError.AccessDenied => $"not allowed to bind port {options.Port} on {options.Host}",
                SocketError.AddressNotAvailable => $"address {options.Host} is not available on this machine",
                _ => $"cannot listen on {options.Host}:{options.Port}: {ex.Message}",
            };
            Sender.Tell(new BindFailed(reason), _self);
            return;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            Sender.Tell(new BindFailed($"cannot listen on {options.Host}:{options.Port}: {ex.Message}"), _self);
            return;
        }
        _runtime.Bound = true;
        Timers.StartPeriodicTimer(HousekeepingTick.Instance, HousekeepingTick.Instance, options.TimerResolution);
        _listener.Start(this);
        Sender.Tell(new Bound(_listener.LocalEndPoint), _self);
    }

    /// <summary>After a peak of memory held for clients has passed, hands the memory back (see <see cref="Buffers.MemoryBudget.TryStartReclaim"/>).</summary>
    private void ReclaimMemoryAfterAPeak()
    {
        long now = _runtime.Time.GetTimestamp();
        if (now < _nextReclaim || !_runtime.MemoryBudget.TryStartReclaim()) return;
        _nextReclaim = now + (long)(ReclaimInterval.TotalSeconds * _runtime.Time.TimestampFrequency);
        _runtime.GiveBackMemory(_runtime.MemoryLogger);
    }

    /// <summary>An IP literal; <c>localhost</c>; <c>*</c>, <c>0.0.0.0</c> or <c>::</c> for all interfaces; else a DNS name.</summary>
    internal static IPAddress ResolveHost(string host)
    {
        if (host is "*" or "+") return IPAddress.IPv6Any;
        if (IPAddress.TryParse(host.Trim('[', ']'), out var address)) return address;
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)) return IPAddress.Loopback;
        var addresses = Dns.GetHostAddresses(host);
        if (addresses.Length == 0) throw new ArgumentException($"host {host} has no address");
        return addresses[0];
    }

    private void AcceptPending()
    {
        try
        {
            AcceptBatchOfPending();
        }
        finally
        {
            HandOverAccepted();
        }
    }

    private void AcceptBatchOfPending()
    {
        if (_listener is null) return;
        int max = _runtime.Options.MaxConnections;
        for (int i = 0; i < AcceptBatch; i++)
        {
            switch (_listener.TryAccept(out var transport))
            {
                case AcceptStatus.Accepted:
                    _runtime.Metrics.ConnectionsAccepted.Add(1);
                    if (_runtime.Draining) Refuse(transport!, "draining", _tooManyConnections);
                    else if (_runtime.Registry.Count >= max) Refuse(transport!, "max-connections", _tooManyConnections);
                    else if (!TryCountAddress(transport!, out var counted)) Refuse(transport!, "connections-per-address", _tooManyFromAddress);
                    else Spawn(transport!, counted);
                    break;
                case AcceptStatus.WouldBlock:
                case AcceptStatus.Closed:
                    return;
                case AcceptStatus.TransientFailure:
                    _log.LogWarning("Accepting connections failed (out of file descriptors or memory?); retrying in {DelayMs} ms", (long)AcceptRetryDelay.TotalMilliseconds);
                    Timers.StartSingleTimer(AcceptRetry.Instance, AcceptRetry.Instance, AcceptRetryDelay);
                    return;
            }
        }
        // More may be pending: continue after the messages already queued.
        _self.Tell(AcceptRetry.Instance, ActorRefs.NoSender);
    }

    /// <summary>Counts the connection against its address (see <see cref="AddressLimits"/>); false when that address is at its limit.</summary>
    private bool TryCountAddress(IConnectionTransport transport, out IPAddress? counted)
    {
        counted = null;
        var limits = _runtime.AddressLimits;
        if (!limits.LimitsConnections || transport.RemoteEndPoint is not IPEndPoint remote) return true;
        var address = AddressLimits.Normalize(remote.Address);
        if (!limits.TryOpen(address, out bool isCounted)) return false;
        if (isCounted) counted = address;
        return true;
    }

    private void Spawn(IConnectionTransport transport, IPAddress? countedAddress)
    {
        long id = _runtime.NextConnectionId();
        var entry = _runtime.Registry.Add(id);
        entry.CountedAddress = countedAddress;
        (_accepted ??= new List<ConnectionActor.AttachSocket>(AcceptBatch)).Add(new ConnectionActor.AttachSocket(transport, entry));
    }

    /// <summary>Most accepted sockets handed to one group in one message.</summary>
    private const int SocketsPerGroupMessage = 8;

    /// <summary>Sockets of the current accept batch, handed to the groups a few at a time.</summary>
    private List<ConnectionActor.AttachSocket>? _accepted;
    private int _nextGroup;

    /// <summary>
    /// Hands the accept batch to the groups in turn, <see cref="SocketsPerGroupMessage"/> sockets per message: few work
    /// items per connection, yet every group keeps only a few children (see <see cref="ConnectionGroup"/>).
    /// </summary>
    private void HandOverAccepted()
    {
        if (_accepted is not { Count: > 0 } accepted) return;
        _accepted = null;
        for (int start = 0; start < accepted.Count; start += SocketsPerGroupMessage)
        {
            int count = Math.Min(SocketsPerGroupMessage, accepted.Count - start);
            _groups[_nextGroup].Tell(new ConnectionGroup.SocketsAccepted(accepted.GetRange(start, count)), _self);
            _nextGroup = (_nextGroup + 1) % _groups.Length;
        }
    }

    /// <summary>Over a limit (or draining): a 503 and the socket is closed, without spawning an actor.</summary>
    private void Refuse(IConnectionTransport transport, string reason, byte[] response)
    {
        _runtime.Metrics.ConnectionsRejected.Add(1, new KeyValuePair<string, object?>("reason", reason));
        transport.Send(response, out _);
        transport.ShutdownSend();
        transport.Dispose();
    }

    private void StopAccepting()
    {
        _listener?.Dispose();
        _listener = null;
    }

    private void OnDrain(Drain drain)
    {
        _runtime.Draining = true;
        StopAccepting();
        _drainRequester = Sender;
        var self = _self;
        _runtime.Registry.WhenEmpty(() => self.Tell(AllConnectionsClosed.Instance, ActorRefs.NoSender));
        if (_runtime.Registry.Count == 0)
        {
            FinishDrain(0);
            return;
        }
        _log.LogInformation("Draining {Count} connections (up to {DrainTimeoutSeconds:0.###} s)", _runtime.Registry.Count, drain.Timeout.TotalSeconds);
        _runtime.Registry.TellAll(ServerShuttingDown.Instance);
        Timers.StartSingleTimer(DrainTimedOut.Instance, DrainTimedOut.Instance, drain.Timeout);
    }

    private void FinishDrain(int aborted)
    {
        if (_drainRequester is null) return;
        Timers.Cancel(DrainTimedOut.Instance);
        _runtime.Registry.WhenEmpty(null);
        if (aborted > 0) _log.LogWarning("Drain timeout: {Count} connections aborted", aborted);
        _drainRequester.Tell(new Drained(aborted), _self);
        _drainRequester = null;
    }
}
