using System.Net;
using System.Net.Sockets;

namespace ActorWs.Server.Transport.Streams;

/// <summary>Portable transports: .NET sockets, each connection read and written through a <see cref="NetworkStream"/>.</summary>
internal sealed class StreamTransportFactory : ITransportFactory
{
    public IConnectionListener Listen(IPEndPoint endPoint, int backlog) =>
        new SocketListener(endPoint, backlog, socket => new StreamConnectionTransport(socket, new NetworkStream(socket, ownsSocket: true)));

    public void Dispose()
    {
    }
}
