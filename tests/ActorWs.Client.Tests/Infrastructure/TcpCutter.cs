using System.Net;
using System.Net.Sockets;

namespace ActorWs.Client.Tests.Infrastructure;

/// <summary>
/// A TCP forwarder between a client and the server that a test can break the way networks break: cut every
/// connection (both ends see a reset), freeze them (bytes stop flowing, nobody is told: a half-open
/// connection), or refuse new ones. Everything else passes through unchanged, HTTP included.
/// </summary>
/// <remarks>Thread-safe. Listens on 127.0.0.1 only.</remarks>
public sealed class TcpCutter : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Pipe> _pipes = [];
    private readonly Task _accepting;
    private volatile bool _refuse;

    public TcpCutter(IPEndPoint target)
    {
        _target = target;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptLoopAsync();
    }

    public int Port { get; }

    /// <summary>Connections accepted so far (refused ones included).</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    private int _accepted;

    /// <summary>New connections are reset at once while true.</summary>
    public bool RefuseNew
    {
        get => _refuse;
        set => _refuse = value;
    }

    /// <summary>Resets every open connection, on both sides.</summary>
    public void CutAll()
    {
        foreach (var pipe in TakePipes()) pipe.Reset();
    }

    /// <summary>Stops forwarding on every open connection without closing it (new connections flow normally).</summary>
    public void FreezeAll()
    {
        lock (_pipes)
        {
            foreach (var pipe in _pipes) pipe.Frozen = true;
        }
    }

    private List<Pipe> TakePipes()
    {
        lock (_pipes)
        {
            var all = _pipes.ToList();
            _pipes.Clear();
            return all;
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            Interlocked.Increment(ref _accepted);
            if (_refuse)
            {
                client.LingerState = new LingerOption(true, 0);
                client.Close();
                continue;
            }
            var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await upstream.ConnectAsync(_target, _stop.Token);
            }
            catch (Exception)
            {
                client.Close();
                upstream.Dispose();
                continue;
            }
            client.NoDelay = true;
            var pipe = new Pipe(client, upstream);
            lock (_pipes) _pipes.Add(pipe);
            pipe.Start();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            await _accepting.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception)
        {
        }
        foreach (var pipe in TakePipes()) pipe.Reset();
        _stop.Dispose();
    }

    /// <summary>One forwarded connection: two pumps, one per direction.</summary>
    private sealed class Pipe(Socket client, Socket upstream)
    {
        public volatile bool Frozen;

        public void Start()
        {
            _ = PumpAsync(client, upstream);
            _ = PumpAsync(upstream, client);
        }

        private async Task PumpAsync(Socket from, Socket to)
        {
            var buffer = new byte[16 * 1024];
            try
            {
                while (true)
                {
                    int n = await from.ReceiveAsync(buffer, SocketFlags.None);
                    if (n == 0) break;
                    // A frozen pipe swallows what arrives: the peer's bytes never reach the other side.
                    if (Frozen) continue;
                    await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None);
                }
                if (!Frozen) to.Shutdown(SocketShutdown.Send);
            }
            catch (Exception)
            {
                // Either side went away; the other pump ends the same way.
            }
        }

        public void Reset()
        {
            foreach (var socket in new[] { client, upstream })
            {
                try
                {
                    socket.LingerState = new LingerOption(true, 0);
                    socket.Close();
                }
                catch (Exception)
                {
                }
            }
        }
    }
}
