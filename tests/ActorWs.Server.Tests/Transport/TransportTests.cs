using System.Net;
using System.Net.Sockets;
using ActorWs.Server.Transport;
using ActorWs.Server.Transport.Linux;
using ActorWs.Server.Transport.Streams;
using Xunit;

namespace ActorWs.Server.Tests.Transport;

/// <summary>Both transports must behave the same to their owner; every test runs on each.</summary>
public sealed class TransportTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    public static TheoryData<string> Transports()
    {
        var data = new TheoryData<string> { "streams" };
        if (OperatingSystem.IsLinux()) data.Add("epoll");
        return data;
    }

    private static ITransportFactory Create(string name) =>
        name == "epoll" ? new EpollTransportFactory(1) : new StreamTransportFactory();

    /// <summary>Counts signals so a test can wait for the next one.</summary>
    private sealed class SignalCounter : ITransportOwner
    {
        private readonly SemaphoreSlim _signals = new(0);
        public void OnTransportSignal() => _signals.Release();
        public void WaitForSignal()
        {
            if (!_signals.Wait(Wait)) throw new TimeoutException("no transport signal");
        }
    }

    private sealed class Pair : IDisposable
    {
        public required ITransportFactory Factory;
        public required IConnectionListener Listener;
        public required IConnectionTransport Server;
        public required Socket Client;
        public required SignalCounter Owner;
        public void Dispose()
        {
            Client.Dispose();
            Server.Dispose();
            Listener.Dispose();
            Factory.Dispose();
        }
    }

    private static Pair Connect(string transport)
    {
        var factory = Create(transport);
        var listener = factory.Listen(new IPEndPoint(IPAddress.Loopback, 0), 128);
        var listenerOwner = new SignalCounter();
        listener.Start(listenerOwner);
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(listener.LocalEndPoint);
        IConnectionTransport? server = null;
        var deadline = DateTime.UtcNow + Wait;
        while (server is null)
        {
            listenerOwner.WaitForSignal();
            listener.TakeReadiness();
            while (listener.TryAccept(out var accepted) == AcceptStatus.Accepted) server = accepted;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("not accepted");
        }
        var owner = new SignalCounter();
        server.Start(owner);
        return new Pair { Factory = factory, Listener = listener, Server = server, Client = client, Owner = owner };
    }

    /// <summary>Receives until <paramref name="count"/> bytes came, waiting for signals in between.</summary>
    private static byte[] ReceiveExactly(Pair pair, int count)
    {
        var result = new byte[count];
        int got = 0;
        while (got < count)
        {
            var status = pair.Server.Receive(result.AsSpan(got), out int n);
            if (status == ReceiveStatus.Data) { got += n; continue; }
            Assert.Equal(ReceiveStatus.WouldBlock, status);
            pair.Owner.WaitForSignal();
            pair.Server.TakeReadiness();
        }
        return result;
    }

    private static ReceiveStatus ReceiveUntilNotWouldBlock(Pair pair)
    {
        var scratch = new byte[64];
        while (true)
        {
            var status = pair.Server.Receive(scratch, out _);
            if (status != ReceiveStatus.WouldBlock) return status;
            pair.Owner.WaitForSignal();
            pair.Server.TakeReadiness();
        }
    }

    [Theory, MemberData(nameof(Transports))]
    public void Listen_OnPortZero_ReportsTheRealPort(string transport)
    {
        using var factory = Create(transport);
        using var listener = factory.Listen(new IPEndPoint(IPAddress.Loopback, 0), 16);
        Assert.NotEqual(0, listener.LocalEndPoint.Port);
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Connect(listener.LocalEndPoint); // the port really listens
    }

    [Theory, MemberData(nameof(Transports))]
    public void Listen_OnAPortInUse_ThrowsAddressAlreadyInUse(string transport)
    {
        using var blocker = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        blocker.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        blocker.Listen();
        using var factory = Create(transport);
        var ex = Assert.Throws<SocketException>(() => factory.Listen((IPEndPoint)blocker.LocalEndPoint!, 16));
        Assert.Equal(SocketError.AddressAlreadyInUse, ex.SocketErrorCode);
    }

    [Theory, MemberData(nameof(Transports))]
    public void BytesFromTheClient_AreReceived_AndRepliesReachTheClient(string transport)
    {
        using var pair = Connect(transport);
        Assert.Equal(IPAddress.Loopback, ((IPEndPoint)pair.Server.RemoteEndPoint!).Address);
        pair.Client.Send("hello"u8);
        Assert.Equal("hello"u8.ToArray(), ReceiveExactly(pair, 5));

        Assert.Equal(SendStatus.Complete, pair.Server.Send("world"u8, out int sent));
        Assert.Equal(5, sent);
        var reply = new byte[5];
        pair.Client.ReceiveTimeout = 10_000;
        int got = 0;
        while (got < 5) got += pair.Client.Receive(reply, got, 5 - got, SocketFlags.None);
        Assert.Equal("world"u8.ToArray(), reply);
    }

    [Theory, MemberData(nameof(Transports))]
    public void AnIdleConnection_SaysWouldBlock_ThenSignalsWhenBytesArrive(string transport)
    {
        using var pair = Connect(transport);
        pair.Owner.WaitForSignal(); // the first signal, always sent by Start
        pair.Server.TakeReadiness();
        Assert.Equal(ReceiveStatus.WouldBlock, pair.Server.Receive(new byte[16], out _));
        pair.Client.Send(new byte[] { 1, 2, 3 });
        Assert.Equal(new byte[] { 1, 2, 3 }, ReceiveExactly(pair, 3));
    }

    [Theory, MemberData(nameof(Transports))]
    public void ClientClosing_IsEndOfStream(string transport)
    {
        using var pair = Connect(transport);
        pair.Client.Shutdown(SocketShutdown.Send);
        Assert.Equal(ReceiveStatus.EndOfStream, ReceiveUntilNotWouldBlock(pair));
    }

    [Theory, MemberData(nameof(Transports))]
    public void Abort_ResetsTheConnection(string transport)
    {
        using var pair = Connect(transport);
        pair.Server.Abort();
        pair.Client.ReceiveTimeout = 10_000;
        var ex = Record.Exception(() =>
        {
            // A reset reads as an error; an orderly close would read as 0 bytes.
            int n = pair.Client.Receive(new byte[1]);
            Assert.Fail($"expected a reset, read {n} bytes");
        });
        var socketError = Assert.IsType<SocketException>(ex);
        Assert.Equal(SocketError.ConnectionReset, socketError.SocketErrorCode);
    }

    [Theory, MemberData(nameof(Transports))]
    public void ShutdownSend_EndsTheServersDirection_ButStillReceives(string transport)
    {
        using var pair = Connect(transport);
        Assert.Equal(SendStatus.Complete, pair.Server.Send("bye"u8, out _));
        pair.Server.ShutdownSend();
        pair.Client.ReceiveTimeout = 10_000;
        var buffer = new byte[8];
        int got = 0, n;
        while ((n = pair.Client.Receive(buffer, got, buffer.Length - got, SocketFlags.None)) > 0) got += n;
        Assert.Equal("bye"u8.ToArray(), buffer[..got]);
        pair.Client.Send("late"u8);
        Assert.Equal("late"u8.ToArray(), ReceiveExactly(pair, 4));
    }

    [Theory, MemberData(nameof(Transports))]
    public async Task ASlowReader_MakesSendWouldBlock_AndWritableIsSignalledWhenItReads(string transport)
    {
        using var pair = Connect(transport);
        pair.Client.ReceiveBufferSize = 64 * 1024;
        var chunk = new byte[64 * 1024];
        long total = 0;
        SendStatus status;
        int guard = 0;
        do
        {
            status = pair.Server.Send(chunk, out int sent);
            total += sent;
            Assert.True(++guard < 10_000, "the kernel never pushed back");
        }
        while (status == SendStatus.Complete);
        Assert.Equal(SendStatus.WouldBlock, status);

        // Drain everything on the client in the background; the server must be told it can write again.
        var drained = Task.Run(() =>
        {
            var buffer = new byte[256 * 1024];
            long read = 0;
            pair.Client.ReceiveTimeout = 10_000;
            while (read < total) read += pair.Client.Receive(buffer);
            return read;
        });
        bool writable = false;
        for (int i = 0; i < 100 && !writable; i++)
        {
            pair.Owner.WaitForSignal();
            writable = (pair.Server.TakeReadiness() & TransportReadiness.Writable) != 0
                && pair.Server.Send(new byte[1], out _) == SendStatus.Complete;
        }
        Assert.True(writable);
        Assert.True(await drained.WaitAsync(Wait) >= total);
    }

    [Theory, MemberData(nameof(Transports))]
    public void ManyConnections_AreEachAcceptedOnce(string transport)
    {
        using var factory = Create(transport);
        using var listener = factory.Listen(new IPEndPoint(IPAddress.Loopback, 0), 512);
        var owner = new SignalCounter();
        listener.Start(owner);
        var clients = new List<Socket>();
        var accepted = new List<IConnectionTransport>();
        try
        {
            for (int i = 0; i < 200; i++)
            {
                var c = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                c.Connect(listener.LocalEndPoint);
                clients.Add(c);
            }
            var deadline = DateTime.UtcNow + Wait;
            while (accepted.Count < clients.Count && DateTime.UtcNow < deadline)
            {
                listener.TakeReadiness();
                while (listener.TryAccept(out var t) == AcceptStatus.Accepted) accepted.Add(t!);
                if (accepted.Count < clients.Count) owner.WaitForSignal();
            }
            Assert.Equal(clients.Count, accepted.Count);
            var ports = accepted.Select(t => ((IPEndPoint)t.RemoteEndPoint!).Port).ToHashSet();
            Assert.Equal(clients.Select(c => ((IPEndPoint)c.LocalEndPoint!).Port).ToHashSet(), ports);
        }
        finally
        {
            foreach (var c in clients) c.Dispose();
            foreach (var t in accepted) t.Dispose();
        }
    }
}
