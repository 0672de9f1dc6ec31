using System.Net;
using System.Net.Sockets;

namespace ActorWs.Hosting.Tests.Cluster;

/// <summary>
/// What users put in front of a cluster, reduced to what the tests need: a TCP (layer 4) balancer on 127.0.0.1, port 0,
/// that pipes each accepted connection to the first of its backends, in its order, that accepts a connection (a
/// backend whose process is gone refuses, and the next one is tried), as a balancer with connect health checks does.
/// When either side of a pipe ends, both ends are closed, so a client sees its server's crash at once.
/// </summary>
internal sealed class TcpBalancer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IReadOnlyList<IPEndPoint> _backends;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly List<Task> _connections = [];

    /// <param name="backends">The servers, in the order they are tried for each connection.</param>
    public TcpBalancer(IEnumerable<IPEndPoint> backends)
    {
        _backends = backends.ToArray();
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>The port clients connect to.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>How many connections went to each backend so far (by its port).</summary>
    public IReadOnlyDictionary<int, int> ConnectionsByBackend
    {
        get
        {
            lock (_counts) return new Dictionary<int, int>(_counts);
        }
    }

    private readonly Dictionary<int, int> _counts = [];

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptSocketAsync(_stop.Token);
                lock (_connections) _connections.Add(ServeAsync(client));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // stopped
        }
    }

    private async Task ServeAsync(Socket client)
    {
        using (client)
        {
            Socket? backend = null;
            foreach (var endPoint in _backends)
            {
                var candidate = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                    timeout.CancelAfter(TimeSpan.FromSeconds(2));
                    await candidate.ConnectAsync(endPoint, timeout.Token);
                    backend = candidate;
                    lock (_counts) _counts[endPoint.Port] = _counts.GetValueOrDefault(endPoint.Port) + 1;
                    break;
                }
                catch (Exception ex) when (ex is SocketException or OperationCanceledException)
                {
                    candidate.Dispose();
                }
            }
            if (backend is null) return; // nobody to serve it: the client sees its connection close
            using (backend)
            {
                client.NoDelay = true;
                var up = PipeAsync(client, backend);
                var down = PipeAsync(backend, client);
                await Task.WhenAny(up, down);
                // One side ended: end the other at once (a reset, as a balancer does when its backend vanished).
                client.Close(0);
                backend.Close(0);
                await Task.WhenAll(up, down);
            }
        }
    }

    private async Task PipeAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                int read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (read == 0) return;
                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // either end went away
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _accepting;
        Task[] connections;
        lock (_connections) connections = _connections.ToArray();
        await Task.WhenAll(connections).WaitAsync(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }
}
