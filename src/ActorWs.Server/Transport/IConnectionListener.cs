using System.Net;

namespace ActorWs.Server.Transport;

/// <summary>What a non-blocking accept produced.</summary>
internal enum AcceptStatus
{
    /// <summary>A connection was accepted.</summary>
    Accepted,
    /// <summary>No connection is pending; a signal follows when one is.</summary>
    WouldBlock,
    /// <summary>
    /// Accepting failed for a reason that may pass (out of descriptors or memory): retry after a pause.
    /// Connections stay queued in the kernel's backlog meanwhile.
    /// </summary>
    TransientFailure,
    /// <summary>The listening socket is closed.</summary>
    Closed,
}

/// <summary>A bound, listening endpoint from which the listener actor pulls new connections.</summary>
/// <remarks>
/// Thread-safety: <see cref="TryAccept"/> and <see cref="TakeReadiness"/> are called by the owning
/// listener actor only; <see cref="IDisposable.Dispose"/> may be called from any thread.
/// </remarks>
internal interface IConnectionListener : IDisposable
{
    /// <summary>The address actually bound (with the real port when port 0 was asked for).</summary>
    IPEndPoint LocalEndPoint { get; }

    /// <summary>Registers the owner that "connections pending" signals go to; a first signal always follows.</summary>
    void Start(ITransportOwner owner);

    /// <summary>Re-arms signalling; to be called first when the owner handles a signal.</summary>
    TransportReadiness TakeReadiness();

    /// <summary>Takes one pending connection without blocking.</summary>
    AcceptStatus TryAccept(out IConnectionTransport? connection);
}

/// <summary>Makes listeners; one per server, owning whatever I/O threads its transports share.</summary>
internal interface ITransportFactory : IDisposable
{
    /// <summary>Binds and listens. Throws <see cref="System.Net.Sockets.SocketException"/> when the address cannot be bound.</summary>
    IConnectionListener Listen(IPEndPoint endPoint, int backlog);

    /// <summary>
    /// The ids of the Akka.NET dispatchers that run actors on this transport's I/O threads, one per thread (empty when its
    /// I/O is not on threads of its own, or no actor system was given).
    /// </summary>
    IReadOnlyList<string> IoDispatcherIds { get; }
}
