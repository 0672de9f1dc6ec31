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

    /// <summary>Opens a WebSocket to <paramref name="pathAndQuery"/>, at most the ramp-up's number at once.</summary>
    /// <param name="pathAndQuery">E.g. <c>/echo</c> or <c>/ws?resume=…</c>.</param>
    /// <param name="kind">Who connects (for the counters).</param>
    /// <returns>The open socket; null when it failed (counted as a problem) or the load is stopping.</returns>
    public async Task<ClientWebSocket?> ConnectAsync(string pathAndQuery, SoakClientKind kind)
    {
        var name = SoakOptionsParser.Name(kind);
        try
        {
            await _connectGate.WaitAsync(Stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return null;
        }

        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Stop);
            timeout.CancelAfter(ConnectTimeout);
            await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{Port}{pathAndQuery}"), timeout.Token).ConfigureAwait(false);
            Counters.Add($"{name}.connects");
            return socket;
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or HttpRequestException)
        {
            var status = (int)socket.HttpStatusCode;
            socket.Dispose();
            if (!Stop.IsCancellationRequested)
            {
                Counters.Problem("connect_failed", $"{name} {pathAndQuery.Split('?')[0]}: {(status != 0 ? $"HTTP {status}" : ex.Message)}");
            }

            return null;
        }
        finally
        {
            _connectGate.Release();
        }
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
