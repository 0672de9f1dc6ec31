using System.Net;

namespace ActorWs.Server.Transport;

/// <summary>What a non-blocking receive produced.</summary>
internal enum ReceiveStatus
{
    /// <summary>Bytes were copied into the destination.</summary>
    Data,
    /// <summary>Nothing is available now; a <see cref="ITransportOwner.OnTransportSignal"/> follows when it is.</summary>
    WouldBlock,
    /// <summary>The peer finished sending (TCP FIN). Sending may still work.</summary>
    EndOfStream,
    /// <summary>The connection failed (reset, aborted); the transport is unusable.</summary>
    Failed,
}

/// <summary>What a non-blocking send did.</summary>
internal enum SendStatus
{
    /// <summary>All bytes were taken by the transport.</summary>
    Complete,
    /// <summary>Some or none were taken; a <see cref="ITransportOwner.OnTransportSignal"/> follows when more can be.</summary>
    WouldBlock,
    /// <summary>The connection failed; nothing more can be sent.</summary>
    Failed,
}

/// <summary>What a signal announced.</summary>
[Flags]
internal enum TransportReadiness
{
    /// <summary>Nothing new.</summary>
    None = 0,
    /// <summary>Bytes, end of stream or an error are waiting to be received.</summary>
    Readable = 1,
    /// <summary>Sending can make progress again.</summary>
    Writable = 2,
}

/// <summary>
/// The one party a transport reports readiness to: the connection actor that owns it.
/// </summary>
/// <remarks>
/// <see cref="OnTransportSignal"/> is called from the transport's I/O thread and must be cheap and
/// non-blocking: the connection actor implements it as a <c>Tell</c> of a preallocated message.
/// Signals are coalesced: one signal may stand for many readiness events, and a signal may arrive
/// when nothing is ready any more (the owner then sees <see cref="ReceiveStatus.WouldBlock"/>).
/// </remarks>
internal interface ITransportOwner
{
    /// <summary>Something may be readable or writable now, or the connection failed.</summary>
    void OnTransportSignal();
}

/// <summary>
/// A non-blocking byte stream for one accepted connection, pulled by its owner.
/// </summary>
/// <remarks>
/// Thread-safety: all members except <see cref="Abort"/> are called by the owning connection actor
/// only, one at a time (the actor's mailbox serializes them). The transport calls back
/// <see cref="ITransportOwner.OnTransportSignal"/> from its own I/O thread.
/// An idle transport holds no data buffer: the owner reads into buffers it rents only while
/// bytes are flowing.
/// </remarks>
internal interface IConnectionTransport : IDisposable
{
    /// <summary>The peer's address, for logs.</summary>
    EndPoint? RemoteEndPoint { get; }

    /// <summary>
    /// The Akka.NET dispatcher that runs the owner on the transport's own I/O thread (so readiness is handled in the
    /// loop turn that saw it), or null when the owner should use the server's usual dispatcher.
    /// </summary>
    string? DispatcherId { get; }

    /// <summary>Registers the owner that readiness signals go to; a first signal always follows.</summary>
    void Start(ITransportOwner owner);

    /// <summary>
    /// Called by the owner first thing when it handles a signal: re-arms signalling and says what
    /// became ready since the last call (a hint: a receive may still find nothing).
    /// </summary>
    TransportReadiness TakeReadiness();

    /// <summary>Copies available bytes into <paramref name="destination"/> without blocking.</summary>
    /// <remarks>
    /// Contract the owner relies on: when fewer bytes than <paramref name="destination"/> holds come back, or
    /// <see cref="ReceiveStatus.WouldBlock"/>, nothing more is available right now and a signal follows when
    /// something is; so the owner need not ask again until then.
    /// </remarks>
    ReceiveStatus Receive(Span<byte> destination, out int bytesReceived);

    /// <summary>Takes as many bytes as it can without blocking.</summary>
    SendStatus Send(ReadOnlySpan<byte> source, out int bytesSent);

    /// <summary>Ends our sending direction (TCP FIN) once everything sent so far is out.</summary>
    void ShutdownSend();

    /// <summary>Closes the connection now (TCP RST where possible); safe from any thread, idempotent.</summary>
    void Abort();

    /// <summary>
    /// Runs <paramref name="task"/> once, behind the work already waiting where this transport's I/O is handled: on an
    /// I/O thread in the loop's next turn (after the sockets it polls meanwhile and the mailboxes already queued),
    /// elsewhere at the back of the thread pool's queue. Allocates nothing. How the owner comes back to input it set
    /// aside after the others had their turn.
    /// </summary>
    void Defer(Akka.Dispatch.IRunnable task);
}
