using System.Net.WebSockets;

namespace ActorWs.Bench.Soak;

/// <summary>What every soak client shares: the server's address, the counters, the ramp-up gate and the stop signal.</summary>
/// <remarks>Thread-safe: read by every client task.</remarks>
public sealed class SoakContext : IDisposable
{
    /// <summary>How long a connect (TCP and handshake) may take before it counts as failed.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(20);

    /// <summary>How long a well-behaved client waits for an answer (an echo, a reply, a welcome, a close).</summary>
    public static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(20);

    private readonly SemaphoreSlim _connectGate;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, bool> _connectedOnce = new();

    /// <summary>Creates the shared state.</summary>
    /// <param name="port">The server's port on 127.0.0.1.</param>
    /// <param name="seed">The run's seed.</param>
    /// <param name="connectConcurrency">Connections opened at once.</param>
    /// <param name="chatRooms">Chat rooms the room clients and vanishers spread over.</param>
    /// <param name="stop">Cancelled when the load ends.</param>
    public SoakContext(int port, int seed, int connectConcurrency, int chatRooms, CancellationToken stop)
    {
        Port = port;
        Seed = seed;
        ChatRooms = chatRooms;
        Stop = stop;
        _connectGate = new SemaphoreSlim(connectConcurrency, connectConcurrency);
    }

    /// <summary>The server's port.</summary>
    public int Port { get; }

    /// <summary>The run's seed.</summary>
    public int Seed { get; }

    /// <summary>
    /// How long the server keeps a dropped session for its client (it is told so at start): a resume refused later than this
    /// after the drop is the server doing its job, not losing a session.
    /// </summary>
    public TimeSpan ReconnectionWindow { get; init; } = SoakOptions.DefaultReconnectionWindow;

    /// <summary>Chat rooms (<c>soak-0</c>…) in use.</summary>
    public int ChatRooms { get; }

    /// <summary>Cancelled when the load ends: clients close cleanly and return.</summary>
    public CancellationToken Stop { get; }

    /// <summary>What the clients counted.</summary>
    public SoakCounters Counters { get; } = new();

    /// <summary>The random source of one client: a function of the seed and the client's slot only.</summary>
    /// <param name="slot">The slot.</param>
    /// <returns>A new generator.</returns>
    public Random RandomFor(int slot) => new(unchecked((Seed * 1_000_003) + slot));

    /// <summary>
    /// Opens a WebSocket to <paramref name="pathAndQuery"/>. A slot's first connection goes through the ramp-up gate (at
    /// most the ramp-up's number at once); its reconnections do not: they are paced by the clients themselves, and a resume
    /// queued behind other clients' connects could miss its reconnection window through the tool's fault alone.
    /// Counts the time spent at the gate and in the handshake (<c>connect.*_ms_*</c>).
    /// </summary>
    /// <param name="pathAndQuery">E.g. <c>/echo</c> or <c>/ws?resume=…</c>.</param>
    /// <param name="kind">Who connects (for the counters).</param>
    /// <param name="slot">The client's slot.</param>
    /// <returns>The open socket; null when it failed (counted as a problem) or the load is stopping.</returns>
    public async Task<ClientWebSocket?> ConnectAsync(string pathAndQuery, SoakClientKind kind, int slot)
    {
        var name = SoakOptionsParser.Name(kind);
        var gated = !_connectedOnce.ContainsKey(slot);
        var waitStarted = System.Diagnostics.Stopwatch.GetTimestamp();
        if (gated)
        {
            try
            {
                await _connectGate.WaitAsync(Stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return null;
            }

            Counters.Max("connect.gate_wait_ms_max", (long)System.Diagnostics.Stopwatch.GetElapsedTime(waitStarted).TotalMilliseconds);
        }

        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Stop);
            timeout.CancelAfter(ConnectTimeout);
            await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{Port}{pathAndQuery}"), timeout.Token).ConfigureAwait(false);
            var handshakeMs = (long)System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            Counters.Add($"{name}.connects");
            Counters.Add("connect.handshakes");
            Counters.Add("connect.handshake_ms_total", handshakeMs);
            Counters.Max("connect.handshake_ms_max", handshakeMs);
            _connectedOnce.TryAdd(slot, true);
            return socket;
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or HttpRequestException)
        {
            var status = (int)socket.HttpStatusCode;
            socket.Dispose();
            if (!Stop.IsCancellationRequested)
            {
                var reason = status != 0 ? $"HTTP {status}" : Innermost(ex);
                Counters.Problem("connect_failed", string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"{name} {pathAndQuery.Split('?')[0]}: {reason} after {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s"));
            }

            return null;
        }
        finally
        {
            if (gated)
            {
                _connectGate.Release();
            }
        }
    }

    /// <summary>An exception's message with its inner exceptions' ("Unable to connect: Connection refused").</summary>
    /// <param name="ex">The exception.</param>
    /// <returns>The messages, outermost first.</returns>
    public static string Innermost(Exception ex)
    {
        ArgumentNullException.ThrowIfNull(ex);
        var messages = new List<string>();
        for (var e = ex; e is not null; e = e.InnerException)
        {
            messages.Add(e.Message);
        }

        return string.Join(": ", messages.Distinct());
    }

    /// <summary>Waits, or returns false at once when the load is stopping.</summary>
    /// <param name="delay">How long.</param>
    /// <returns>False when stopped.</returns>
    public async Task<bool> DelayAsync(TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, Stop).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _connectGate.Dispose();
}
