using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace ActorWs.Server.Transport.Streams;

/// <summary>
/// Portable transports: .NET sockets, each connection read and written through a <see cref="NetworkStream"/>,
/// or an <see cref="SslStream"/> over it when a certificate is given (then every connection speaks TLS:
/// <c>wss://</c> and <c>https://</c> on the same port).
/// </summary>
internal sealed class StreamTransportFactory : ITransportFactory
{
    private readonly SslServerAuthenticationOptions? _tls;

    /// <summary>None: a stream's reads and writes run on the thread pool, not on threads of the transport's own.</summary>
    public IReadOnlyList<string> IoDispatcherIds => [];

    public StreamTransportFactory(X509Certificate2? certificate = null)
    {
        if (certificate is null) return;
        _tls = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = SslStreamCertificateContext.Create(certificate, additionalCertificates: null, offline: true),
            ClientCertificateRequired = false,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            ApplicationProtocols = [SslApplicationProtocol.Http11],
        };
    }

    public IConnectionListener Listen(IPEndPoint endPoint, int backlog) =>
        new SocketListener(endPoint, backlog, Wrap);

    private IConnectionTransport Wrap(Socket socket)
    {
        var network = new NetworkStream(socket, ownsSocket: true);
        if (_tls is null) return new StreamConnectionTransport(socket, network);
        var ssl = new SslStream(network, leaveInnerStreamOpen: false);
        return new StreamConnectionTransport(socket, ssl, stream => ((SslStream)stream).AuthenticateAsServerAsync(_tls, CancellationToken.None));
    }

    public void Dispose()
    {
    }
}
