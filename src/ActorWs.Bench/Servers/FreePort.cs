using System.Net;
using System.Net.Sockets;

namespace ActorWs.Bench.Servers;

/// <summary>Finds a TCP port on 127.0.0.1 that nothing listens on.</summary>
/// <remarks>Stateless; safe to call from any thread.</remarks>
public static class FreePort
{
    /// <summary>
    /// Binds port 0 on loopback, reads the port the kernel chose, and releases it. Another process
    /// could take it before the server binds; the kernel hands ports out round-robin, so that is rare,
    /// and a server that cannot bind fails its health check with a clear message.
    /// </summary>
    /// <returns>The port number.</returns>
    public static int Pick()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
